-- Each member's latest organizational life and dues, kept by every writer of attendance
-- and payments (crates/store/src/activity.rs) so the audit of today reads one row per
-- member instead of the whole history; a day before a member's latest record is read from
-- the history. Filled here from the records already held.
CREATE TABLE member_activity (
    county_code INTEGER NOT NULL,
    member_id BIGINT NOT NULL,
    -- the last meeting attended, the last marked absent (没有请假), the last excused (请假)
    last_present_on DATE,
    last_absent_on DATE,
    last_excused_on DATE,
    -- the last month whose lines sum to more than nothing, the one such month before it (so a
    -- member who has paid this month is still read from here for last month), and the last
    -- day any line was paid
    last_paid_month DATE,
    previous_paid_month DATE,
    last_paid_on DATE,
    PRIMARY KEY (county_code, member_id)
);
INSERT INTO member_activity
    (county_code, member_id, last_present_on, last_absent_on, last_excused_on, last_paid_month,
     previous_paid_month, last_paid_on)
SELECT k.county_code, k.member_id,
    (SELECT MAX(a.held_on) FROM meeting_attendance a
      WHERE a.member_county = k.county_code AND a.member_id = k.member_id
        AND a.attendance = 'present'),
    (SELECT MAX(a.held_on) FROM meeting_attendance a
      WHERE a.member_county = k.county_code AND a.member_id = k.member_id
        AND a.attendance = 'absent'),
    (SELECT MAX(a.held_on) FROM meeting_attendance a
      WHERE a.member_county = k.county_code AND a.member_id = k.member_id
        AND a.attendance = 'excused'),
    (SELECT p.month FROM dues_payments p
      WHERE p.county_code = k.county_code AND p.member_id = k.member_id
      GROUP BY p.month HAVING SUM(p.amount_fen) > 0 ORDER BY p.month DESC LIMIT 1),
    (SELECT p.month FROM dues_payments p
      WHERE p.county_code = k.county_code AND p.member_id = k.member_id
      GROUP BY p.month HAVING SUM(p.amount_fen) > 0 ORDER BY p.month DESC LIMIT 1 OFFSET 1),
    (SELECT MAX(p.paid_on) FROM dues_payments p
      WHERE p.county_code = k.county_code AND p.member_id = k.member_id)
FROM (SELECT member_county AS county_code, member_id FROM meeting_attendance
      UNION SELECT county_code, member_id FROM dues_payments) k;
-- The reasons of excuses, read for the members excused since they last attended, without
-- visiting the table (the attendance lines of a city are millions; the excused few).
CREATE INDEX meeting_attendance_excuses
    ON meeting_attendance (member_county, member_id, reason, held_on)
    WHERE attendance = 'excused';
