-- Tamper evidence for the postings that are not claim runs (issue 12, item 3 continued): premium subsidy runs
-- (subsidy_run + premium_subsidy rows), subsidy red-ink reversals (premium_subsidy_reversal) and assistance
-- applications (assistance_application, granted or refused). Each posting draws its id from the runs' sequence and its
-- ledger lines carry that id as ledger_line.run_id, so one id names the posting and its lines. Each is sealed in the
-- transaction that posts it: a SHA-256 digest of its rows and ledger lines as stored, and an HMAC-SHA256 under the
-- same key as the run seals (052: BATCHSETTLE_SEAL_KEY / _FILE, kept outside the database), chained posting to posting
-- (a chain of its own, so claim-run seals keep theirs). `reconcile --subsidies` recomputes both.
CREATE TABLE posting_seal (
    posting_id      bigint  PRIMARY KEY,
    kind            text    NOT NULL CHECK (kind IN ('subsidy_run', 'subsidy_reversal', 'assistance_application')),
    admdvs          text    NOT NULL,
    year            int     NOT NULL,
    row_count       bigint  NOT NULL,
    ledger_lines    bigint  NOT NULL,
    digest          bytea   NOT NULL,
    prev_posting_id bigint,
    seal            bytea   NOT NULL,
    sealed_at       timestamptz NOT NULL
);
CREATE INDEX posting_seal_region_year ON posting_seal (admdvs, year);
CREATE TRIGGER posting_seal_no_update BEFORE UPDATE OR DELETE ON posting_seal
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a seal is written once');
CREATE TRIGGER posting_seal_no_truncate BEFORE TRUNCATE ON posting_seal
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a seal is written once');

-- The digest of one posting's rows and ledger lines as stored now (the same function seals and verifies). Timestamps
-- are left out (their text depends on the session's time zone); every amount, key, account and side is in.
CREATE FUNCTION posting_digest(p_kind text, p_id bigint, OUT row_count bigint, OUT ledger_lines bigint, OUT digest bytea)
LANGUAGE sql STABLE AS $$
    WITH r AS (
        SELECT concat_ws('|', 'run', s.run_id, s.admdvs, s.year, s.batch_id, s.requested_by, s.considered, s.posted,
                   s.already_posted, s.no_subsidy, s.missing_param, s.bad_input, s.total) AS line, 0 AS k1, ''::text AS k2
        FROM subsidy_run s WHERE p_kind = 'subsidy_run' AND s.run_id = p_id
        UNION ALL
        SELECT concat_ws('|', p.psn_no, p.year, p.posting_no, p.admdvs, p.category, p.rule_id, p.identity_date, p.premium,
                   p.pct_bp, p.amount, p.city_amount, p.county_amount, p.pct_param_id, p.premium_param_id, p.split_param_id,
                   p.assumed_params, p.entry_id, p.run_id), 1, p.psn_no || '|' || p.year || '|' || p.posting_no
        FROM premium_subsidy p WHERE p_kind = 'subsidy_run' AND p.run_id = p_id
        UNION ALL
        SELECT concat_ws('|', v.psn_no, v.year, v.posting_no, v.admdvs, v.category, v.amount, v.city_amount, v.county_amount,
                   v.original_entry_id, v.entry_id, v.correction_id, v.reason, v.requested_by), 1, ''
        FROM premium_subsidy_reversal v WHERE p_kind = 'subsidy_reversal' AND v.correction_id = p_id
        UNION ALL
        SELECT concat_ws('|', a.application_id, a.psn_no, a.admdvs, a.application_date, a.identity_start, a.status, a.reason,
                   a.basic, a.tilted, a.total, a.window_from, a.window_to, a.assumed_params, md5(a.trace), a.entry_id), 1, ''
        FROM assistance_application a WHERE p_kind = 'assistance_application' AND a.application_id = p_id),
    l AS (
        SELECT concat_ws('|', entry_id, line_no, setl_id, run_id, batch_id, kind, account, fund_pay_type, fixmedins_code,
                   debit, credit) AS line, entry_id, line_no
        FROM ledger_line WHERE run_id = p_id)
    SELECT (SELECT count(*) FROM r)::bigint,
           (SELECT count(*) FROM l)::bigint,
           sha256(convert_to(
               COALESCE((SELECT string_agg(line, E'\n' ORDER BY k1, k2 COLLATE "C") FROM r), '') || E'\n\x01\n'
               || COALESCE((SELECT string_agg(line, E'\n' ORDER BY entry_id, line_no) FROM l), ''), 'UTF8'))
$$;
