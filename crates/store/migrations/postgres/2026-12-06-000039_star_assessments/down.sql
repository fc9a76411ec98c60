DELETE FROM id_alloc WHERE name = 'star_assessments';
DROP TABLE star_items;
DROP TABLE star_assessments;
