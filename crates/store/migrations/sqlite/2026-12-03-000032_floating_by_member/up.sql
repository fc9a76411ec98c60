-- A branch's or a zone's floating members, found through their members (the index of open
-- ones covers only those not yet back).
CREATE INDEX floating_by_member ON floating_members (member_county, member_id);
