-- 随机抽查: a committee publishes a round (its seed, the frame's day, how many, stratified
-- by what) before drawing; the draw is kept as drawn (every item with its stratum and its
-- rank, SHA-256 of "seed:code"), so anyone can redraw it from the seed and the register and
-- compare. Each drawn item is inspected once; the problems found demand rectification by a
-- deadline and are followed to closure (验收销号).
CREATE TABLE spot_check_rounds (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    -- The publisher's region (a city or county code) or zone: which units the frame holds.
    region INTEGER,
    zone_id BIGINT,
    title TEXT NOT NULL,
    population TEXT NOT NULL,
    strata TEXT NOT NULL,
    size INTEGER NOT NULL,
    seed BIGINT NOT NULL,
    as_of DATE NOT NULL,
    published_on DATE NOT NULL,
    published_by TEXT NOT NULL,
    drawn_on DATE,
    drawn_by TEXT,
    frame_size INTEGER,
    frame_digest TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, owner_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX spot_check_rounds_owner ON spot_check_rounds (county_code, owner_id);

CREATE TABLE spot_check_items (
    county_code INTEGER NOT NULL,
    round_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    stratum TEXT NOT NULL,
    stratum_label TEXT NOT NULL,
    item_code TEXT NOT NULL,
    item_name TEXT NOT NULL,
    item_rank TEXT NOT NULL,
    inspected_on DATE,
    inspectors TEXT,
    result TEXT,
    note TEXT,
    PRIMARY KEY (county_code, round_id, seq),
    FOREIGN KEY (county_code, round_id) REFERENCES spot_check_rounds (county_code, id)
);

CREATE TABLE spot_check_findings (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    round_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    problem TEXT NOT NULL,
    demand TEXT NOT NULL,
    deadline DATE NOT NULL,
    raised_on DATE NOT NULL,
    raised_by TEXT NOT NULL,
    closed_on DATE,
    closed_by TEXT,
    closing_note TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, round_id, seq) REFERENCES spot_check_items (county_code, round_id, seq)
);
CREATE INDEX spot_check_findings_round ON spot_check_findings (county_code, round_id);

INSERT INTO id_alloc (name, next_id) VALUES ('spot_check_rounds', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('spot_check_findings', 1);
