-- The meeting's day on each attendance line (a line is a snapshot of one meeting, so the
-- day never changes), and an index by member that answers "when did this member last
-- attend" without visiting the meetings: the audit asks it of every member.
ALTER TABLE meeting_attendance ADD COLUMN held_on DATE;
UPDATE meeting_attendance SET held_on = (
    SELECT mt.held_on FROM meetings mt
    WHERE mt.county_code = meeting_attendance.county_code AND mt.id = meeting_attendance.meeting_id
);
CREATE INDEX meeting_attendance_member_day
    ON meeting_attendance (member_county, member_id, attendance, held_on);
