DELETE FROM id_alloc WHERE name = 'imports';
DROP TABLE import_members;
DROP TABLE imports;
