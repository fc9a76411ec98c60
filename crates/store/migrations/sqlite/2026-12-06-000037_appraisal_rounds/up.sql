-- 民主评议党员: a yearly round per branch. The round's roll is the 正式党员 to be graded, in a
-- fixed order (position), with the 组织评定 once the 支委会 decides. The voters are not
-- listed anywhere: each was handed one random credential, of which only a salted digest
-- is kept (appraisal_credentials), and a ballot is kept under its tracker with nothing
-- that names the voter or says when it was cast (appraisal_ballots). Both tables are
-- keyed by their digest or tracker, so even their storage order says nothing.
CREATE TABLE appraisal_rounds (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    opened_on DATE NOT NULL,
    opened_by TEXT NOT NULL,
    -- Random, per round: the credentials' digests are salted with it.
    salt TEXT NOT NULL,
    -- Credentials issued (the branch's members on the register the day it opened).
    eligible INTEGER NOT NULL,
    closed_on DATE,
    closed_by TEXT,
    -- The published bulletin (唱票结果公告), its SHA-256, and the previous round's.
    bulletin TEXT,
    bulletin_hash TEXT,
    previous_hash TEXT,
    decided_on DATE,
    decided_by TEXT,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, party_org_id, year),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id)
);

CREATE TABLE appraisal_roll (
    county_code INTEGER NOT NULL,
    round_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    member_county INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- 个人自评, as the member wrote it.
    self_assessment TEXT,
    -- 组织评定 (优秀 / 合格 / 基本合格 / 不合格), none until the 支委会 decides.
    grade TEXT,
    PRIMARY KEY (county_code, round_id, position),
    UNIQUE (county_code, round_id, member_county, member_id),
    FOREIGN KEY (county_code, round_id) REFERENCES appraisal_rounds (county_code, id),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX appraisal_roll_member ON appraisal_roll (member_county, member_id);

-- DIALECT: WITHOUT ROWID, so rows are stored and dumped in key order, not in the order
-- they were written.
CREATE TABLE appraisal_credentials (
    county_code INTEGER NOT NULL,
    round_id BIGINT NOT NULL,
    digest TEXT NOT NULL,
    used BOOLEAN NOT NULL,
    PRIMARY KEY (county_code, round_id, digest),
    FOREIGN KEY (county_code, round_id) REFERENCES appraisal_rounds (county_code, id)
) WITHOUT ROWID;

CREATE TABLE appraisal_ballots (
    county_code INTEGER NOT NULL,
    round_id BIGINT NOT NULL,
    tracker TEXT NOT NULL,
    marks TEXT NOT NULL,
    PRIMARY KEY (county_code, round_id, tracker),
    FOREIGN KEY (county_code, round_id) REFERENCES appraisal_rounds (county_code, id)
) WITHOUT ROWID;

INSERT INTO id_alloc (name, next_id) VALUES ('appraisal_rounds', 1);
