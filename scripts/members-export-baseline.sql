-- The members export's rows for the demo city's whole tree, read by the raw SELECT: the baseline
-- beside /members.xlsx and /members.csv in BENCHMARKS.md. Run: sqlite3 -csv city.db < this file
SELECT m.name, m.sex, mp.resident_id_masked, m.status, m.joined_on, m.confirmed_on, po.name, o.name, m.flow
FROM party_orgs po
JOIN members m ON m.county_code = po.county_code AND m.party_org_id = po.id
JOIN member_profiles mp ON mp.county_code = m.county_code AND mp.member_id = m.id
LEFT JOIN organizations o ON o.county_code = m.workplace_county AND o.id = m.workplace_org_id
WHERE po.path >= '/1/' AND po.path < '/10' AND m.left_on IS NULL
ORDER BY po.path, m.name, m.id;
