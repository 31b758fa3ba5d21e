-- OneWindow per-database grants. Run as onewindow_owner inside a fresh database it owns:
--   createdb -h 127.0.0.1 -U onewindow_owner onewindow
--   psql -h 127.0.0.1 -U onewindow_owner -d onewindow -v ON_ERROR_STOP=1 -X -f infra/database.sql
-- then `onewindow migrate` with the owner URL. Idempotent.
--
-- Tables and sequences created later by the owner (migrations) are usable by onewindow_app,
-- which never owns them; row-level security decides which rows it sees.

GRANT USAGE ON SCHEMA public TO onewindow_app;

ALTER DEFAULT PRIVILEGES FOR ROLE onewindow_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO onewindow_app;
ALTER DEFAULT PRIVILEGES FOR ROLE onewindow_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO onewindow_app;

-- Objects that already exist (database.sql run again after a migration).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO onewindow_app;
-- ... but the audit trail stays append-only (migration 0010): never UPDATE or DELETE it.
DO $$
BEGIN
    IF to_regclass('public.audit_events') IS NOT NULL THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM onewindow_app;
    END IF;
END
$$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO onewindow_app;
