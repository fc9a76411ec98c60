DELETE FROM id_alloc WHERE name = 'rectification_cases';
DROP TABLE rectification_notes;
DROP TABLE rectification_cases;
