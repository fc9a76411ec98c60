DROP TABLE exemplars;
DELETE FROM id_alloc WHERE name = 'exemplars';
