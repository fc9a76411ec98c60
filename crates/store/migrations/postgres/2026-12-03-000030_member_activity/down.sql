DROP INDEX meeting_attendance_excuses;
DROP TABLE member_activity;
