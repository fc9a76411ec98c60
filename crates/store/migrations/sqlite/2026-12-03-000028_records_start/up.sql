-- 台账起始月: the first day of the month from which a party organization's records in the
-- platform start. Runs of months (the six-month rule, unpaid dues, missed meetings) are
-- counted from it, never from before the platform knew the organization. An existing
-- database starts every organization at its oldest record (a meeting held or a month of
-- dues), or this month when it has none.
ALTER TABLE party_orgs ADD COLUMN records_start DATE NOT NULL DEFAULT '2000-01-01';
UPDATE party_orgs SET records_start = COALESCE(
    (SELECT date(MIN(d), 'start of month') FROM (
        SELECT MIN(held_on) AS d FROM meetings
        UNION ALL SELECT MIN(month) FROM dues_payments)),
    date('now', 'start of month'));
