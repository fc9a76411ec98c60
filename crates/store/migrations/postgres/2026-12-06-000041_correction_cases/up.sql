-- 不合格党员处置 (党章 第九条): a case per member from a 不合格 grade or a six-month finding,
-- 限期改正 with its measures, who helps and the deadline; it carries across years until it
-- ends corrected, or in 劝退 or 除名 by the 支部党员大会's decision with the higher
-- committee's approval, which closes the member's record (党员减少) in the same step.
CREATE TABLE correction_cases (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    member_county INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    -- appraisal or six_month, and what it was in words.
    source TEXT NOT NULL,
    grounds TEXT NOT NULL,
    measures TEXT NOT NULL,
    helper TEXT NOT NULL,
    deadline DATE NOT NULL,
    opened_on DATE NOT NULL,
    opened_by TEXT NOT NULL,
    -- corrected, persuaded_out or removed; none while open.
    outcome TEXT,
    review TEXT,
    decision TEXT,
    approval TEXT,
    closed_on DATE,
    closed_by TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX correction_cases_member ON correction_cases (member_county, member_id);

INSERT INTO id_alloc (name, next_id) VALUES ('correction_cases', 1);
