-- Tamper evidence (issue 12, item 3). Triggers and grants stop the runtime role; they do not stop a superuser, who can
-- disable a trigger and edit a paid claim in results and ledger alike (so results and ledger still agree). Each
-- finished claim run is therefore sealed: a SHA-256 digest of its result rows and ledger lines (per block of 4,096
-- claim_seq / entry_id, in key order, then over the block digests), and an HMAC-SHA256 of (run, batch, counts,
-- digest, previous seal) under a key kept outside the database (BATCHSETTLE_SEAL_KEY / _FILE; the embedded
-- default is <checkout>/.data/seal.key, mode 0600). Seals chain run to run. `reconcile` recomputes the digest and the
-- HMAC: an edit, a deleted or an added row, or a rewritten seal without the key is reported.
CREATE TABLE run_seal (
    run_id          bigint  PRIMARY KEY,
    batch_id        text    NOT NULL,
    results         bigint  NOT NULL,
    ledger_lines    bigint  NOT NULL,
    digest          bytea   NOT NULL,
    prev_run_id     bigint,
    seal            bytea   NOT NULL,
    sealed_at       timestamptz NOT NULL
);
CREATE INDEX run_seal_batch ON run_seal (batch_id);
CREATE TRIGGER run_seal_no_update BEFORE UPDATE OR DELETE ON run_seal
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a seal is written once');
CREATE TRIGGER run_seal_no_truncate BEFORE TRUNCATE ON run_seal
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a seal is written once');

-- The digest of a run's rows as stored now (the same function seals and verifies). posted_at is left out: its text
-- depends on the session's time zone.
CREATE FUNCTION run_digest(p_run_id bigint, OUT results bigint, OUT ledger_lines bigint, OUT digest bytea)
LANGUAGE sql STABLE AS $$
    WITH rb AS (
        SELECT claim_seq >> 12 AS blk, count(*) AS n,
               sha256(convert_to(string_agg(concat_ws('|', claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type,
                   fixmedins_code, year, status, reason, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt,
                   inscp_scp_amt, act_pay_dedc, hifp_pay, pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay,
                   fund_pay_sumamt, psn_part_amt, assumed_params, reversal_of, alert_threshold, acc_delta::text, md5(trace), run_id),
                   E'\n' ORDER BY claim_seq), 'UTF8')) AS d
        FROM settlement_result WHERE run_id = p_run_id GROUP BY 1),
    lb AS (
        SELECT entry_id >> 12 AS blk, count(*) AS n,
               sha256(convert_to(string_agg(concat_ws('|', entry_id, line_no, setl_id, run_id, batch_id, kind, account,
                   fund_pay_type, fixmedins_code, debit, credit), E'\n' ORDER BY entry_id, line_no), 'UTF8')) AS d
        FROM ledger_line WHERE run_id = p_run_id GROUP BY 1)
    SELECT (SELECT COALESCE(sum(n), 0)::bigint FROM rb),
           (SELECT COALESCE(sum(n), 0)::bigint FROM lb),
           sha256(COALESCE((SELECT string_agg(d, ''::bytea ORDER BY blk) FROM rb), ''::bytea) || '\x00'::bytea
                  || COALESCE((SELECT string_agg(d, ''::bytea ORDER BY blk) FROM lb), ''::bytea))
$$;
