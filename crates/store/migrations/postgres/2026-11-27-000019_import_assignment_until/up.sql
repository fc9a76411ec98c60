-- 结束日期: an instructor sheet imports ended assignments as history; its undo removes each
-- while it still ends on the day imported.
ALTER TABLE import_assignments ADD COLUMN until DATE;
