-- settlement_result.run_id: the foreign key to run checked every result row with a per-row trigger and an SPI
-- query (SELECT ... FOR KEY SHARE), measured ~8 % of the server's CPU in a run (docs/PERFORMANCE.md). A chunk writes
-- one run_id for all its rows, and the same transaction updates that run's run_partition row (which has its own
-- foreign key to run, and the runner fails the chunk when the row is missing), so the insert side is checked once a
-- chunk instead of once a row. The delete side, which the foreign key also guarded, is kept by a trigger: a run that
-- has results cannot be deleted (runs are never deleted by the product; ledger_line.run_id never had a foreign key).
ALTER TABLE settlement_result DROP CONSTRAINT settlement_result_run_id_fkey;

CREATE FUNCTION run_keep_with_results() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM settlement_result WHERE run_id = OLD.run_id) THEN
        RAISE EXCEPTION 'run % has settlement results and cannot be deleted', OLD.run_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER run_keep_with_results BEFORE DELETE ON run
    FOR EACH ROW EXECUTE FUNCTION run_keep_with_results();
