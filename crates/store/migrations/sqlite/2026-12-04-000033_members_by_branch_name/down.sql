DROP INDEX members_by_branch_name;
CREATE INDEX members_party_org ON members (county_code, party_org_id, left_on);
