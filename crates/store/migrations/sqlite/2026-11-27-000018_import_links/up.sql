-- How many coverage links (党组织覆盖) an import made with the party organizations it set
-- up: its undo removes exactly those, and is refused when their coverage changed since.
ALTER TABLE imports ADD COLUMN links INTEGER NOT NULL DEFAULT 0;
