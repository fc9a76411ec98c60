-- The registry: regions, zones, organizations, party organizations, coverage,
-- instructors, members, the audit log and the rule parameters.
-- Large tables carry the county code (GB/T 2260 as an integer) first in their primary
-- key, so they can be distributed on it; small lookup tables are reference tables.

CREATE TABLE liangxin_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
INSERT INTO liangxin_meta (key, value) VALUES ('product', 'liangxin');

CREATE TABLE id_alloc (
    name TEXT PRIMARY KEY NOT NULL,
    next_id BIGINT NOT NULL
);
INSERT INTO id_alloc (name, next_id) VALUES
    ('organizations', 1), ('party_orgs', 1), ('members', 1), ('instructors', 1), ('zones', 1),
    -- Bumped by every write to the registry: readers cache what they computed from it.
    ('registry_version', 1);

CREATE TABLE rule_parameters (
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    value BIGINT NOT NULL,
    effective_from DATE NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (key, version)
);

CREATE TABLE regions (
    code INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    parent_code INTEGER REFERENCES regions (code),
    level TEXT NOT NULL
);

CREATE TABLE zones (
    id BIGINT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    class TEXT,
    level TEXT,
    county_code INTEGER NOT NULL REFERENCES regions (code),
    town_code INTEGER REFERENCES regions (code)
);

CREATE TABLE organizations (
    county_code INTEGER NOT NULL REFERENCES regions (code),
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    credit_code TEXT,
    credit_code_check_failed BOOLEAN NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    sectors BIGINT NOT NULL DEFAULT 0,
    town_code INTEGER REFERENCES regions (code),
    zone_id BIGINT REFERENCES zones (id),
    employees INTEGER,
    dissolved_on DATE,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, credit_code)
);
CREATE INDEX organizations_credit_code ON organizations (credit_code);
CREATE INDEX organizations_zone ON organizations (zone_id);
-- Lists sort by name and page through it.
CREATE INDEX organizations_name ON organizations (name, id);
CREATE INDEX organizations_county_name ON organizations (county_code, name, id);
CREATE INDEX organizations_employees ON organizations (employees, id);

CREATE TABLE party_orgs (
    county_code INTEGER NOT NULL REFERENCES regions (code),
    id BIGINT NOT NULL,
    parent_county INTEGER,
    parent_id BIGINT,
    -- Materialized path of ids, '/1/5/23/'; a subtree is the range [p, p with its last '/' as '0').
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    formation_mode TEXT,
    zone_id BIGINT REFERENCES zones (id),
    -- 支部委员会 elected (else a secretary alone leads).
    has_committee BOOLEAN NOT NULL DEFAULT 0,
    term_started DATE,
    dissolved_on DATE,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (parent_county, parent_id) REFERENCES party_orgs (county_code, id)
);
CREATE UNIQUE INDEX party_orgs_path ON party_orgs (path);

CREATE TABLE party_org_coverage (
    county_code INTEGER NOT NULL,
    organization_id BIGINT NOT NULL,
    party_org_county INTEGER NOT NULL,
    party_org_id BIGINT NOT NULL,
    since DATE NOT NULL,
    PRIMARY KEY (county_code, organization_id, party_org_county, party_org_id),
    FOREIGN KEY (county_code, organization_id) REFERENCES organizations (county_code, id),
    FOREIGN KEY (party_org_county, party_org_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX party_org_coverage_party_org ON party_org_coverage (party_org_county, party_org_id);
-- Ids are unique across counties: a page of units is found by id alone.
CREATE INDEX party_org_coverage_organization ON party_org_coverage (organization_id);
CREATE INDEX party_org_coverage_party_org_id ON party_org_coverage (party_org_id);

CREATE TABLE instructors (
    county_code INTEGER NOT NULL REFERENCES regions (code),
    id BIGINT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    PRIMARY KEY (county_code, id)
);

CREATE TABLE instructor_assignments (
    county_code INTEGER NOT NULL,
    organization_id BIGINT NOT NULL,
    instructor_county INTEGER NOT NULL,
    instructor_id BIGINT NOT NULL,
    since DATE NOT NULL,
    until DATE,
    PRIMARY KEY (county_code, organization_id, instructor_county, instructor_id, since),
    FOREIGN KEY (county_code, organization_id) REFERENCES organizations (county_code, id),
    FOREIGN KEY (instructor_county, instructor_id) REFERENCES instructors (county_code, id)
);
CREATE INDEX instructor_assignments_organization ON instructor_assignments (organization_id);

CREATE TABLE members (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    -- The year only: with the masked ID (first 6, last 4) a full birth date would give the
    -- whole number back. The exact date is in the encrypted ID.
    birth_year INTEGER NOT NULL,
    status TEXT NOT NULL,
    joined_on DATE NOT NULL,
    confirmed_on DATE,
    workplace_county INTEGER,
    workplace_org_id BIGINT,
    flow TEXT NOT NULL DEFAULT 'settled',
    flow_destination TEXT,
    left_on DATE,
    leave_reason TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (workplace_county, workplace_org_id) REFERENCES organizations (county_code, id)
);
-- Covering indexes: the coverage report counts members per party organization and per
-- workplace (by status) from the index alone.
CREATE INDEX members_party_org ON members (county_code, party_org_id, left_on);
CREATE INDEX members_workplace ON members (workplace_county, workplace_org_id, status, left_on);
CREATE INDEX members_workplace_org ON members (workplace_org_id, status, left_on);

-- Identity kept apart from the core row: the resident ID only as AES-GCM ciphertext, a
-- keyed hash for exact lookup, and the masked form for display.
CREATE TABLE member_profiles (
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    resident_id_cipher BLOB NOT NULL,
    resident_id_hash TEXT NOT NULL,
    resident_id_masked TEXT NOT NULL,
    phone TEXT,
    PRIMARY KEY (county_code, member_id),
    UNIQUE (county_code, resident_id_hash),
    FOREIGN KEY (county_code, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX member_profiles_hash ON member_profiles (resident_id_hash);

-- Append-only; each row's hash covers the previous row's hash (tamper-evident chain).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    county_code INTEGER NOT NULL,
    entity_id BIGINT NOT NULL,
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, county_code, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
