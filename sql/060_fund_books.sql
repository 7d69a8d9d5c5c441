-- Fund finance (issue 14, /work/shared/FINANCE.md): two layers.
--
-- 1. The SETTLEMENT SUB-LEDGER is ledger_line (migration 005): what each settled claim makes owed, per fund_pay_type
--    and facility (accrual, business records — "已结算待遇 / 待拨付结算款"). It is not a fund book: the national chart has
--    no "payable to hospital" account (财会〔2017〕28号 第二部分; FINANCE.md §0.2). Its accounts are mapped below.
-- 2. FUND BOOKS, one per region and fund (职工医保, 大额, 居民医保 incl. 大病, 医疗救助), cash basis, with the national chart of
--    accounts (sql/finance/chart.csv, loaded into account_chart by the migrations runner). Vouchers (凭证) post to a
--    book when money moves (拨付, 预付金, 追回, 结转).
--
-- Every voucher and every sub-ledger entry carries its accounting period (region, YYYY-MM) decided by what it records,
-- never by the clock; nothing posts into a closed period (triggers below, owned by the schema owner: a role that does
-- not own the tables cannot disable them).

-- The national chart, effective-dated. Rows come from sql/finance/chart.csv; a loaded row never changes.
CREATE TABLE account_chart (
    code            text    NOT NULL,
    parent          text,
    name_zh         text    NOT NULL,
    name_en         text    NOT NULL,
    kind            text    NOT NULL CHECK (kind IN ('asset', 'liability', 'net_assets', 'income', 'expense')),
    normal_side     text    NOT NULL CHECK (normal_side IN ('D', 'C')),
    effective_from  date    NOT NULL,
    effective_to    date,
    source          text    NOT NULL,
    note            text    NOT NULL DEFAULT '',
    PRIMARY KEY (code, effective_from),
    CHECK (effective_to IS NULL OR effective_to >= effective_from)
);
CREATE TRIGGER account_chart_no_update BEFORE UPDATE OR DELETE ON account_chart
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a new chart version is a new row with its own dates');

-- Today's ad hoc sub-ledger account names and where they went (FINANCE.md §1 "Our ad hoc accounts → real ones").
CREATE TABLE account_alias (
    alias           text    PRIMARY KEY,
    layer           text    NOT NULL CHECK (layer IN ('sub_ledger', 'retired')),
    label_zh        text    NOT NULL,
    fund_book_code  text,
    note            text    NOT NULL
);
INSERT INTO account_alias VALUES
 ('benefit_expense', 'sub_ledger', '已结算待遇（结算子账，权责）', '5001 / 5101 on payment',
  'Settlement sub-ledger only: what a claim makes owed. Reaches the fund book as Dr 5001 明细 (5101 for 390200) when paid.'),
 ('payable_facility', 'sub_ledger', '待拨付结算款（结算子账）', NULL,
  'No fund-book counterpart (cash basis, no payable account). Owed = its credits less facility_clearing; cleared by a payment (Cr 1004) or an advance offset (Cr 110101).'),
 ('memo_personal_share', 'sub_ledger', '个人负担（备查）', NULL, 'Not fund money: the statement column 个人负担 / 现金支付金额. Off balance.'),
 ('memo_facility_collected', 'sub_ledger', '定点机构收取个人负担（备查）', NULL, 'Not fund money; pair of memo_personal_share. Off balance.'),
 ('subsidy_expense', 'sub_ledger', '医疗救助资助参保（子账）', NULL, 'Assistance book; kept out of 5001 by the 财政专户 rules (FINANCE.md [P]); its own account name not found, not posted to a fund book yet.'),
 ('subsidy_expense_city', 'sub_ledger', '资助参保—市级', NULL, 'Yingkou 3:7 is a funding split; Suggestion: 4101 明细 by government level.'),
 ('subsidy_expense_county', 'sub_ledger', '资助参保—县级', NULL, 'As subsidy_expense_city.'),
 ('premium_receivable', 'retired', '（无）', '4001 on receipt', 'None in a cash-basis book: premiums are 4001 when the money arrives (FINANCE.md [A 4001]).'),
 ('payable_person', 'sub_ledger', '待支付个人救助（子账）', '5001 on payment', 'No fund-book payable; paying posts Dr expense, Cr 1004.');

-- One book per region and fund. fund_code names the fund; fund_pay_types are the claim funds it pays.
CREATE TABLE fund_book (
    book_code       text    PRIMARY KEY,
    admdvs          text    NOT NULL,
    fund_code       text    NOT NULL CHECK (fund_code IN ('310100', '330100', '390100', '610100')),
    name_zh         text    NOT NULL,
    name_en         text    NOT NULL,
    fund_pay_types  text[]  NOT NULL,
    UNIQUE (admdvs, fund_code)
);
INSERT INTO fund_book
SELECT r.admdvs || '-' || f.fund_code, r.admdvs, f.fund_code, f.name_zh, f.name_en, f.fpt
FROM (VALUES ('210500'), ('210800')) r(admdvs)
CROSS JOIN (VALUES
    ('310100', '职工基本医疗保险基金', 'employees'' basic medical insurance fund', ARRAY['310100']),
    ('330100', '职工大额医疗费用补助基金', 'employees'' large-amount supplementary fund', ARRAY['330100']),
    ('390100', '城乡居民基本医疗保险基金', 'residents'' basic medical insurance fund (incl. 大病)', ARRAY['390100', '390200']),
    ('610100', '城乡医疗救助基金', 'medical assistance fund', ARRAY['610100'])) f(fund_code, name_zh, name_en, fpt);

CREATE FUNCTION fund_code_of(fund_pay_type text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE fund_pay_type WHEN '390200' THEN '390100' ELSE fund_pay_type END
$$;

-- Accounting periods: calendar months per region (财会〔2017〕28号 总说明八). A period exists once something is posted in
-- it (or it is opened); open → closed once, never back.
CREATE TABLE accounting_period (
    admdvs          text    NOT NULL,
    period          text    NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    status          text    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at       timestamptz,
    closed_by       text,
    PRIMARY KEY (admdvs, period),
    CHECK ((status = 'open') = (closed_at IS NULL))
);

CREATE FUNCTION accounting_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'accounting_period: % refused (periods are kept)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'closed' THEN
        RAISE EXCEPTION 'accounting period % %: closed periods never change', OLD.admdvs, OLD.period
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.admdvs <> OLD.admdvs OR NEW.period <> OLD.period THEN
        RAISE EXCEPTION 'accounting_period: the key never changes' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER accounting_period_guard BEFORE UPDATE OR DELETE ON accounting_period
    FOR EACH ROW EXECUTE FUNCTION accounting_period_guard();
CREATE TRIGGER accounting_period_no_truncate BEFORE TRUNCATE ON accounting_period
    FOR EACH STATEMENT EXECUTE FUNCTION accounting_period_guard();

-- The one posting guard: creates the period when first posted into, refuses a closed one. SECURITY DEFINER so that a
-- runtime role with no rights on accounting_period still gets its period created, and cannot skip the check.
CREATE FUNCTION assert_period_open(p_admdvs text, p_period text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE s text;
BEGIN
    IF p_admdvs IS NULL OR p_period IS NULL THEN
        RAISE EXCEPTION 'posting without an accounting period (admdvs %, period %)', p_admdvs, p_period
            USING ERRCODE = 'check_violation';
    END IF;
    -- FOR SHARE: a close holds the row FOR UPDATE while it checks, so a posting either commits before the close
    -- looks or waits and then sees the period closed.
    SELECT status INTO s FROM accounting_period WHERE admdvs = p_admdvs AND period = p_period FOR SHARE;
    IF s IS NULL THEN
        INSERT INTO accounting_period (admdvs, period) VALUES (p_admdvs, p_period) ON CONFLICT DO NOTHING;
        SELECT status INTO s FROM accounting_period WHERE admdvs = p_admdvs AND period = p_period FOR SHARE;
    END IF;
    IF s = 'closed' THEN
        RAISE EXCEPTION 'accounting period % % is closed: nothing posts into it (post a correction in an open period)',
            p_admdvs, p_period USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
END
$$;

-- Sub-ledger periods. A claim batch <admdvs>-<yyyy>-<MM> records that clearing month (清算年月); a subsidy posting
-- subsidy-<admdvs>-<yyyy> records the insurance year's premium, recognised in the year's first month (from 2026 a
-- later year's residents' premium "sits in 暂收款 until that year's first month", FINANCE.md [B]). Stored, generated
-- from batch_id (no per-row trigger on the 5M-row COPY). Assistance applications (batch assist-app-<admdvs>) take the
-- month of their application date from assistance_application (subledger_period below).
-- Plain substr/LIKE, no regular expression: this runs for every row of the settlement COPY (batch ids are checked by
-- the runner; a malformed one fails the period's CHECK in assert_period_open).
ALTER TABLE ledger_line
    ADD COLUMN acct_admdvs text GENERATED ALWAYS AS (
        CASE WHEN length(batch_id) = 14 AND substr(batch_id, 7, 1) = '-' THEN substr(batch_id, 1, 6)
             WHEN batch_id LIKE 'subsidy-%' THEN substr(batch_id, 9, 6)
             WHEN batch_id LIKE 'assist-app-%' THEN substr(batch_id, 12, 6) END) STORED,
    ADD COLUMN acct_period text GENERATED ALWAYS AS (
        CASE WHEN length(batch_id) = 14 AND substr(batch_id, 7, 1) = '-' THEN substr(batch_id, 8, 7)
             WHEN batch_id LIKE 'subsidy-%' THEN substr(batch_id, 16, 4) || '-01' END) STORED;
CREATE INDEX ledger_line_period ON ledger_line (acct_admdvs, acct_period);

CREATE FUNCTION subledger_period(p_batch_id text, p_run_id bigint, p_stored text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT COALESCE(p_stored,
        (SELECT to_char(a.application_date, 'YYYY-MM') FROM assistance_application a WHERE a.application_id = p_run_id))
$$;

-- Statement-level guard with a transition table: one check per COPY chunk, not per row.
CREATE FUNCTION ledger_line_period_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT DISTINCT acct_admdvs, batch_id, run_id, acct_period FROM new_rows LOOP
        PERFORM assert_period_open(r.acct_admdvs, subledger_period(r.batch_id, r.run_id, r.acct_period));
    END LOOP;
    RETURN NULL;
END
$$;
CREATE TRIGGER ledger_line_period_guard AFTER INSERT ON ledger_line
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ledger_line_period_guard();

-- The settlement sub-ledger as finance reads it: each line with its settlement date, clearing month and accounting
-- period kept apart, and the fund book its fund belongs to.
CREATE VIEW settlement_subledger AS
SELECT l.entry_id, l.line_no, l.setl_id, l.run_id, l.batch_id, l.kind, l.account,
       a.label_zh AS account_label, l.fund_pay_type, l.fixmedins_code, l.debit, l.credit,
       l.acct_admdvs AS admdvs,
       CASE WHEN l.batch_id = l.acct_admdvs || '-' || l.acct_period THEN l.acct_period END AS clearing_month,
       subledger_period(l.batch_id, l.run_id, l.acct_period) AS period,
       c.enddate AS setl_date,
       CASE WHEN l.fund_pay_type IS NULL THEN NULL ELSE l.acct_admdvs || '-' || fund_code_of(l.fund_pay_type) END AS book_code
FROM ledger_line l
LEFT JOIN account_alias a ON a.alias = l.account
LEFT JOIN settlement_result r ON r.claim_seq = l.entry_id AND l.setl_id IS NOT NULL AND r.setl_id = l.setl_id
LEFT JOIN staging_claim c ON c.claim_seq = r.claim_seq;

-- Vouchers (记账凭证): the fund book's only entries. period = the month of voucher_date (what it records: the payment
-- date), checked. A correction (red ink or supplementary, 会计基础工作规范 第六十二条) links to the voucher it corrects.
CREATE TABLE voucher (
    voucher_id          bigserial PRIMARY KEY,
    book_code           text    NOT NULL REFERENCES fund_book (book_code),
    admdvs              text    NOT NULL,
    period              text    NOT NULL,
    voucher_no          int     NOT NULL,
    voucher_date        date    NOT NULL,
    kind                text    NOT NULL CHECK (kind IN ('payment', 'recovery', 'advance', 'advance_offset',
                                    'advance_return', 'closing', 'correction', 'opening')),
    summary             text    NOT NULL,
    corrects_voucher_id bigint  REFERENCES voucher (voucher_id),
    correction_method   text    CHECK (correction_method IN ('red', 'supplementary')),
    created_at          timestamptz NOT NULL,
    created_by          text    NOT NULL DEFAULT '',
    UNIQUE (book_code, period, voucher_no),
    CHECK (period = to_char(voucher_date, 'YYYY-MM')),
    CHECK ((kind = 'correction') = (corrects_voucher_id IS NOT NULL AND correction_method IS NOT NULL))
);
CREATE INDEX voucher_book_period ON voucher (book_code, period);

CREATE TABLE voucher_line (
    voucher_id      bigint  NOT NULL REFERENCES voucher (voucher_id),
    line_no         int     NOT NULL,
    account_code    text    NOT NULL,
    counterparty    text,
    fund_pay_type   text,
    debit           bigint  NOT NULL DEFAULT 0,
    credit          bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (voucher_id, line_no),
    -- One side per line; a red-ink line is negative on its side (FINANCE.md §3).
    CHECK (debit = 0 OR credit = 0)
);

CREATE FUNCTION voucher_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE b text;
BEGIN
    SELECT admdvs INTO b FROM fund_book WHERE book_code = NEW.book_code;
    IF b IS DISTINCT FROM NEW.admdvs THEN
        RAISE EXCEPTION 'voucher: book % is not a book of region %', NEW.book_code, NEW.admdvs USING ERRCODE = 'check_violation';
    END IF;
    PERFORM assert_period_open(NEW.admdvs, NEW.period);
    RETURN NEW;
END
$$;
CREATE TRIGGER voucher_guard BEFORE INSERT ON voucher FOR EACH ROW EXECUTE FUNCTION voucher_guard();

-- A line's account must exist in the chart in force on the voucher's date, and be a leaf there (明细 where it has one).
CREATE FUNCTION voucher_line_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE v record;
BEGIN
    SELECT admdvs, period, voucher_date INTO v FROM voucher WHERE voucher_id = NEW.voucher_id;
    PERFORM assert_period_open(v.admdvs, v.period);
    IF NOT EXISTS (SELECT 1 FROM account_chart c WHERE c.code = NEW.account_code AND c.effective_from <= v.voucher_date
                   AND (c.effective_to IS NULL OR c.effective_to >= v.voucher_date)) THEN
        RAISE EXCEPTION 'voucher %: account % is not in the chart in force on %', NEW.voucher_id, NEW.account_code, v.voucher_date
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM account_chart c WHERE c.parent = NEW.account_code AND c.effective_from <= v.voucher_date
               AND (c.effective_to IS NULL OR c.effective_to >= v.voucher_date)) THEN
        RAISE EXCEPTION 'voucher %: account % has 明细 accounts; post to one of them', NEW.voucher_id, NEW.account_code
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER voucher_line_guard BEFORE INSERT ON voucher_line FOR EACH ROW EXECUTE FUNCTION voucher_line_guard();

-- Debits = credits per voucher, checked at commit (the lines of one voucher arrive one by one).
CREATE FUNCTION voucher_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d bigint; c bigint; n int;
BEGIN
    SELECT COALESCE(sum(debit), 0), COALESCE(sum(credit), 0), count(*) INTO d, c, n
    FROM voucher_line WHERE voucher_id = NEW.voucher_id;
    IF d <> c OR n < 2 THEN
        RAISE EXCEPTION 'voucher % does not balance: debits %, credits %, % lines', NEW.voucher_id, d, c, n
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER voucher_line_balances AFTER INSERT ON voucher_line
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION voucher_balances();

CREATE TRIGGER voucher_no_update BEFORE UPDATE OR DELETE ON voucher
    FOR EACH ROW EXECUTE FUNCTION refuse_change('post a correcting voucher instead');
CREATE TRIGGER voucher_no_truncate BEFORE TRUNCATE ON voucher
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('post a correcting voucher instead');
CREATE TRIGGER voucher_line_no_update BEFORE UPDATE OR DELETE ON voucher_line
    FOR EACH ROW EXECUTE FUNCTION refuse_change('post a correcting voucher instead');
CREATE TRIGGER voucher_line_no_truncate BEFORE TRUNCATE ON voucher_line
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('post a correcting voucher instead');

-- Advances (预付金) paid to a facility from a book: Dr 110101 / Cr 1004.
CREATE TABLE facility_advance (
    advance_id      bigserial PRIMARY KEY,
    admdvs          text    NOT NULL,
    fixmedins_code  text    NOT NULL,
    book_code       text    NOT NULL REFERENCES fund_book (book_code),
    amount          bigint  NOT NULL,
    paid_date       date    NOT NULL,
    bank_ref        text    NOT NULL,
    kind            text    NOT NULL CHECK (kind IN ('paid', 'returned')),
    voucher_id      bigint  NOT NULL REFERENCES voucher (voucher_id),
    UNIQUE (admdvs, bank_ref),
    CHECK (amount > 0)
);

-- What clears an owed amount of the settlement records (facility, clearing month, fund): a bank payment (拨付; a
-- negative amount is money the facility returned), an advance offset (预付金冲抵), or deposit kept at year-end clearing.
-- applied = what it cleared; overpaid = the part above what was owed (posted to 110102, flagged).
CREATE TABLE facility_clearing (
    clearing_id     bigserial PRIMARY KEY,
    admdvs          text    NOT NULL,
    fixmedins_code  text    NOT NULL,
    clearing_month  text    NOT NULL CHECK (clearing_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    fund_pay_type   text    NOT NULL CHECK (fund_pay_type IN ('310100', '330100', '390100', '390200', '610100')),
    method          text    NOT NULL CHECK (method IN ('bank', 'advance_offset', 'deposit_kept')),
    amount          bigint  NOT NULL,
    applied         bigint  NOT NULL,
    overpaid        bigint  NOT NULL DEFAULT 0,
    cleared_date    date    NOT NULL,
    bank_ref        text,
    voucher_id      bigint  REFERENCES voucher (voucher_id),
    source          text    NOT NULL DEFAULT '',
    recorded_at     timestamptz NOT NULL,
    CHECK (amount = applied + overpaid AND overpaid >= 0),
    CHECK ((method = 'bank') = (bank_ref IS NOT NULL)),
    CHECK ((method = 'deposit_kept') = (voucher_id IS NULL))
);
CREATE UNIQUE INDEX facility_clearing_bank_ref ON facility_clearing (admdvs, bank_ref) WHERE bank_ref IS NOT NULL;
CREATE FUNCTION facility_advance_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM assert_period_open(NEW.admdvs, to_char(NEW.paid_date, 'YYYY-MM'));
    RETURN NEW;
END
$$;
CREATE TRIGGER facility_advance_guard BEFORE INSERT ON facility_advance FOR EACH ROW EXECUTE FUNCTION facility_advance_guard();
CREATE TRIGGER facility_advance_no_update BEFORE UPDATE OR DELETE ON facility_advance
    FOR EACH ROW EXECUTE FUNCTION refuse_change('post a return instead');

CREATE INDEX facility_clearing_owed ON facility_clearing (admdvs, fixmedins_code, clearing_month, fund_pay_type);

CREATE FUNCTION facility_clearing_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM assert_period_open(NEW.admdvs, to_char(NEW.cleared_date, 'YYYY-MM'));
    RETURN NEW;
END
$$;
CREATE TRIGGER facility_clearing_guard BEFORE INSERT ON facility_clearing FOR EACH ROW EXECUTE FUNCTION facility_clearing_guard();
CREATE TRIGGER facility_clearing_no_update BEFORE UPDATE OR DELETE ON facility_clearing
    FOR EACH ROW EXECUTE FUNCTION refuse_change('record a correcting clearing instead');

-- The monthly settlement statement (定点医疗机构月度结算单), issued when the period closes, per facility, fund and
-- med_type group. Money fen.
CREATE TABLE facility_statement (
    admdvs              text    NOT NULL,
    clearing_month      text    NOT NULL,
    fixmedins_code      text    NOT NULL,
    fund_pay_type       text    NOT NULL,
    med_group           text    NOT NULL CHECK (med_group IN ('住院', '门诊', '慢特病', '生育')),
    claims              bigint  NOT NULL,
    reversals           bigint  NOT NULL,
    medfee_sumamt       bigint  NOT NULL,
    fund_amount         bigint  NOT NULL,
    reversal_amount     bigint  NOT NULL,
    psn_part_amt        bigint  NOT NULL,
    refused_claims      bigint  NOT NULL,
    refused_amount      bigint  NOT NULL,
    quarantined_claims  bigint  NOT NULL,
    quarantined_amount  bigint  NOT NULL,
    deposit_bp          int     NOT NULL,
    deposit_param_id    int     NOT NULL,
    deposit             bigint  NOT NULL,
    advance_offset      bigint  NOT NULL,
    net_to_pay          bigint  NOT NULL,
    issued_at           timestamptz NOT NULL,
    PRIMARY KEY (admdvs, clearing_month, fixmedins_code, fund_pay_type, med_group),
    CHECK (net_to_pay = fund_amount - deposit - advance_offset)
);
CREATE TRIGGER facility_statement_no_update BEFORE UPDATE OR DELETE ON facility_statement
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a statement is issued once, at period close');
CREATE TRIGGER facility_statement_no_truncate BEFORE TRUNCATE ON facility_statement
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('a statement is issued once, at period close');

-- Year-end clearing (年度清算) decisions on the quality deposit, per facility, fund and year.
CREATE TABLE deposit_decision (
    admdvs          text    NOT NULL,
    year            int     NOT NULL,
    fixmedins_code  text    NOT NULL,
    fund_pay_type   text    NOT NULL,
    withheld        bigint  NOT NULL,
    released        bigint  NOT NULL,
    kept            bigint  NOT NULL,
    decided_date    date    NOT NULL,
    decided_by      text    NOT NULL DEFAULT '',
    PRIMARY KEY (admdvs, year, fixmedins_code, fund_pay_type),
    CHECK (withheld = released + kept)
);
CREATE TRIGGER deposit_decision_no_update BEFORE UPDATE OR DELETE ON deposit_decision
    FOR EACH ROW EXECUTE FUNCTION refuse_change('a year-end clearing decision is final');
