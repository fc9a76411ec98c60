DELETE FROM id_alloc WHERE name IN ('party_workers', 'training_courses', 'training_attendance');
DROP TABLE training_attendance;
DROP TABLE training_courses;
DROP TABLE party_workers;
