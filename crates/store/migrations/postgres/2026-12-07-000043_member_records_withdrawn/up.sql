-- A member record entered in error is withdrawn (撤销), never deleted: the day, who and
-- why stay beside it, and the 先锋指数 no longer counts it.
ALTER TABLE member_records ADD COLUMN withdrawn_on DATE;
ALTER TABLE member_records ADD COLUMN withdrawn_by TEXT;
ALTER TABLE member_records ADD COLUMN withdrawn_reason TEXT;
