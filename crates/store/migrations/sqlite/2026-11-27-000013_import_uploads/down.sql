DROP TABLE import_uploads;
DELETE FROM id_alloc WHERE name = 'import_uploads';
