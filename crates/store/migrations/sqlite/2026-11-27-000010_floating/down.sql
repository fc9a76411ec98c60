DELETE FROM id_alloc WHERE name = 'floating_members';
DROP TABLE floating_members;
