-- Runs that cannot lie (issue 13, item 3).
--
-- A running run holds a lease: its owner (the CLI `run` process, the dashboard's in-process runner, or a worker node
-- settling one of its partitions) renews lease_expires_at every few seconds. A run whose lease expired is marked
-- 'interrupted' — by any live worker, the dashboard host, or the next CLI `run`/`trigger`; never by the dead owner —
-- with the reason and when (interrupt_reason, interrupted_at; kept after a resume as the last interruption). An
-- interrupted run seals its batch like a failed one and is resumed by `run --batch B`, `trigger --batch B` or the
-- dashboard's Resume; a worker that picks up one of its partitions again renews the lease and it is running again.
ALTER TABLE run DROP CONSTRAINT run_status_check;
ALTER TABLE run ADD CONSTRAINT run_status_check CHECK (status IN
    ('queued', 'running', 'succeeded', 'succeeded_with_quarantine', 'failed', 'cancelled', 'interrupted'));

ALTER TABLE run
    ADD COLUMN lease_owner       text,
    ADD COLUMN lease_renewed_at  timestamptz,
    ADD COLUMN lease_expires_at  timestamptz,
    ADD COLUMN interrupted_at    timestamptz,
    ADD COLUMN interrupt_reason  text;

-- At most one run of a batch queued, running or interrupted (was: queued or running).
DROP INDEX run_one_active_per_batch;
CREATE UNIQUE INDEX run_one_active_per_batch ON run (batch_id) WHERE status IN ('queued', 'running', 'interrupted');
CREATE INDEX run_lease_expiry ON run (lease_expires_at) WHERE status = 'running';

-- A trigger now records its run at once: 'queued' until a worker starts it, or 'failed' with the reason when it could
-- not start at all (no claims staged, batch never loaded). Such a record never started (started_at IS NULL): it holds
-- no claims, so it does not seal the batch. The seal looks at the batch's last run that started.
CREATE OR REPLACE FUNCTION staging_claim_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b record;
BEGIN
    FOR b IN SELECT DISTINCT n.batch_id FROM new_claims n ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(1112691457, hashtext(b.batch_id));
        PERFORM 1 FROM run r
        WHERE r.run_id = (SELECT max(run_id) FROM run WHERE batch_id = b.batch_id AND started_at IS NOT NULL)
          AND r.status NOT IN ('succeeded', 'succeeded_with_quarantine');
        IF FOUND THEN
            RAISE EXCEPTION 'batch % is sealed: its last run has not succeeded; finish it (batchsettle run --batch %) before adding claims', b.batch_id, b.batch_id
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
