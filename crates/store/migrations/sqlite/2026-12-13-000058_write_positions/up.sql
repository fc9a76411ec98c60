-- Read-your-writes with a streaming replica (PostgreSQL only): the primary's WAL position
-- after a user's last write. Kept here so both databases have the same tables.
CREATE TABLE write_positions (
    user_id INTEGER PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lsn TEXT NOT NULL
);
