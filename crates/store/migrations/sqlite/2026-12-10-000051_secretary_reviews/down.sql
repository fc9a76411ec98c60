DELETE FROM id_alloc WHERE name IN ('review_meetings', 'secretary_reports', 'review_rectifications');
DROP TABLE review_rectifications;
DROP TABLE secretary_report_files;
DROP TABLE secretary_reports;
DROP TABLE review_meetings;
