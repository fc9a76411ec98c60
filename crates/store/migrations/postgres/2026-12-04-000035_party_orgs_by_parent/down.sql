DROP INDEX party_orgs_parent_name;
