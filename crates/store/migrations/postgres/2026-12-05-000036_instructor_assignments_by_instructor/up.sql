-- An instructor's units: every page an instructor opens reads their assignments by
-- instructor (the key starts with the unit), which without this index was a read of every
-- assignment of the platform on each request.
CREATE INDEX instructor_assignments_instructor ON instructor_assignments (instructor_county, instructor_id, since);
