DROP TABLE area_charges;
DELETE FROM id_alloc WHERE name = 'area_charges';
