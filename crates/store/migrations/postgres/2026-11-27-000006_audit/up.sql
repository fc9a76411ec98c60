-- 组织关系排查: each run, and the findings tracked to closure. A finding stays one row while
-- the same thing is wrong (its dedupe key is unique among open findings); a re-run that no
-- longer finds it closes it with a note.
CREATE TABLE audit_runs (
    id BIGINT NOT NULL PRIMARY KEY,
    scope_path TEXT NOT NULL,
    run_on DATE NOT NULL,
    run_by TEXT NOT NULL,
    found INTEGER NOT NULL,
    opened INTEGER NOT NULL,
    resolved INTEGER NOT NULL
);

CREATE TABLE audit_findings (
    -- The responsible party organization's county and id.
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    responsible_id BIGINT NOT NULL,
    -- A member of the responsible organization (same county), or the organization itself.
    subject_type TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    subject_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    detail TEXT NOT NULL,
    -- The rule (its title and source are in rule_parameters).
    rule_key TEXT NOT NULL,
    rule_version INTEGER NOT NULL,
    dedupe_key TEXT NOT NULL,
    -- Found first on; a re-run that finds it again updates detail and severity.
    first_found_on DATE NOT NULL,
    closed_on DATE,
    closed_by TEXT,
    close_note TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, responsible_id) REFERENCES party_orgs (county_code, id),
    CHECK (closed_on IS NULL OR close_note IS NOT NULL)
);
CREATE UNIQUE INDEX audit_findings_open ON audit_findings (dedupe_key) WHERE closed_on IS NULL;
CREATE INDEX audit_findings_responsible ON audit_findings (county_code, responsible_id);

-- Bumped by every write to meetings, dues and findings (the registry has its own).
INSERT INTO id_alloc (name, next_id) VALUES ('audit_runs', 1), ('audit_findings', 1), ('records_version', 1);
