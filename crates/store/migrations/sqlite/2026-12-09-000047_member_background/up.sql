-- What the 党内统计 counts of a member beyond the register's facts: 民族 (GB/T 3304 code),
-- 学历 and 职业 (the 公报's groups), each unknown until entered.
ALTER TABLE members ADD COLUMN ethnicity TEXT;
ALTER TABLE members ADD COLUMN education TEXT;
ALTER TABLE members ADD COLUMN occupation TEXT;
