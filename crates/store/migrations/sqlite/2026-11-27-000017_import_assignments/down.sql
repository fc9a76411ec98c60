DROP TABLE import_assignments;
