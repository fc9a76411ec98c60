-- 党员档案: which of the checklist's items a member's archive holds, and since when.
CREATE TABLE member_archive_items (
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    item TEXT NOT NULL,
    received_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (county_code, member_id, item),
    FOREIGN KEY (county_code, member_id) REFERENCES members (county_code, id)
);
