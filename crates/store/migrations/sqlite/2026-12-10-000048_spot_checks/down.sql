DROP TABLE spot_check_findings;
DROP TABLE spot_check_items;
DROP TABLE spot_check_rounds;
DELETE FROM id_alloc WHERE name IN ('spot_check_rounds', 'spot_check_findings');
