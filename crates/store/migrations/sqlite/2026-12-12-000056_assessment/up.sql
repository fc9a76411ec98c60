-- 考核清单: the criteria an assessor enters, defined per year by the city, every version
-- kept (points 0: withdrawn from that version on); the scores entered with their evidence
-- (append-only: the latest of a criterion and group counts, and only under the version in
-- force); and the final scores decided (append-only, with the computed score of the day and
-- the reason).
CREATE TABLE assessment_criteria (
    id BIGINT NOT NULL PRIMARY KEY,
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    label TEXT NOT NULL,
    points INTEGER NOT NULL,
    guide TEXT NOT NULL,
    source TEXT NOT NULL,
    adopted_on DATE NOT NULL,
    adopted_by TEXT NOT NULL,
    UNIQUE (year, code, version)
);

CREATE TABLE assessment_scores (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    assessee_kind TEXT NOT NULL,
    assessee_id BIGINT NOT NULL,
    criterion_id BIGINT NOT NULL REFERENCES assessment_criteria (id),
    points_tenths INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    entered_on DATE NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE INDEX assessment_scores_assessee ON assessment_scores (year, assessee_kind, assessee_id);

CREATE TABLE assessment_finals (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    assessee_kind TEXT NOT NULL,
    assessee_id BIGINT NOT NULL,
    score_tenths INTEGER NOT NULL,
    computed_tenths INTEGER NOT NULL,
    reason TEXT NOT NULL,
    decided_on DATE NOT NULL,
    decided_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id)
);
CREATE INDEX assessment_finals_assessee ON assessment_finals (year, assessee_kind, assessee_id);

INSERT INTO id_alloc (name, next_id) VALUES ('assessment_criteria', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('assessment_scores', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('assessment_finals', 1);
