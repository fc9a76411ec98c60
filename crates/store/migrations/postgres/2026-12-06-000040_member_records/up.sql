-- What a member did, as the branch (or the level above) records it with its evidence:
-- 党员先锋岗 and 党员责任区 (held from `on` until `until`), 承诺践诺 kept or not, 岗位技能
-- 比武 and 技术攻关 results, 志愿服务, 党内表彰 and 纪律处分. The 先锋指数 counts these
-- beside the meetings and the dues ledger; nothing else.
CREATE TABLE member_records (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    member_county INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    happened_on DATE NOT NULL,
    until DATE,
    title TEXT NOT NULL,
    evidence TEXT NOT NULL,
    entered_on DATE NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX member_records_member ON member_records (member_county, member_id, happened_on);

INSERT INTO id_alloc (name, next_id) VALUES ('member_records', 1);
