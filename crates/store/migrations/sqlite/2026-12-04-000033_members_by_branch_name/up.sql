-- The member list walks a subtree's party organizations in the tree's order and each one's
-- members on the register by name: this index gives them in that order, so a page reads its
-- own rows instead of sorting the scope. It holds the old index's columns first, so the
-- counts per organization still read only the index.
DROP INDEX members_party_org;
CREATE INDEX members_by_branch_name ON members (county_code, party_org_id, left_on, name, id);
