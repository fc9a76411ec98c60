ALTER TABLE party_orgs DROP COLUMN records_start;
