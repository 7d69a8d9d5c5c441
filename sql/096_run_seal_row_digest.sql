-- The run seal's digest, version 2 (issue 16; BatchSettle.Data.Runs.RowDigest). Version 1 (migrations 052, 094)
-- re-read every result row and ledger line of a finished run and hashed their text on the server: ~25 µs of
-- PostgreSQL CPU a claim, about a fifth of a run's time. Version 2 is a keyed multiset hash the runner computes from
-- the bytes it sends: each chunk adds its rows' element hashes to its partition's sums below, in the transaction that
-- commits the rows, so a sum holds exactly the committed rows whatever the crashes and retries. The seal adds the
-- partitions' sums (and the few rows written outside chunks: results of rows rejected at load, read back); reconcile
-- re-reads the run's rows with binary COPY and recomputes the same sums.
--
-- The sums are numeric (not reduced; the seal reduces them modulo 2^256). A partition that existed before this
-- migration keeps NULL here (its earlier chunks were not hashed): a run with such a partition is sealed with version 1,
-- and seals written before verify with version 1 as before (a version-1 digest is 32 bytes, a version-2 one 65).
ALTER TABLE run_partition
    ADD COLUMN seal_results bigint,
    ADD COLUMN seal_ledger_lines bigint,
    ADD COLUMN seal_results_sum numeric,
    ADD COLUMN seal_ledger_sum numeric;
ALTER TABLE run_partition
    ALTER COLUMN seal_results SET DEFAULT 0,
    ALTER COLUMN seal_ledger_lines SET DEFAULT 0,
    ALTER COLUMN seal_results_sum SET DEFAULT 0,
    ALTER COLUMN seal_ledger_sum SET DEFAULT 0;
