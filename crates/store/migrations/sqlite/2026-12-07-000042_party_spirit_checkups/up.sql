-- 党性体检: a member's yearly self-examination against the checklist's areas (the rules
-- `checkup.area.*` in force when it was written), a problem and the rectification promised
-- where one was found, then the branch's review. Reference for the 民主评议, never a score.
CREATE TABLE checkups (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    member_county INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    -- submitted or reviewed.
    state TEXT NOT NULL,
    submitted_on DATE NOT NULL,
    submitted_by TEXT NOT NULL,
    review TEXT,
    reviewed_on DATE,
    reviewed_by TEXT,
    PRIMARY KEY (county_code, id),
    UNIQUE (member_county, member_id, year),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id)
);

CREATE TABLE checkup_areas (
    county_code INTEGER NOT NULL,
    checkup_id BIGINT NOT NULL,
    area TEXT NOT NULL,
    rule_key TEXT NOT NULL,
    rule_version INTEGER NOT NULL,
    finding TEXT NOT NULL,
    problem TEXT,
    rectification TEXT,
    due DATE,
    -- The branch's word on the area, at review.
    review_note TEXT,
    PRIMARY KEY (county_code, checkup_id, area),
    FOREIGN KEY (county_code, checkup_id) REFERENCES checkups (county_code, id)
);

INSERT INTO id_alloc (name, next_id) VALUES ('checkups', 1);
