DROP INDEX meeting_attendance_member_day;
ALTER TABLE meeting_attendance DROP COLUMN held_on;
