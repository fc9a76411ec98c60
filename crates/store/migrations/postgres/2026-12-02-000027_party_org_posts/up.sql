-- The posts of a party organization's committee (支部委员会: 书记, 副书记, 组织委员 …)
-- and a 党小组's leader, each held by one of its members for a term: from `since` to
-- `until` (none while it lasts). A past term is kept, never overwritten.
CREATE TABLE party_org_posts (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    post TEXT NOT NULL,
    member_id BIGINT NOT NULL,
    since DATE NOT NULL,
    until DATE,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (county_code, member_id) REFERENCES members (county_code, id)
);
CREATE INDEX party_org_posts_by_org ON party_org_posts (county_code, party_org_id);
CREATE INDEX party_org_posts_by_member ON party_org_posts (county_code, member_id);
-- Secretary accounts disabled because the 书记 they served left the post: the
-- organization is offered a secretary account again for the next one (an account
-- disabled by an administrator is not).
CREATE TABLE secretary_handovers (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id),
    county_code INTEGER NOT NULL,
    post_id BIGINT NOT NULL
);
INSERT INTO id_alloc (name, next_id) VALUES ('party_org_posts', 1);
