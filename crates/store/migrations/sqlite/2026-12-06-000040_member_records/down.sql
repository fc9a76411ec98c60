DELETE FROM id_alloc WHERE name = 'member_records';
DROP TABLE member_records;
