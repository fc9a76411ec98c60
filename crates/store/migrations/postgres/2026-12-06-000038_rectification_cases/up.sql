-- 软弱涣散基层党组织整顿: one case per party organization and year, opened by the level
-- above (identified by the rules over the records, or nominated with reasons), worked
-- through with dated progress notes, and closed only by the level above's 验收 (销号).
CREATE TABLE rectification_cases (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    -- 'rules' (identified from the records) or 'nomination' (named by the level above).
    basis TEXT NOT NULL,
    -- The reasons, one per line, each naming its rule where the rules raised it.
    reasons TEXT NOT NULL,
    causes TEXT NOT NULL,
    measures TEXT NOT NULL,
    -- 联系领导 (a name, with the post) and the 党建指导员 responsible, if one.
    leader TEXT NOT NULL,
    instructor_county INTEGER,
    instructor_id BIGINT,
    deadline DATE NOT NULL,
    opened_on DATE NOT NULL,
    opened_by TEXT NOT NULL,
    closed_on DATE,
    closed_by TEXT,
    acceptance TEXT,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, party_org_id, year),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (instructor_county, instructor_id) REFERENCES instructors (county_code, id)
);
CREATE INDEX rectification_cases_open ON rectification_cases (closed_on, county_code);

CREATE TABLE rectification_notes (
    county_code INTEGER NOT NULL,
    case_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    noted_on DATE NOT NULL,
    noted_by TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (county_code, case_id, seq),
    FOREIGN KEY (county_code, case_id) REFERENCES rectification_cases (county_code, id)
);

INSERT INTO id_alloc (name, next_id) VALUES ('rectification_cases', 1);
