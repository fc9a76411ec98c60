-- The masked resident ID keeps the region code and the check character only: with the
-- sequence and the check it kept before, the sex and the 入党 date beside it left a few
-- dozen numbers it could be.
UPDATE member_profiles
SET resident_id_masked = substr(resident_id_masked, 1, 6) || '***********' || substr(resident_id_masked, 18, 1);
