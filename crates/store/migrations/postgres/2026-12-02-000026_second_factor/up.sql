-- Two-factor sign-in (TOTP, RFC 6238): the shared secret sealed with the master key; the
-- last time step used (a code is good once); single-use recovery codes kept as hashes.
CREATE TABLE account_totp (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id),
    secret BYTEA NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE account_recovery_codes (
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);
-- A session whose password was right but whose second factor is still to come.
ALTER TABLE sessions ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE;
