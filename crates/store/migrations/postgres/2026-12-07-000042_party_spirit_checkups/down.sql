DELETE FROM id_alloc WHERE name = 'checkups';
DROP TABLE checkup_areas;
DROP TABLE checkups;
