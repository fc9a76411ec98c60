-- The application's role on PostgreSQL, apart from the role that owns the schema.
--
-- The owner runs `liangxin migrate` and owns every table, the audit log's included; the
-- application's role (the one in the server's DATABASE_URL) reads and writes the data but
-- cannot drop or alter the audit log's append-only trigger (only a table's owner can), nor
-- update, delete or truncate the log. Run as the owner after every `liangxin migrate`
-- (new tables need their grants):
--
--   psql "$OWNER_URL" -v schema=liangxin -v app=liangxin_app -f scripts/pg-app-role.sql
GRANT USAGE ON SCHEMA :"schema" TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"app";
REVOKE UPDATE, DELETE, TRUNCATE ON :"schema".audit_log FROM :"app";
