-- Staging: what upstream systems (or `batchsettle load`) put in. CONTRACT.md Inputs 1 and 2, typed.
-- Codes stay text so an unknown code is a quarantine naming the field at run time, not a load failure.

CREATE TABLE staging_person (
    psn_no                  text    NOT NULL,
    admdvs                  text    NOT NULL,
    insutype                text    NOT NULL,
    brdy                    date    NOT NULL,
    year                    int     NOT NULL,
    enrol_kind              text    NOT NULL,
    paid_date               date    NOT NULL,
    prev_cover_end          date,
    broken_years            int,
    repaired_years          int,
    continuous_years        int,
    zero_claim_years        int,
    large_amount_paid_date  date,
    hardship                text,
    assistance_subsidised   bool,
    psn_hash                int     NOT NULL,
    source_file             text    NOT NULL,
    source_line             int     NOT NULL,
    loaded_at               timestamptz NOT NULL,
    PRIMARY KEY (psn_no, year)
);

CREATE TABLE staging_claim (
    claim_seq           bigserial PRIMARY KEY,
    batch_id            text    NOT NULL,
    setl_id             text    NOT NULL UNIQUE,
    psn_no              text    NOT NULL,
    admdvs              text    NOT NULL,
    insutype            text    NOT NULL,
    med_type            text    NOT NULL,
    fixmedins_code      text    NOT NULL,
    hosp_lv             text    NOT NULL,
    fac_kind            text    NOT NULL,
    designated          bool    NOT NULL,
    setting             text    NOT NULL,
    in_province         bool    NOT NULL,
    transfer_from_lv    text,
    begndate            date    NOT NULL,
    enddate             date    NOT NULL,
    bed_days            int,
    dise_codg           text,
    special_dise        text,
    excl_cause          text,
    emergency           bool,
    approved            bool,
    -- Unconstrained numeric: a value with more than two decimals is kept and quarantined by the run.
    medfee_sumamt       numeric NOT NULL,
    fulamt_ownpay_amt   numeric NOT NULL,
    overlmt_selfpay     numeric NOT NULL,
    preselfpay_amt      numeric NOT NULL,
    inscp_scp_amt       numeric NOT NULL,
    reversal_of         text,
    psn_hash            int     NOT NULL,
    source_file         text    NOT NULL,
    source_line         int     NOT NULL,
    loaded_at           timestamptz NOT NULL
);

-- The run streams a partition in (psn_no, enddate, setl_id) order.
CREATE INDEX staging_claim_batch_order ON staging_claim (batch_id, psn_no, enddate, setl_id);
CREATE INDEX staging_claim_reversal_of ON staging_claim (reversal_of) WHERE reversal_of IS NOT NULL;

-- Rows the loader could not type. Unique per file line and field so that loading a file twice adds nothing.
CREATE TABLE staging_reject (
    reject_id       bigserial PRIMARY KEY,
    kind            text    NOT NULL CHECK (kind IN ('person', 'claim')),
    batch_id        text,
    setl_id         text,
    psn_no          text,
    source_file     text    NOT NULL,
    source_line     int     NOT NULL,
    field           text    NOT NULL,
    reason          text    NOT NULL,
    loaded_at       timestamptz NOT NULL,
    UNIQUE (source_file, source_line, field, reason)
);
CREATE INDEX staging_reject_batch ON staging_reject (batch_id);
