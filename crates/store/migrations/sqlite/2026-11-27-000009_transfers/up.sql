-- 组织关系转接: the letter a sending party organization issues, its state, and every step
-- taken on it (history kept). A member is never moved or deleted: on receipt the member's
-- record in the sending organization leaves by 转出 and the receiving organization holds a
-- new record of the same person from the day received (members.arrived_on).
ALTER TABLE members ADD COLUMN arrived_on DATE;

CREATE TABLE transfers (
    -- Global ids (id_alloc): a transfer joins two counties, so it belongs to neither.
    id BIGINT NOT NULL PRIMARY KEY,
    member_county INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    -- The sending party organization (in the member's county).
    from_party_org_id BIGINT NOT NULL,
    -- The receiving party organization in this system, or the name of one outside it.
    to_county INTEGER,
    to_party_org_id BIGINT,
    to_outside TEXT,
    letter_kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    issued_on DATE NOT NULL,
    valid_until DATE NOT NULL,
    -- 党费交至年月 stated on the letter ('2026-10'), none when nothing was ever paid.
    dues_paid_through TEXT,
    state TEXT NOT NULL,
    closed_on DATE,
    -- The receiving organization's record of the member (in to_county), once received.
    new_member_id BIGINT,
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id),
    FOREIGN KEY (member_county, from_party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (to_county, to_party_org_id) REFERENCES party_orgs (county_code, id),
    CHECK ((to_party_org_id IS NULL) <> (to_outside IS NULL)),
    CHECK (valid_until >= issued_on)
);
-- At most one letter in force per member.
CREATE UNIQUE INDEX transfers_open_per_member ON transfers (member_county, member_id)
    WHERE state = 'issued';
CREATE INDEX transfers_from ON transfers (member_county, from_party_org_id, state);
CREATE INDEX transfers_to ON transfers (to_county, to_party_org_id, state);

CREATE TABLE transfer_events (
    transfer_id BIGINT NOT NULL REFERENCES transfers (id),
    seq INTEGER NOT NULL,
    on_date DATE NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (transfer_id, seq)
);

INSERT INTO id_alloc (name, next_id) VALUES ('transfers', 1);

-- One active registration per person is checked by the store (a person who transferred
-- has a left record and a current one, possibly in the same county). SQLite drops a table
-- constraint only by rebuilding the table.
CREATE TABLE member_profiles_new (
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    resident_id_cipher BLOB NOT NULL,
    resident_id_hash TEXT NOT NULL,
    resident_id_masked TEXT NOT NULL,
    phone TEXT,
    PRIMARY KEY (county_code, member_id),
    FOREIGN KEY (county_code, member_id) REFERENCES members (county_code, id)
);
INSERT INTO member_profiles_new SELECT county_code, member_id, resident_id_cipher,
    resident_id_hash, resident_id_masked, phone FROM member_profiles;
DROP TABLE member_profiles;
ALTER TABLE member_profiles_new RENAME TO member_profiles;
CREATE INDEX member_profiles_hash ON member_profiles (resident_id_hash);
