-- settlement_result keyed by claim_seq instead of setl_id (docs/PERFORMANCE.md "The result key").
--
-- setl_ids come from upstream and reach the runner in person order, i.e. in random key order: the setl_id primary key
-- cost a descent to a random B-tree leaf, and after a checkpoint a full-page image, for every result row — measured
-- ~30–40 % of the server's COPY IN work. claim_seq is assigned by the loader in settlement order, so a partition
-- writes it in rising order at the index's right edge, like the ledger's entry_id (= claim_seq).
--
-- What the old key guaranteed still holds:
--   * a claim is settled at most once: one result per claim_seq (this primary key; the runner's COPY fails on a
--     second one, as it did on a second setl_id);
--   * one result per setl_id: staging_claim.setl_id is UNIQUE and the runner copies a result's setl_id from its
--     staging row (reconcile checks that they agree); a claim row the loader could not type (no staging row) gets
--     claim_seq = −reject_id, and its setl_id is unique by the partial index below.
-- Lookups by setl_id go through staging_claim (result_claim_seq below), never a scan.
ALTER TABLE settlement_result ADD COLUMN claim_seq bigint;

UPDATE settlement_result r SET claim_seq = c.claim_seq FROM staging_claim c WHERE c.setl_id = r.setl_id;
UPDATE settlement_result r SET claim_seq = -j.reject_id
FROM (SELECT setl_id, min(reject_id) AS reject_id FROM staging_reject
      WHERE kind = 'claim' AND setl_id IS NOT NULL GROUP BY setl_id) j
WHERE r.claim_seq IS NULL AND j.setl_id = r.setl_id;

ALTER TABLE settlement_result ALTER COLUMN claim_seq SET NOT NULL;
ALTER TABLE settlement_result DROP CONSTRAINT settlement_result_pkey;
ALTER TABLE settlement_result ADD CONSTRAINT settlement_result_pkey PRIMARY KEY (claim_seq);
CREATE UNIQUE INDEX settlement_result_load_reject ON settlement_result (setl_id) WHERE claim_seq < 0;

-- The claim_seq of a setl_id's result: its staging claim, else the loader's reject. At most one staged claim has a
-- given setl_id; a setl_id whose row was rejected at load and later loaded again correctly has both (the staged one
-- first: callers that want one result take the greatest claim_seq).
CREATE FUNCTION result_claim_seq(p_setl_id text) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT claim_seq FROM staging_claim WHERE setl_id = p_setl_id
    UNION ALL
    SELECT claim_seq FROM settlement_result WHERE claim_seq < 0 AND setl_id = p_setl_id
$$;
