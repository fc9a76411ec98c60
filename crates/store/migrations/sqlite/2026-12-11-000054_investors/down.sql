DROP TABLE investor_event_attendance;
DROP TABLE investor_events;
DROP TABLE unit_investors;
DELETE FROM id_alloc WHERE name IN ('unit_investors', 'investor_events');
