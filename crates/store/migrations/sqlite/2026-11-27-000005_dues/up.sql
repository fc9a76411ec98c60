-- 党费 (中组发〔2008〕3号): each member's standard, fixed once a year, and the ledger.
CREATE TABLE dues_standards (
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    category TEXT NOT NULL,
    -- Monthly after-tax pay or pension, for salaried and retired members.
    base_fen BIGINT,
    -- The standard by the table in force (a farmer member's: the amount the branch fixed).
    monthly_fen BIGINT NOT NULL,
    -- 减免: what is due instead, with the branch decision and the next level's approval.
    reduced_fen BIGINT,
    reduction_approval TEXT,
    set_on DATE NOT NULL,
    set_by TEXT NOT NULL,
    PRIMARY KEY (county_code, member_id, year),
    FOREIGN KEY (county_code, member_id) REFERENCES members (county_code, id),
    CHECK (monthly_fen >= 0),
    CHECK (reduced_fen IS NULL OR (reduced_fen >= 0 AND reduction_approval IS NOT NULL))
);

-- The ledger is append-only: a correction is a new row (negative or positive) with a note.
CREATE TABLE dues_payments (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    -- The first day of the month paid for.
    month DATE NOT NULL,
    amount_fen BIGINT NOT NULL,
    -- regular | correction | voluntary
    kind TEXT NOT NULL,
    paid_on DATE NOT NULL,
    note TEXT,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX dues_payments_member ON dues_payments (county_code, member_id, month);
CREATE INDEX dues_payments_month ON dues_payments (month);

INSERT INTO id_alloc (name, next_id) VALUES ('dues_payments', 1);
CREATE TRIGGER dues_payments_no_update BEFORE UPDATE ON dues_payments
BEGIN SELECT RAISE(ABORT, 'dues_payments is append-only'); END;
