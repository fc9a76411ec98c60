DROP TABLE assessment_finals;
DROP TABLE assessment_scores;
DROP TABLE assessment_criteria;
DELETE FROM id_alloc WHERE name IN ('assessment_criteria', 'assessment_scores', 'assessment_finals');
