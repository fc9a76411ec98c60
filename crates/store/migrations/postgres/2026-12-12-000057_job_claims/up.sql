-- Scheduled jobs claimed per day: of several servers on one database, the one that claims
-- the night's run does it and the others do not.
CREATE TABLE job_claims (
    job TEXT NOT NULL,
    day DATE NOT NULL,
    claimed_by TEXT NOT NULL,
    PRIMARY KEY (job, day)
);
