DROP TABLE dues_payments;
DROP TABLE dues_standards;
DELETE FROM id_alloc WHERE name = 'dues_payments';
