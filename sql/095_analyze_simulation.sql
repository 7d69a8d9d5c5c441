-- Statistics for a simulation's report (issue 15): the report joins a simulation's two sides (sim_result, a million
-- rows a side for a 1M-claim year) several times. Planned on the statistics of an empty table, before autovacuum's
-- analyze came round, one of those joins ran for minutes at 1M claims (seen in ops/bench); with statistics it takes
-- seconds. ANALYZE needs the table's owner, so the runtime role asks through this function, as the loader does for
-- the staging tables (051). The simulator calls it after both sides are settled, before the report.
CREATE FUNCTION batchsettle_analyze_simulation() RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    ANALYZE public.sim_result;
    ANALYZE public.sim_alert;
END
$$;
