-- A personal API token may be read-only: it reads what its account reads and writes nothing.
ALTER TABLE api_tokens ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT 0;
