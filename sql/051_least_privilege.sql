-- Least privilege (issue 12, item 3): an owner role that owns the schema and a runtime role the product runs as.
--
-- Role names come from the settings batchsettle.owner_role and batchsettle.runtime_role, which the migrations runner
-- sets from BATCHSETTLE_DB_OWNER_ROLE / BATCHSETTLE_DB_RUNTIME_ROLE (defaults batchsettle_owner, batchsettle_app).
-- Both are created NOLOGIN when missing (that needs CREATEROLE; on a real database a DBA may create them first, with
-- LOGIN and a password, and this step leaves them as they are). The runtime role's privileges are not granted here
-- but by batchsettle_apply_grants() below, which the runner calls after every migration run, so tables added by
-- later migrations get them too (sql/README.md, "Privileges").
DO $$
DECLARE
    owner_role text := COALESCE(NULLIF(current_setting('batchsettle.owner_role', true), ''), 'batchsettle_owner');
    app_role   text := COALESCE(NULLIF(current_setting('batchsettle.runtime_role', true), ''), 'batchsettle_app');
BEGIN
    -- Roles are per cluster: another database of the cluster may be creating them at the same moment.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = owner_role) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', owner_role);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', app_role);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END
$$;

-- settlement_result and quarantine are append-only, like the ledger: nothing in the product updates or deletes
-- them (the runner only inserts; a load reject's result superseded by a corrected claim stays, recorded in
-- result_superseded). Migration 023's one-time backfill UPDATE ran before this.
CREATE TRIGGER settlement_result_no_update BEFORE UPDATE OR DELETE ON settlement_result
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a settled claim is corrected by a reversal');
CREATE TRIGGER settlement_result_no_truncate BEFORE TRUNCATE ON settlement_result
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a settled claim is corrected by a reversal');
CREATE TRIGGER quarantine_no_update BEFORE UPDATE OR DELETE ON quarantine
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the quarantine record is kept as written');
CREATE TRIGGER quarantine_no_truncate BEFORE TRUNCATE ON quarantine
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the quarantine record is kept as written');
CREATE TRIGGER result_superseded_no_update BEFORE UPDATE OR DELETE ON result_superseded
    FOR EACH ROW EXECUTE FUNCTION refuse_change('supersession is history');
CREATE TRIGGER result_superseded_no_truncate BEFORE TRUNCATE ON result_superseded
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('supersession is history');
-- TRUNCATE run CASCADE would reach run_partition (and the refuse triggers above stop the rest); a run is never
-- truncated by the product either.
CREATE TRIGGER run_no_truncate BEFORE TRUNCATE ON run
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('runs are history');

-- Statistics after a load: ANALYZE needs the table's owner, so the runtime role asks through this function (the
-- loader calls it; only the staging tables).
CREATE FUNCTION batchsettle_analyze_staging(p_table text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    IF p_table = 'staging_claim' THEN ANALYZE public.staging_claim;
    ELSIF p_table = 'staging_person' THEN ANALYZE public.staging_person;
    ELSE RAISE EXCEPTION 'batchsettle_analyze_staging: % is not a staging table', p_table;
    END IF;
END
$$;

-- The grant rule, applied to every table, sequence and schema there is when it runs (the runner calls it after
-- each migration run; a component that creates tables outside the migrations, e.g. an installer, calls it after):
--   * the owner role owns every table, sequence and function of the product's schemas when the migrating user may
--     hand them over (it is the owner role, a member of it, or a superuser);
--   * the runtime role gets USAGE on the schemas, SELECT and INSERT on every table, and UPDATE and DELETE on every
--     table that is not append-only; a table is append-only when a refuse_change() trigger guards its UPDATE or
--     DELETE (a TRUNCATE-only guard, as on run, does not make it append-only);
--   * USAGE and SELECT on sequences (nextval for bigserial keys); never TRUNCATE, REFERENCES or TRIGGER, never
--     ownership, so it cannot ALTER a table, disable or drop a trigger, or run COPY TO/FROM PROGRAM or a file
--     (those need superuser or pg_execute_server_program / pg_read_server_files / pg_write_server_files, which it
--     is never given);
--   * schema_migrations and policy_param are read-only to it (the migrations runner writes them as the owner).
-- Default privileges of the migrating user give new tables the full runtime set until the next call narrows them.
CREATE FUNCTION batchsettle_apply_grants() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    owner_role text := COALESCE(NULLIF(current_setting('batchsettle.owner_role', true), ''), 'batchsettle_owner');
    app_role   text := COALESCE(NULLIF(current_setting('batchsettle.runtime_role', true), ''), 'batchsettle_app');
    can_own    bool;
    t record;
BEGIN
    can_own := pg_has_role(current_user, owner_role, 'MEMBER')
               OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
    FOR t IN SELECT n.nspname FROM pg_namespace n
             WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
               AND (n.nspname = 'public' OR n.nspname = 'hangfire')
    LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', t.nspname, app_role);
        EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', t.nspname, app_role);
        -- The owner role owns the tables (below), so it must reach their schema: PostgreSQL runs a foreign-key check
        -- as the referenced table's owner (Hangfire's jobparameter -> job insert failed without this).
        IF can_own THEN
            EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', t.nspname, owner_role);
        END IF;
    END LOOP;
    FOR t IN
        SELECT c.oid, n.nspname, c.relname, c.relkind,
               EXISTS (SELECT 1 FROM pg_trigger g JOIN pg_proc p ON p.oid = g.tgfoid
                       WHERE g.tgrelid = c.oid AND p.proname = 'refuse_change' AND NOT g.tgisinternal
                         AND (g.tgtype & 24) <> 0) AS append_only  -- a refuse_change trigger on UPDATE (16) or DELETE (8)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'hangfire') AND c.relkind IN ('r', 'p', 'S')
    LOOP
        -- A sequence owned by a column (serial) follows its table's owner and cannot be handed over by itself.
        IF can_own AND NOT (t.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                                          AND d.objid = t.oid AND d.deptype IN ('a', 'i'))) THEN
            EXECUTE format('ALTER %s %I.%I OWNER TO %I', CASE WHEN t.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                           t.nspname, t.relname, owner_role);
        END IF;
        IF t.relkind = 'S' THEN
            EXECUTE format('REVOKE ALL ON SEQUENCE %I.%I FROM %I', t.nspname, t.relname, app_role);
            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I.%I TO %I', t.nspname, t.relname, app_role);
        ELSE
            EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM %I', t.nspname, t.relname, app_role);
            IF t.relname IN ('schema_migrations', 'policy_param') THEN
                EXECUTE format('GRANT SELECT ON TABLE %I.%I TO %I', t.nspname, t.relname, app_role);
            ELSIF t.append_only THEN
                EXECUTE format('GRANT SELECT, INSERT ON TABLE %I.%I TO %I', t.nspname, t.relname, app_role);
            ELSE
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I.%I TO %I', t.nspname, t.relname, app_role);
            END IF;
        END IF;
    END LOOP;
    IF can_own THEN
        FOR t IN SELECT p.oid::regprocedure AS sig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'public' AND p.prokind = 'f'
                   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        LOOP
            EXECUTE format('ALTER FUNCTION %s OWNER TO %I', t.sig, owner_role);
        END LOOP;
    END IF;
    EXECUTE format('ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO %I', app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO %I', app_role);
END
$$;
