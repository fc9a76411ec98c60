CREATE UNIQUE INDEX member_profiles_person ON member_profiles (county_code, resident_id_hash);
DELETE FROM id_alloc WHERE name = 'transfers';
DROP TABLE transfer_events;
DROP TABLE transfers;
ALTER TABLE members DROP COLUMN arrived_on;
