DELETE FROM id_alloc WHERE name = 'appraisal_rounds';
DROP TABLE appraisal_ballots;
DROP TABLE appraisal_credentials;
DROP TABLE appraisal_roll;
DROP TABLE appraisal_rounds;
