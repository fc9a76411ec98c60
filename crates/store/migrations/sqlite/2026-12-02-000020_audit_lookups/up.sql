-- Lookups of people registered outside one's scope are counted per account and day.
CREATE INDEX audit_log_actor_action ON audit_log (actor, action, at);
