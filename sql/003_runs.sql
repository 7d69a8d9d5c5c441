-- Runs and their partitions (DESIGN.md "A run").
CREATE TABLE run (
    run_id          bigserial PRIMARY KEY,
    batch_id        text    NOT NULL,
    status          text    NOT NULL CHECK (status IN
                        ('queued', 'running', 'succeeded', 'succeeded_with_quarantine', 'failed', 'cancelled')),
    attempt         int     NOT NULL DEFAULT 1,
    partitions      int     NOT NULL CHECK (partitions > 0),
    requested_by    text    NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    error           text,
    claims_total    bigint  NOT NULL DEFAULT 0,
    settled         bigint  NOT NULL DEFAULT 0,
    rejected        bigint  NOT NULL DEFAULT 0,
    quarantined     bigint  NOT NULL DEFAULT 0,
    assumed_params  bigint  NOT NULL DEFAULT 0,
    -- Fund totals, fen.
    total_310100    bigint  NOT NULL DEFAULT 0,
    total_390100    bigint  NOT NULL DEFAULT 0,
    total_390200    bigint  NOT NULL DEFAULT 0,
    total_330100    bigint  NOT NULL DEFAULT 0,
    total_610100    bigint  NOT NULL DEFAULT 0,
    total_psn_part  bigint  NOT NULL DEFAULT 0
);
-- At most one run per batch that is not failed or cancelled: a batch triggered twice runs once.
CREATE UNIQUE INDEX run_one_live_per_batch ON run (batch_id) WHERE status NOT IN ('failed', 'cancelled');

CREATE TABLE run_partition (
    run_id          bigint  NOT NULL REFERENCES run (run_id),
    part_no         int     NOT NULL,
    status          text    NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
    owner           text,
    -- Last psn_no whose claims are committed; the partition resumes after it.
    checkpoint      text,
    claims_done     bigint  NOT NULL DEFAULT 0,
    claims_total    bigint  NOT NULL DEFAULT 0,
    chunks          int     NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL,
    error           text,
    PRIMARY KEY (run_id, part_no)
);
