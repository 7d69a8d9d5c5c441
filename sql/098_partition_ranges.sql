-- Partitions as contiguous psn_no ranges (issue 16). A run's partition used to be the persons with
-- psn_hash % P = part_no: every stream of every partition then read the whole batch's claims (and every region's
-- registry rows and stored accumulators) and dropped the other partitions' rows — at 5M claims ~10 % of the
-- server's CPU — and creating a run counted its claims with a sequential scan of every batch ever staged. A
-- partition is now the persons whose psn_no (byte order, COLLATE "C") lies in [psn_from, psn_to), NULL meaning
-- unbounded, cut at run creation so that the partitions hold the same number of claims; each stream is then a range
-- scan of its index (BatchRunner, PartitionPlan). The ranges are the run's own, like its partition count: a resumed
-- run keeps them.
--
-- Partitions created before this migration keep by_range = false and are still settled by hash.
ALTER TABLE run_partition
    ADD COLUMN by_range boolean NOT NULL DEFAULT false,
    ADD COLUMN psn_from text,
    ADD COLUMN psn_to   text,
    ADD CONSTRAINT run_partition_range_only_by_range CHECK (by_range OR (psn_from IS NULL AND psn_to IS NULL));
