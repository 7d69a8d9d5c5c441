-- The run seal's digest (migration 052) computed in parts, so that sealing a run and verifying it use every core
-- instead of one (issue 16: at 1M claims the one-statement digest took ~22 s of one core, about 30 % of the run's
-- wall time, while the other core idled). The digest is unchanged: run_digest_blocks returns the same per-block
-- SHA-256s run_digest always combined — the blocks of claim_seq / entry_id >> 12 whose number is p_part modulo
-- p_parts (negative claim_seqs, the untypable rows, included) — and run_digest is now the combination of all of them
-- (p_parts = 1), byte for byte the digest 052 defined, so every seal written before verifies as before.
-- The caller (RunDigest in BatchSettle.Data) runs the parts on separate connections and combines them the same way:
-- sha256(result blocks in blk order || 0x00 || ledger blocks in blk order).
CREATE FUNCTION run_digest_blocks(p_run_id bigint, p_parts int, p_part int)
RETURNS TABLE (tbl int, blk bigint, n bigint, d bytea)
LANGUAGE sql STABLE AS $$
    SELECT 0, claim_seq >> 12, count(*),
           sha256(convert_to(string_agg(concat_ws('|', claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type,
               fixmedins_code, year, status, reason, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt,
               inscp_scp_amt, act_pay_dedc, hifp_pay, pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay,
               fund_pay_sumamt, psn_part_amt, assumed_params, reversal_of, alert_threshold, acc_delta::text, md5(trace), run_id),
               E'\n' ORDER BY claim_seq), 'UTF8'))
    FROM settlement_result
    WHERE run_id = p_run_id AND mod(mod(claim_seq >> 12, p_parts) + p_parts, p_parts) = p_part
    GROUP BY 2
    UNION ALL
    SELECT 1, entry_id >> 12, count(*),
           sha256(convert_to(string_agg(concat_ws('|', entry_id, line_no, setl_id, run_id, batch_id, kind, account,
               fund_pay_type, fixmedins_code, debit, credit), E'\n' ORDER BY entry_id, line_no), 'UTF8'))
    FROM ledger_line
    WHERE run_id = p_run_id AND mod(mod(entry_id >> 12, p_parts) + p_parts, p_parts) = p_part
    GROUP BY 2
$$;

CREATE OR REPLACE FUNCTION run_digest(p_run_id bigint, OUT results bigint, OUT ledger_lines bigint, OUT digest bytea)
LANGUAGE sql STABLE AS $$
    WITH b AS (SELECT * FROM run_digest_blocks(p_run_id, 1, 0))
    SELECT (SELECT COALESCE(sum(n), 0)::bigint FROM b WHERE tbl = 0),
           (SELECT COALESCE(sum(n), 0)::bigint FROM b WHERE tbl = 1),
           sha256(COALESCE((SELECT string_agg(d, ''::bytea ORDER BY blk) FROM b WHERE tbl = 0), ''::bytea) || '\x00'::bytea
                  || COALESCE((SELECT string_agg(d, ''::bytea ORDER BY blk) FROM b WHERE tbl = 1), ''::bytea))
$$;
