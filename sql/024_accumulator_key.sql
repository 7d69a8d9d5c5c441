-- accumulator.psn_no in byte order (COLLATE "C"), so that its primary key is also the runner's stream order and the
-- separate accumulator_stream index (migration 020) can go: every chunk upserts its person-years, and each of them
-- cost an insert into both B-trees (docs/PERFORMANCE.md). Equality is the same under any deterministic collation;
-- only the primary key's order changes, to the order the runner reads in.
ALTER TABLE accumulator ALTER COLUMN psn_no TYPE text COLLATE "C";
DROP INDEX accumulator_stream;
