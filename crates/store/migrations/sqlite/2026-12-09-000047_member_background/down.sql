ALTER TABLE members DROP COLUMN occupation;
ALTER TABLE members DROP COLUMN education;
ALTER TABLE members DROP COLUMN ethnicity;
