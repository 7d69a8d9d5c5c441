-- 012: the operations dashboard (issue 6).
--
-- audit_action: every operator action the dashboard receives, accepted or refused, with who and when. Append-only
-- like the ledger: an audit trail that can be edited is not one.
-- run_progress_sample: claims done per run every few seconds while it runs (written by the worker's progress sampler),
-- so a run's page can draw throughput over time and estimate the end, also after the run.
-- run_cancel_request: an operator asked a run to stop; the runner checks between chunks and stops at a checkpoint.

CREATE TABLE IF NOT EXISTS audit_action (
    audit_id    bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    role        text        NOT NULL,
    action      text        NOT NULL,
    target      text        NOT NULL,
    outcome     text        NOT NULL,
    detail      text
);

CREATE OR REPLACE FUNCTION audit_action_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_action is append-only (% refused)', TG_OP;
END $$;

DROP TRIGGER IF EXISTS audit_action_no_update ON audit_action;
CREATE TRIGGER audit_action_no_update BEFORE UPDATE OR DELETE ON audit_action
    FOR EACH ROW EXECUTE FUNCTION audit_action_append_only();
DROP TRIGGER IF EXISTS audit_action_no_truncate ON audit_action;
CREATE TRIGGER audit_action_no_truncate BEFORE TRUNCATE ON audit_action
    FOR EACH STATEMENT EXECUTE FUNCTION audit_action_append_only();

CREATE TABLE IF NOT EXISTS run_progress_sample (
    run_id      bigint      NOT NULL,
    sampled_at  timestamptz NOT NULL,
    claims_done bigint      NOT NULL,
    PRIMARY KEY (run_id, sampled_at)
);

CREATE TABLE IF NOT EXISTS run_cancel_request (
    run_id       bigint      PRIMARY KEY,
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL
);

-- The run page lists a run's quarantined claims a page at a time, keyset on quarantine_id.
CREATE INDEX IF NOT EXISTS quarantine_run_page ON quarantine (run_id, quarantine_id);
-- The runs list filters by state, newest first, keyset on run_id.
CREATE INDEX IF NOT EXISTS run_status_page ON run (status, run_id DESC);
