-- The closed-period guard of ledger_line (060), cheaper on the settlement COPY (issue 16). 060's guard hashed four
-- columns of every inserted line (`SELECT DISTINCT acct_admdvs, batch_id, run_id, acct_period FROM new_rows`), ~0.25
-- µs a line — but a run's chunk is one batch and one run: every line of the statement has the same key. The guard now
-- takes the first line's batch_id and run_id and checks, in one scan of the transition table with two comparisons a
-- line, that no line differs; then it asserts that one period. acct_admdvs and acct_period are generated from batch_id
-- alone (060), so equal batch_id means equal period; run_id is compared because subledger_period() reads the
-- assistance application's date through it. Any line that differs sends the statement to 060's path (every distinct
-- key asserted), so the guard still sees every row: only the common case is cheaper.
CREATE OR REPLACE FUNCTION ledger_line_period_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r record;
BEGIN
    SELECT batch_id, run_id, acct_admdvs, acct_period INTO r FROM new_rows LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.batch_id <> r.batch_id OR n.run_id <> r.run_id) THEN
        PERFORM assert_period_open(r.acct_admdvs, subledger_period(r.batch_id, r.run_id, r.acct_period));
        RETURN NULL;
    END IF;
    FOR r IN SELECT DISTINCT acct_admdvs, batch_id, run_id, acct_period FROM new_rows LOOP
        PERFORM assert_period_open(r.acct_admdvs, subledger_period(r.batch_id, r.run_id, r.acct_period));
    END LOOP;
    RETURN NULL;
END
$$;
