-- The runtime role reads every view (issue 12 least privilege, found by ops/demo in session 4).
-- batchsettle_apply_grants() (051) walks tables and sequences only (relkind r, p, S), and its ALTER DEFAULT PRIVILEGES
-- only covers objects created after it first ran; on a fresh database every migration runs before it, so the views
-- of 060 (settlement_subledger, …) were readable by the superuser alone and `finance-export` as the runtime role
-- failed with "permission denied for view settlement_subledger". The tests connect as the superuser and did not see it.
-- MigrationRunner calls this after batchsettle_apply_grants() whenever a view (or a table) lacks the runtime grant.
CREATE FUNCTION batchsettle_grant_views() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    app_role text := COALESCE(NULLIF(current_setting('batchsettle.runtime_role', true), ''), 'batchsettle_app');
    v record;
BEGIN
    FOR v IN
        SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'hangfire') AND c.relkind IN ('v', 'm')
    LOOP
        -- Views are read, never written through: SELECT only.
        EXECUTE format('REVOKE ALL ON TABLE %I.%I FROM %I', v.nspname, v.relname, app_role);
        EXECUTE format('GRANT SELECT ON TABLE %I.%I TO %I', v.nspname, v.relname, app_role);
    END LOOP;
END
$$;
