-- 台账起始月: the first day of the month from which a party organization's records in the
-- platform start. Runs of months (the six-month rule, unpaid dues, missed meetings) are
-- counted from it, never from before the platform knew the organization. An existing
-- organization starts at its own oldest record (a meeting it held, a month of dues of its
-- members); one without any at its county's oldest; a county without any, this month.
ALTER TABLE party_orgs ADD COLUMN records_start DATE NOT NULL DEFAULT DATE '2000-01-01';
UPDATE party_orgs SET records_start = date_trunc('month', COALESCE(
    (SELECT MIN(d) FROM (
        SELECT MIN(mt.held_on) AS d FROM meetings mt
         WHERE mt.county_code = party_orgs.county_code AND mt.party_org_id = party_orgs.id
        UNION ALL
        SELECT MIN(dp.month) FROM dues_payments dp JOIN members m
            ON m.county_code = dp.county_code AND m.id = dp.member_id
         WHERE m.county_code = party_orgs.county_code AND m.party_org_id = party_orgs.id) AS own),
    (SELECT MIN(d) FROM (
        SELECT MIN(held_on) AS d FROM meetings WHERE county_code = party_orgs.county_code
        UNION ALL
        SELECT MIN(month) FROM dues_payments WHERE county_code = party_orgs.county_code) AS county),
    CURRENT_DATE))::date;
