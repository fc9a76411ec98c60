-- 党建经费: a ledger per party organization (a town's or park's is its 党工委's), in whole
-- fen. A line is a receipt by source (财政专项, 党费返还或下拨, 两新组织列支, 社会资助) or a
-- spending by use; lines are never changed or deleted: an error is reversed by a new line
-- of the opposite amount that names it (`reverses`), as the dues ledger corrects itself.
CREATE TABLE fund_lines (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    booked_on DATE NOT NULL,
    direction TEXT NOT NULL,
    category TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    note TEXT NOT NULL,
    evidence TEXT NOT NULL,
    reverses BIGINT,
    entered_on DATE NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX fund_lines_org ON fund_lines (county_code, party_org_id, booked_on);
-- One reversal a line.
CREATE UNIQUE INDEX fund_lines_reverses ON fund_lines (county_code, reverses);

-- The year's budget of an organization's party-building money (预算), set and reset by it
-- or the level above; every change is in the audit log.
CREATE TABLE fund_budgets (
    county_code INTEGER NOT NULL,
    party_org_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    amount_fen BIGINT NOT NULL,
    set_on DATE NOT NULL,
    set_by TEXT NOT NULL,
    PRIMARY KEY (county_code, party_org_id, year),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id)
);

INSERT INTO id_alloc (name, next_id) VALUES ('fund_lines', 1);
