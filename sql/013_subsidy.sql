-- Premium subsidies (POLICY.md §11, rule PS-01): the medical assistance fund (610100) pays part of a hardship person's
-- resident premium. Posted by `batchsettle subsidies --year Y --admdvs A` (Data/Subsidies/SubsidyPoster), exactly once
-- per person-year: the primary key is the guard, the ledger entry is posted in the same transaction as the row.

-- One posting run of one region-year. run_id draws from the claim runs' sequence (run_run_id_seq), so a run id names
-- exactly one run, of a claim batch or of subsidies, and ledger_line.run_id stays unambiguous.
CREATE TABLE subsidy_run (
    run_id              bigint  PRIMARY KEY DEFAULT nextval('run_run_id_seq'),
    admdvs              text    NOT NULL,
    year                int     NOT NULL,
    -- ledger_line.batch_id of the run's entries: 'subsidy-<admdvs>-<year>' (never a claim batch id).
    batch_id            text    NOT NULL,
    requested_by        text    NOT NULL DEFAULT '',
    posted_at           timestamptz NOT NULL,
    -- Counters of the run (person-years of resident persons with a hardship identity in staging_person).
    considered          bigint  NOT NULL DEFAULT 0,
    posted              bigint  NOT NULL DEFAULT 0,
    already_posted      bigint  NOT NULL DEFAULT 0,
    no_subsidy          bigint  NOT NULL DEFAULT 0,
    missing_param       bigint  NOT NULL DEFAULT 0,
    bad_input           bigint  NOT NULL DEFAULT 0,
    total               bigint  NOT NULL DEFAULT 0
);
CREATE INDEX subsidy_run_region_year ON subsidy_run (admdvs, year);

CREATE TABLE premium_subsidy (
    psn_no              text    NOT NULL,
    year                int     NOT NULL,
    admdvs              text    NOT NULL,
    -- The most favourable identity held on identity_date (one category only, 就高不重复).
    category            text    NOT NULL CHECK (category IN ('T', 'O', 'D', 'E', 'F', 'M', 'N', 'I', 'S')),
    rule_id             text    NOT NULL,
    -- The date identities and parameters were resolved on: paid_date clamped into the insurance year.
    identity_date       date    NOT NULL,
    premium             bigint  NOT NULL,
    pct_bp              int     NOT NULL,
    -- Fen. amount = round_half_up(premium × pct_bp / 10000); city + county = amount (Benxi: county 0, no split).
    amount              bigint  NOT NULL CHECK (amount > 0),
    city_amount         bigint  NOT NULL,
    county_amount       bigint  NOT NULL,
    pct_param_id        int     NOT NULL,
    premium_param_id    int,
    -- The city share parameter (ps.city_bp) when the region splits the funding; null = no split.
    split_param_id      int,
    assumed_params      bool    NOT NULL,
    entry_id            bigint  NOT NULL UNIQUE,
    run_id              bigint  NOT NULL REFERENCES subsidy_run (run_id),
    posted_at           timestamptz NOT NULL,
    PRIMARY KEY (psn_no, year),
    CONSTRAINT split_adds_up CHECK (city_amount >= 0 AND county_amount >= 0 AND city_amount + county_amount = amount)
);
CREATE INDEX premium_subsidy_region_year ON premium_subsidy (admdvs, year);
CREATE INDEX premium_subsidy_run ON premium_subsidy (run_id);

-- Append-only, like the ledger it mirrors: the row is the exactly-once guard of a posted entry, so deleting it would
-- let a rerun pay the same person-year twice.
CREATE FUNCTION premium_subsidy_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'premium_subsidy is append-only: % refused (its ledger entry is posted)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER premium_subsidy_no_update BEFORE UPDATE OR DELETE ON premium_subsidy
    FOR EACH ROW EXECUTE FUNCTION premium_subsidy_append_only();
CREATE TRIGGER premium_subsidy_no_truncate BEFORE TRUNCATE ON premium_subsidy
    FOR EACH STATEMENT EXECUTE FUNCTION premium_subsidy_append_only();
