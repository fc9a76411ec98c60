-- Read-your-writes with a streaming replica: the primary's WAL position after a user's last
-- write. Until the replica has replayed it, that user's pages read from the primary.
CREATE TABLE write_positions (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    lsn PG_LSN NOT NULL
);
