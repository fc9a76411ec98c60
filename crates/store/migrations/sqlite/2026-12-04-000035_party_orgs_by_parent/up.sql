-- A party organization's children in the page's order (by name): its page and the count of
-- those a search finds read them here instead of scanning every party organization; the
-- dissolved are left out by the index itself.
CREATE INDEX party_orgs_parent_name ON party_orgs (parent_county, parent_id, dissolved_on, name, id);
