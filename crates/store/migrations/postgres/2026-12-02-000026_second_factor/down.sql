ALTER TABLE sessions DROP COLUMN second_factor_pending;
DROP TABLE account_recovery_codes;
DROP TABLE account_totp;
