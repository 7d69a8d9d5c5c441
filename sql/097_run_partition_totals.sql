-- A run's totals kept as it goes (issue 16). Closing a run summed its results in one statement (counts by status,
-- the funds' totals, zero-claim resets): at 1M claims ~2.5 s of one core at the end of every run, while the other
-- core idled — about 5 % of a run. Each chunk now adds its own totals to its partition's row, in the transaction
-- that commits its results (exactly once, like the results); closing the run adds up the partitions and the few
-- results written outside chunks (rows rejected at load). reconcile still recomputes every finished run's counters
-- from its results and reports a difference.
--
-- A partition that existed before this migration keeps NULL here (its earlier chunks were not counted): a run with
-- such a partition is closed with the one statement, as before.
ALTER TABLE run_partition
    ADD COLUMN tot_claims bigint,
    ADD COLUMN tot_settled bigint,
    ADD COLUMN tot_rejected bigint,
    ADD COLUMN tot_quarantined bigint,
    ADD COLUMN tot_assumed bigint,
    ADD COLUMN tot_superseded bigint,
    ADD COLUMN tot_310100 bigint,
    ADD COLUMN tot_390100 bigint,
    ADD COLUMN tot_390200 bigint,
    ADD COLUMN tot_330100 bigint,
    ADD COLUMN tot_610100 bigint,
    ADD COLUMN tot_psn_part bigint,
    ADD COLUMN tot_zero_resets bigint,
    ADD COLUMN tot_zero_undos bigint;
ALTER TABLE run_partition
    ALTER COLUMN tot_claims SET DEFAULT 0,
    ALTER COLUMN tot_settled SET DEFAULT 0,
    ALTER COLUMN tot_rejected SET DEFAULT 0,
    ALTER COLUMN tot_quarantined SET DEFAULT 0,
    ALTER COLUMN tot_assumed SET DEFAULT 0,
    ALTER COLUMN tot_superseded SET DEFAULT 0,
    ALTER COLUMN tot_310100 SET DEFAULT 0,
    ALTER COLUMN tot_390100 SET DEFAULT 0,
    ALTER COLUMN tot_390200 SET DEFAULT 0,
    ALTER COLUMN tot_330100 SET DEFAULT 0,
    ALTER COLUMN tot_610100 SET DEFAULT 0,
    ALTER COLUMN tot_psn_part SET DEFAULT 0,
    ALTER COLUMN tot_zero_resets SET DEFAULT 0,
    ALTER COLUMN tot_zero_undos SET DEFAULT 0;
