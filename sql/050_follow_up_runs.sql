-- Every staged claim accounted for (issue 12, item 1).
--
-- A batch used to get at most one run that was not failed or cancelled (run_one_live_per_batch), so claims staged
-- into a batch after its run had succeeded were never settled: a rerun said "nothing to do" and reconcile agreed.
-- Now a batch may have several succeeded runs: the first settles what was staged when it started, a follow-up run
-- (run.follow_up_of) settles claims staged after an earlier run succeeded. At most one run of a batch is queued or
-- running at a time (the index below), and the loader refuses claims for a batch whose last run has not succeeded
-- (a resumed run continues from its partitions' checkpoints and would pass over a claim staged behind one).
DROP INDEX run_one_live_per_batch;
CREATE UNIQUE INDEX run_one_active_per_batch ON run (batch_id) WHERE status IN ('queued', 'running');
CREATE INDEX run_batch ON run (batch_id, run_id);

ALTER TABLE run ADD COLUMN follow_up_of bigint;

-- A row rejected at load gets a quarantined result keyed −reject_id when its batch runs (migration 023). When a
-- corrected row with the same setl_id is loaded later (same or another batch) and settled, the earlier quarantined
-- result stays as history and is recorded here as superseded: one effective result per setl_id. Written by the run
-- that settles the corrected claim; export leaves superseded results out; reconcile checks that every setl_id with two
-- results has exactly one superseded.
CREATE TABLE result_superseded (
    superseded_claim_seq    bigint  PRIMARY KEY,
    setl_id                 text    NOT NULL,
    by_claim_seq            bigint  NOT NULL,
    run_id                  bigint  NOT NULL,
    superseded_at           timestamptz NOT NULL
);
CREATE INDEX result_superseded_setl ON result_superseded (setl_id);

-- Rejects the runs quarantined, by reject: a follow-up run quarantines only the rejects no earlier run of the batch
-- counted, and reconcile finds a reject no run counted.
ALTER TABLE quarantine ADD COLUMN reject_id bigint;
CREATE INDEX quarantine_reject ON quarantine (reject_id) WHERE reject_id IS NOT NULL;
UPDATE quarantine q SET reject_id = j.reject_id
FROM staging_reject j
WHERE q.reject_id IS NULL AND j.kind = 'claim' AND j.batch_id = q.batch_id AND j.source_file = q.source_file
  AND j.source_line = q.source_line AND j.field = q.field AND j.reason = q.reason;

-- Rows the loader refused because their batch was sealed (its last run had not succeeded): not loaded, named, never
-- counted by a run of the batch (load the file again once the run has finished).
ALTER TABLE staging_reject ADD COLUMN refused boolean NOT NULL DEFAULT false;

-- The seal, for any writer of staging_claim (the loader checks first and names each refused row; an upstream system
-- inserting directly gets this error): claims cannot be added to a batch whose last run is queued, running, failed or
-- cancelled. The batch's advisory lock (the same the runner takes when it creates or resumes a run) orders the two.
CREATE FUNCTION staging_claim_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b record;
BEGIN
    FOR b IN SELECT DISTINCT n.batch_id FROM new_claims n ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(1112691457, hashtext(b.batch_id));
        PERFORM 1 FROM run r
        WHERE r.run_id = (SELECT max(run_id) FROM run WHERE batch_id = b.batch_id)
          AND r.status NOT IN ('succeeded', 'succeeded_with_quarantine');
        IF FOUND THEN
            RAISE EXCEPTION 'batch % is sealed: its last run has not succeeded; finish it (batchsettle run --batch %) before adding claims', b.batch_id, b.batch_id
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER staging_claim_seal AFTER INSERT ON staging_claim
    REFERENCING NEW TABLE AS new_claims FOR EACH STATEMENT EXECUTE FUNCTION staging_claim_seal();

-- Dates in range for any writer of staging (the loader names the row and field first): no ±infinity, no year 1 or
-- 9999. NOT VALID: rows already staged are not re-checked; new ones are.
ALTER TABLE staging_claim ADD CONSTRAINT staging_claim_dates_in_range CHECK (
    begndate BETWEEN DATE '1900-01-01' AND DATE '2099-12-31'
    AND enddate BETWEEN DATE '1900-01-01' AND DATE '2099-12-31') NOT VALID;
ALTER TABLE staging_person ADD CONSTRAINT staging_person_dates_in_range CHECK (
    brdy BETWEEN DATE '1900-01-01' AND DATE '2099-12-31'
    AND paid_date BETWEEN DATE '1900-01-01' AND DATE '2099-12-31'
    AND (prev_cover_end IS NULL OR prev_cover_end BETWEEN DATE '1900-01-01' AND DATE '2099-12-31')
    AND (large_amount_paid_date IS NULL OR large_amount_paid_date BETWEEN DATE '1900-01-01' AND DATE '2099-12-31')) NOT VALID;
