-- 030_hangfire_jobs: what our tables remember about the Hangfire jobs that work on them.
--
-- Hangfire delivers at least once and has no key of its own to say "this batch is already queued". These two columns
-- let the product answer that itself, from its own tables, under its own locks:
--   batch_request: the latest batch-run job queued per batch (trigger, dashboard, month-end). A second request while
--     that job is still enqueued or processing queues nothing and says so.
--   run_partition.job_id: the partition job last queued for a partition. The batch-run job and the reconciler queue
--     a partition again only when that job is gone (deleted, failed, succeeded while the partition is unfinished).
-- Hangfire's own tables live in the schema "hangfire", installed by the migrations runner (not a numbered file: the
-- scripts ship inside Hangfire.PostgreSql and upgrade with it).
CREATE TABLE IF NOT EXISTS batch_request (
    batch_id     text        PRIMARY KEY,
    job_id       text        NOT NULL,
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL
);

ALTER TABLE run_partition ADD COLUMN IF NOT EXISTS job_id text NULL;
