-- The runner streams a partition's claims, persons and accumulators in psn_no byte order (COLLATE "C": the same on
-- every server, and the order the runner compares in) and merges them itself instead of joining per claim
-- (docs/PERFORMANCE.md). These indexes give that order without a sort.
DROP INDEX staging_claim_batch_order;
CREATE INDEX staging_claim_batch_order ON staging_claim (batch_id, psn_no COLLATE "C", enddate, setl_id COLLATE "C");
CREATE INDEX staging_person_stream ON staging_person (psn_no COLLATE "C", year);
CREATE INDEX accumulator_stream ON accumulator (psn_no COLLATE "C", year);
