-- OneWindow cluster roles. Run ONCE PER CLUSTER as a superuser, e.g.
--   runuser -u postgres -- psql -v ON_ERROR_STOP=1 -X -f infra/roles.sql
-- (infra/dev-services does this for developers and CI.)
--
-- onewindow_owner  owns the schema and runs migrations (`onewindow migrate`).
-- onewindow_app    the application connects as this role; it never owns tables, so PostgreSQL
--                  row-level security (FORCE ROW LEVEL SECURITY) always applies to it.
--
-- The passwords below are the fixed dev/CI defaults. In production change them afterwards:
--   ALTER ROLE onewindow_owner PASSWORD '...'; ALTER ROLE onewindow_app PASSWORD '...';
-- Idempotent: running it again re-asserts the attributes (and resets the passwords).

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'onewindow_owner') THEN
        CREATE ROLE onewindow_owner;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'onewindow_app') THEN
        CREATE ROLE onewindow_app;
    END IF;
END
$$;

ALTER ROLE onewindow_owner WITH LOGIN PASSWORD 'onewindow_owner'
    NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;

ALTER ROLE onewindow_app WITH LOGIN PASSWORD 'onewindow_app'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;

-- Lets the owner end the app's sessions (never a superuser's): needed for
-- DROP DATABASE ... WITH (FORCE) of test databases and handy before migrations.
GRANT pg_signal_backend TO onewindow_owner;
