-- Settlement results (CONTRACT.md Output 1; money bigint fen) and quarantine.
CREATE TABLE settlement_result (
    setl_id             text    PRIMARY KEY,
    psn_no              text    NOT NULL,
    batch_id            text    NOT NULL,
    admdvs              text    NOT NULL,
    insutype            text    NOT NULL,
    med_type            text    NOT NULL,
    fixmedins_code      text    NOT NULL,
    year                int,
    status              text    NOT NULL CHECK (status IN ('settled', 'rejected', 'quarantined')),
    reason              text,
    -- Input amounts; null on a quarantined row whose amount is not a valid fen amount.
    medfee_sumamt       bigint,
    fulamt_ownpay_amt   bigint,
    overlmt_selfpay     bigint,
    preselfpay_amt      bigint,
    inscp_scp_amt       bigint,
    act_pay_dedc        bigint  NOT NULL DEFAULT 0,
    hifp_pay            bigint  NOT NULL DEFAULT 0,
    pool_prop_bp        int     NOT NULL DEFAULT 0,
    hifmi_pay           bigint  NOT NULL DEFAULT 0,
    hifob_pay           bigint  NOT NULL DEFAULT 0,
    maf_pay             bigint  NOT NULL DEFAULT 0,
    maf_tilted_pay      bigint  NOT NULL DEFAULT 0,
    fund_pay_sumamt     bigint  NOT NULL DEFAULT 0,
    psn_part_amt        bigint  NOT NULL DEFAULT 0,
    assumed_params      bool    NOT NULL DEFAULT false,
    reversal_of         text,
    alert_threshold     bigint  NOT NULL DEFAULT 0,
    -- Accumulators after − before, positional as accumulator_slot; what a reversal subtracts.
    acc_delta           bigint[],
    trace               text,
    run_id              bigint  NOT NULL REFERENCES run (run_id),
    CONSTRAINT settled_identities CHECK (status <> 'settled' OR (
        fund_pay_sumamt = hifp_pay + hifmi_pay + hifob_pay + maf_pay
        AND psn_part_amt = medfee_sumamt - fund_pay_sumamt))
);
CREATE INDEX settlement_result_batch ON settlement_result (batch_id);
CREATE INDEX settlement_result_run ON settlement_result (run_id);
-- A claim is reversed at most once.
CREATE UNIQUE INDEX settlement_result_one_reversal ON settlement_result (reversal_of)
    WHERE reversal_of IS NOT NULL AND status = 'settled';

CREATE TABLE quarantine (
    quarantine_id   bigserial PRIMARY KEY,
    setl_id         text,
    batch_id        text    NOT NULL,
    run_id          bigint  NOT NULL REFERENCES run (run_id),
    source_file     text,
    source_line     int,
    field           text    NOT NULL,
    reason          text    NOT NULL
);
CREATE INDEX quarantine_batch ON quarantine (batch_id);
