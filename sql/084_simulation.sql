-- Policy simulation (issue 15): "what would this policy change cost?" A simulation re-settles a region-year's staged
-- claims twice, under the policy in force (side 0, baseline) and under policy + a draft parameter file (side 1,
-- draft), writing only here. Nothing real is read for write: results, ledger, accumulators, alerts and runs stay as
-- they are. The per-claim tables are UNLOGGED (cheap to write, lost on a crash: a simulation is re-run, never
-- recovered) and `simulate --drop ID` deletes a simulation's rows.
CREATE TABLE simulation (
    sim_id          bigserial   PRIMARY KEY,
    name            text        NOT NULL,
    admdvs          text        NOT NULL,
    year            int         NOT NULL,
    through         date        NOT NULL,
    draft_file      text        NOT NULL,
    draft_csv       text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    error           text,
    claims          bigint      NOT NULL DEFAULT 0,
    baseline_ms     bigint      NOT NULL DEFAULT 0,
    draft_ms        bigint      NOT NULL DEFAULT 0,
    report          jsonb
);

-- One row per claim and side: settlement_result's columns (sim_id in place of run_id) plus the side.
CREATE UNLOGGED TABLE sim_result (
    sim_id              bigint  NOT NULL,
    side                int     NOT NULL CHECK (side IN (0, 1)),
    claim_seq           bigint  NOT NULL,
    setl_id             text    NOT NULL,
    psn_no              text    NOT NULL,
    batch_id            text    NOT NULL,
    admdvs              text    NOT NULL,
    insutype            text    NOT NULL,
    med_type            text    NOT NULL,
    fixmedins_code      text    NOT NULL,
    year                int,
    status              text    NOT NULL,
    reason              text,
    medfee_sumamt       bigint,
    fulamt_ownpay_amt   bigint,
    overlmt_selfpay     bigint,
    preselfpay_amt      bigint,
    inscp_scp_amt       bigint,
    act_pay_dedc        bigint  NOT NULL,
    hifp_pay            bigint  NOT NULL,
    pool_prop_bp        int     NOT NULL,
    hifmi_pay           bigint  NOT NULL,
    hifob_pay           bigint  NOT NULL,
    maf_pay             bigint  NOT NULL,
    maf_tilted_pay      bigint  NOT NULL,
    fund_pay_sumamt     bigint  NOT NULL,
    psn_part_amt        bigint  NOT NULL,
    assumed_params      bool    NOT NULL,
    reversal_of         text,
    alert_threshold     bigint  NOT NULL,
    acc_delta           bigint[],
    trace               text,
    superseded_params   bool    NOT NULL,
    PRIMARY KEY (sim_id, side, claim_seq)
);

-- Early-warning alerts each side would raise (one per person, year and threshold is applied when reported).
CREATE UNLOGGED TABLE sim_alert (
    sim_id      bigint  NOT NULL,
    side        int     NOT NULL CHECK (side IN (0, 1)),
    psn_no      text    NOT NULL,
    year        int     NOT NULL,
    threshold   bigint  NOT NULL,
    burden      bigint  NOT NULL,
    setl_id     text    NOT NULL
);
CREATE INDEX sim_alert_sim ON sim_alert (sim_id, side);
