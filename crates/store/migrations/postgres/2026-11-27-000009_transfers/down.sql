ALTER TABLE member_profiles ADD CONSTRAINT member_profiles_county_code_resident_id_hash_key
    UNIQUE (county_code, resident_id_hash);
DELETE FROM id_alloc WHERE name = 'transfers';
DROP TABLE transfer_events;
DROP TABLE transfers;
ALTER TABLE members DROP COLUMN arrived_on;
