-- 011_worker: what each worker process says about itself, for the dashboard and for operators.
--
-- Quartz keeps its own liveness in qrtz_scheduler_state (last_checkin_time per instance) and acts on it: a node whose
-- check-in is older than checkin interval + misfire threshold has its in-flight partitions recovered by a peer.
-- This table is ours and only informs: which nodes exist, since when, which build they run and how many partitions
-- each is settling right now. node_id is the Quartz instance id, so the two can be joined.
CREATE TABLE IF NOT EXISTS node_heartbeat (
    node_id            text        PRIMARY KEY,
    host               text        NOT NULL,
    pid                integer     NOT NULL,
    version            text        NOT NULL,
    started_at         timestamptz NOT NULL,
    last_seen          timestamptz NOT NULL,
    stopped_at         timestamptz NULL,      -- set on a graceful stop; a killed node keeps NULL and goes stale
    running_partitions integer     NOT NULL DEFAULT 0,
    running            text        NOT NULL DEFAULT ''  -- "run_id/part_no" list of the partitions in hand
);

CREATE INDEX IF NOT EXISTS idx_node_heartbeat_last_seen ON node_heartbeat (last_seen DESC);
