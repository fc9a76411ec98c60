DELETE FROM id_alloc WHERE name = 'correction_cases';
DROP TABLE correction_cases;
