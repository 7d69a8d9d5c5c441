-- The fund ledger (POLICY.md §10, CONTRACT.md Output 2): append-only double-entry journal, one row per line.
-- entry_id of a claim's entry is its staging claim_seq (deterministic, so a resumed run posts exactly what an
-- uninterrupted one would); other entries (subsidies) draw from ledger_entry_seq, which starts far above.
CREATE SEQUENCE ledger_entry_seq START WITH 1000000000000000;

CREATE TABLE ledger_line (
    entry_id        bigint  NOT NULL,
    line_no         int     NOT NULL,
    setl_id         text,
    run_id          bigint  NOT NULL,
    batch_id        text    NOT NULL,
    kind            text    NOT NULL CHECK (kind IN ('settlement', 'reversal', 'subsidy')),
    posted_at       timestamptz NOT NULL,
    account         text    NOT NULL,
    fund_pay_type   text,
    fixmedins_code  text,
    debit           bigint  NOT NULL DEFAULT 0,
    credit          bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX ledger_line_batch ON ledger_line (batch_id);
CREATE INDEX ledger_line_run ON ledger_line (run_id);

CREATE FUNCTION ledger_line_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_line is append-only: % refused (post a reversing entry instead)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER ledger_line_no_update BEFORE UPDATE OR DELETE ON ledger_line
    FOR EACH ROW EXECUTE FUNCTION ledger_line_append_only();
CREATE TRIGGER ledger_line_no_truncate BEFORE TRUNCATE ON ledger_line
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_line_append_only();
