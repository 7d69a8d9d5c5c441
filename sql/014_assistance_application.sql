-- YK-MA-09 (POLICY.md §8; 营政办发〔2022〕23号 第十三条): a category-I person (因病致贫重病患者) is assisted on application,
-- once, for the personal burden of the 12 months before the application date. Decided by
-- `batchsettle assist-apply --psn P --date D` (Data/Assistance/AssistanceApplicationService): every decision is a row;
-- a granted one posts one balanced ledger entry (kind assistance_application, 610100) in the same transaction.

CREATE TABLE assistance_application (
    -- Draws from the runs' sequence, like subsidy_run: the id is also ledger_line.run_id of the entry.
    application_id      bigint  PRIMARY KEY DEFAULT nextval('run_run_id_seq'),
    psn_no              text    NOT NULL,
    admdvs              text    NOT NULL,
    application_date    date    NOT NULL,
    -- Start of the category-I identity the application was decided under (null: not held); the identity period.
    identity_start      date,
    status              text    NOT NULL CHECK (status IN ('granted', 'refused')),
    reason              text,
    -- Fen. total = basic + tilted; a refused application is all zero.
    basic               bigint  NOT NULL DEFAULT 0,
    tilted              bigint  NOT NULL DEFAULT 0,
    total               bigint  NOT NULL DEFAULT 0,
    window_from         date,
    window_to           date,
    assumed_params      bool    NOT NULL DEFAULT false,
    -- The explanation, one step a line (rule, what, base → amount, parameters with provenance).
    trace               text    NOT NULL,
    entry_id            bigint  UNIQUE,
    decided_at          timestamptz NOT NULL,
    CONSTRAINT application_adds_up CHECK (total = basic + tilted AND basic >= 0 AND tilted >= 0),
    CONSTRAINT granted_has_entry CHECK (
        (status = 'granted' AND entry_id IS NOT NULL AND total > 0 AND identity_start IS NOT NULL)
        OR (status = 'refused' AND entry_id IS NULL AND total = 0 AND reason IS NOT NULL))
);
-- "Once": at most one granted application per person and category-I identity period.
CREATE UNIQUE INDEX assistance_application_once ON assistance_application (psn_no, identity_start)
    WHERE status = 'granted';
CREATE INDEX assistance_application_psn ON assistance_application (psn_no, application_date);

-- Append-only like the ledger it mirrors: deleting a granted row would let a second application be paid.
CREATE FUNCTION assistance_application_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assistance_application is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER assistance_application_no_update BEFORE UPDATE OR DELETE ON assistance_application
    FOR EACH ROW EXECUTE FUNCTION assistance_application_append_only();
CREATE TRIGGER assistance_application_no_truncate BEFORE TRUNCATE ON assistance_application
    FOR EACH STATEMENT EXECUTE FUNCTION assistance_application_append_only();

-- The ledger learns the new kind (a constraint change, not an edit of 005).
ALTER TABLE ledger_line DROP CONSTRAINT ledger_line_kind_check;
ALTER TABLE ledger_line ADD CONSTRAINT ledger_line_kind_check
    CHECK (kind IN ('settlement', 'reversal', 'subsidy', 'assistance_application'));
