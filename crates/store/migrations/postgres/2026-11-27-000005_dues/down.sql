DROP TABLE dues_payments;
DROP FUNCTION dues_payments_append_only();
DROP TABLE dues_standards;
DELETE FROM id_alloc WHERE name = 'dues_payments';
