-- A subsidy correction posts in an open period (issue 14; FINANCE.md §3 "corrections post in the open period, linked
-- to the original"). A premium subsidy of year Y sits in period Y-01 (060: its batch subsidy-<admdvs>-<Y>). Once Y-01
-- is closed, the red-ink reversal of such a posting (046) was refused by the period guard, rightly: a closed period
-- never moves. The reversal (and a repost after it) now names the period it is filed in: Y-01 while that is open,
-- otherwise the region's current open period (Data/Subsidies/SubsidyCorrection decides, the caller may name one).
-- The entry keeps its batch id (the region-year's subsidy reconciliation still finds it) and links to the original
-- through premium_subsidy_reversal.original_entry_id; only its accounting period differs.
--
-- ledger_line.acct_period is generated from batch_id (060) and cannot change without rewriting the table, so the
-- filed period lives on the correction's own row and subledger_period() (used by the posting guard and by the view
-- settlement_subledger) returns it. NULL = the period the batch id implies (every row before this migration).
ALTER TABLE premium_subsidy_reversal ADD COLUMN period text
    CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' AND period >= lpad(year::text, 4, '0') || '-01');
ALTER TABLE subsidy_run ADD COLUMN period text
    CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' AND period >= lpad(year::text, 4, '0') || '-01');

-- Same signature as 060's; a CASE so a claim line (the 5M-row COPY's) never looks at the subsidy tables.
CREATE OR REPLACE FUNCTION subledger_period(p_batch_id text, p_run_id bigint, p_stored text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_batch_id LIKE 'subsidy-%' THEN COALESCE(
            (SELECT v.period FROM premium_subsidy_reversal v WHERE v.correction_id = p_run_id),
            (SELECT s.period FROM subsidy_run s WHERE s.run_id = p_run_id),
            p_stored)
        ELSE COALESCE(p_stored,
            (SELECT to_char(a.application_date, 'YYYY-MM') FROM assistance_application a WHERE a.application_id = p_run_id))
    END
$$;
