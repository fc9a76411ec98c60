-- Organizational life (组织生活): meetings and the attendance of each expected member.
CREATE TABLE meetings (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    held_on DATE NOT NULL,
    place TEXT NOT NULL,
    host TEXT NOT NULL,
    recorder TEXT NOT NULL,
    topic TEXT NOT NULL,
    agenda TEXT NOT NULL,
    minutes TEXT NOT NULL,
    decisions TEXT NOT NULL,
    -- When it was entered and by whom; entered long after the meeting: 补录.
    entered_on DATE NOT NULL,
    entered_by TEXT NOT NULL,
    late BOOLEAN NOT NULL,
    -- For kinds with a quorum: whether it was met; NULL where none applies.
    quorate BOOLEAN,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX meetings_party_org ON meetings (county_code, party_org_id, held_on);
CREATE INDEX meetings_held_on ON meetings (held_on);

-- Expected attendees are snapshotted from membership on the day, with their vote (full
-- members) at that time. A floating member's attendance may be recorded by the host branch,
-- so the member's county may differ from the meeting's.
CREATE TABLE meeting_attendance (
    county_code INTEGER NOT NULL,
    meeting_id BIGINT NOT NULL,
    member_county INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    voter BOOLEAN NOT NULL,
    attendance TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (county_code, meeting_id, member_county, member_id),
    FOREIGN KEY (county_code, meeting_id) REFERENCES meetings (county_code, id),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX meeting_attendance_member ON meeting_attendance (member_county, member_id);

INSERT INTO id_alloc (name, next_id) VALUES ('meetings', 1);
