-- 双强六好 评星晋级: one assessment per party organization and year, through four steps,
-- each recorded with who and when: the organization's self-assessment, the town or zone
-- 党工委's scoring (which also takes the record-filled indicators as the records stood),
-- the county 两新工委's review, the city's confirmation.
CREATE TABLE star_assessments (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    -- self, scored, reviewed, confirmed
    state TEXT NOT NULL,
    self_on DATE NOT NULL,
    self_by TEXT NOT NULL,
    scored_on DATE,
    scored_by TEXT,
    -- 一票否决 codes, comma-separated; empty when none.
    vetoes TEXT,
    -- The record-filled indicators as computed when scored (JSON), never typed.
    record_items TEXT,
    total INTEGER,
    -- 0 when vetoed (not rated).
    stars INTEGER,
    reviewed_on DATE,
    reviewed_by TEXT,
    review_note TEXT,
    confirmed_on DATE,
    confirmed_by TEXT,
    previous_stars INTEGER,
    -- 示范点
    demonstration BOOLEAN NOT NULL,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, party_org_id, year),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id)
);

-- The assessed indicators: the organization's self-score with its evidence, the town's
-- score with its note, and the county's adjustment if it made one.
CREATE TABLE star_items (
    county_code INTEGER NOT NULL,
    assessment_id BIGINT NOT NULL,
    indicator TEXT NOT NULL,
    self_points INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    points INTEGER,
    note TEXT,
    reviewed_points INTEGER,
    PRIMARY KEY (county_code, assessment_id, indicator),
    FOREIGN KEY (county_code, assessment_id) REFERENCES star_assessments (county_code, id)
);

INSERT INTO id_alloc (name, next_id) VALUES ('star_assessments', 1);
