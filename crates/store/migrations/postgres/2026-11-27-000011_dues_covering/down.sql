DROP INDEX dues_payments_member;
CREATE INDEX dues_payments_member ON dues_payments (county_code, member_id, month);
