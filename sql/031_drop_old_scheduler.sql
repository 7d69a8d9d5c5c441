-- 031_drop_quartz: Hangfire replaced the earlier scheduler (issue 10).
--
-- Its job store (every qrtz_* table of 010) and the workers' own heartbeat table (011) are no longer written or read:
-- Hangfire keeps its jobs, queues and servers in the schema "hangfire" (installed by the migrations runner) and its
-- Servers page shows the workers. Shipped migrations stay as they were; this drops what they created.
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'qrtz\_%' LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t);
    END LOOP;
END $$;
DROP TABLE IF EXISTS node_heartbeat;
