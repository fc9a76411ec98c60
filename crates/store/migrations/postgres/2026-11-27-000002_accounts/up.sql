-- Accounts, sessions and API tokens. The app servers keep no state: sessions live here.

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    -- What the role is anchored to (its scope): a party organization, a region, a zone,
    -- an instructor or a member, as the role requires.
    party_org_county INTEGER,
    party_org_id BIGINT,
    region INTEGER,
    zone_id BIGINT REFERENCES zones (id),
    instructor_county INTEGER,
    instructor_id BIGINT,
    member_county INTEGER,
    member_id BIGINT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    FOREIGN KEY (party_org_county, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (instructor_county, instructor_id) REFERENCES instructors (county_code, id),
    FOREIGN KEY (member_county, member_id) REFERENCES members (county_code, id)
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a stolen table does not yield usable cookies.
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE login_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ip TEXT NOT NULL,
    username TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    success BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_ip ON login_attempts (ip, at);
