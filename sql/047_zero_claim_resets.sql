-- CI-06 zero-claim resets reported per run (docs/INTERPRETATIONS.md §7 CI-06): a settled claim whose 大病 payment used
-- incentive cap while zero-claim incentive was banked sets accumulator slot zero_claim_incentive_reset (its result's
-- acc_delta has +1 there); a reversal of that claim rolls it back (−1). The run counts both when it finishes
-- (BatchRunner.FinishRunAsync) so the run summary can say "zero-claim resets: N"; the list itself is read from the
-- results (Data/Export/ZeroClaimResetExport, `batchsettle export --zero-claim-resets`).
ALTER TABLE run
    ADD COLUMN zero_claim_resets        bigint NOT NULL DEFAULT 0,
    ADD COLUMN zero_claim_reset_undos   bigint NOT NULL DEFAULT 0;

-- Runs finished before this migration: counted from their stored results, so no summary says 0 when it was not.
-- (On a new database accumulator_slot is still empty here, and there are no results.)
UPDATE run SET zero_claim_resets = t.resets, zero_claim_reset_undos = t.undos
FROM (SELECT run_id, count(*) FILTER (WHERE d = 1) AS resets, count(*) FILTER (WHERE d = -1) AS undos
      FROM (SELECT run_id, acc_delta[(SELECT idx + 1 FROM accumulator_slot WHERE name = 'zero_claim_incentive_reset')] AS d
            FROM settlement_result WHERE status = 'settled') x
      WHERE d IN (1, -1) GROUP BY run_id) t
WHERE run.run_id = t.run_id;
