-- Account administration: an account can be disabled (kept, for the log's names), must
-- change a password set by someone else before anything else, and shows its last sign-in.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_at TIMESTAMP;
