DROP TABLE meeting_attendance;
DROP TABLE meetings;
DELETE FROM id_alloc WHERE name = 'meetings';
