-- A posted premium subsidy (POLICY.md §11, PS-01) can be corrected (docs/DESIGN.md "Ledger postings", POLICY.md §10
-- LG-01: "a correction is a reversing entry ... plus a new entry, never an update"). Both tables stay append-only.
--   * A red-ink reversal (红字冲销): one premium_subsidy_reversal row per reversed posting (its key is the guard: a
--     posting is reversed at most once), with the exact negation of the posting's amounts and one ledger entry of kind
--     subsidy_reversal whose lines are the original entry's lines, same accounts and sides, amounts negated.
--   * A repost: a new premium_subsidy row of the same person-year with the next posting_no, allowed only when the
--     previous posting is reversed (trigger below), posted like any subsidy (kind subsidy, its own subsidy_run).
-- Written by Data/Subsidies/SubsidyCorrection (`batchsettle subsidies --reverse / --repost`).

ALTER TABLE premium_subsidy ADD COLUMN posting_no int NOT NULL DEFAULT 1 CHECK (posting_no >= 1);
ALTER TABLE premium_subsidy DROP CONSTRAINT premium_subsidy_pkey;
ALTER TABLE premium_subsidy ADD PRIMARY KEY (psn_no, year, posting_no);

CREATE TABLE premium_subsidy_reversal (
    -- The reversed posting.
    psn_no              text    NOT NULL,
    year                int     NOT NULL,
    posting_no          int     NOT NULL,
    admdvs              text    NOT NULL,
    category            text    NOT NULL,
    -- Fen, the exact negation of the posting's amount, city_amount and county_amount.
    amount              bigint  NOT NULL CHECK (amount < 0),
    city_amount         bigint  NOT NULL CHECK (city_amount <= 0),
    county_amount       bigint  NOT NULL CHECK (county_amount <= 0),
    original_entry_id   bigint  NOT NULL UNIQUE REFERENCES premium_subsidy (entry_id),
    -- The red-ink entry; ledger_line.run_id of its lines is correction_id (drawn from the runs' sequence).
    entry_id            bigint  NOT NULL UNIQUE,
    correction_id       bigint  NOT NULL UNIQUE DEFAULT nextval('run_run_id_seq'),
    reason              text    NOT NULL CHECK (btrim(reason) <> ''),
    requested_by        text    NOT NULL DEFAULT '',
    posted_at           timestamptz NOT NULL,
    PRIMARY KEY (psn_no, year, posting_no),
    FOREIGN KEY (psn_no, year, posting_no) REFERENCES premium_subsidy (psn_no, year, posting_no),
    CONSTRAINT reversal_adds_up CHECK (city_amount + county_amount = amount)
);
CREATE INDEX premium_subsidy_reversal_region_year ON premium_subsidy_reversal (admdvs, year);

-- The reversal is the exact negation of the posting it names.
CREATE FUNCTION premium_subsidy_reversal_exact() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s premium_subsidy%ROWTYPE;
BEGIN
    SELECT * INTO s FROM premium_subsidy
    WHERE psn_no = NEW.psn_no AND year = NEW.year AND posting_no = NEW.posting_no;
    IF NOT FOUND OR s.entry_id <> NEW.original_entry_id OR s.admdvs <> NEW.admdvs OR s.category <> NEW.category
       OR NEW.amount <> -s.amount OR NEW.city_amount <> -s.city_amount OR NEW.county_amount <> -s.county_amount THEN
        RAISE EXCEPTION 'premium_subsidy_reversal of % % posting %: not the exact negation of that posting',
            NEW.psn_no, NEW.year, NEW.posting_no USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER premium_subsidy_reversal_exact BEFORE INSERT ON premium_subsidy_reversal
    FOR EACH ROW EXECUTE FUNCTION premium_subsidy_reversal_exact();

-- Repost only after reversal: posting n + 1 of a person-year needs posting n reversed.
CREATE FUNCTION premium_subsidy_repost_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.posting_no > 1 AND NOT EXISTS (
        SELECT 1 FROM premium_subsidy_reversal v
        WHERE v.psn_no = NEW.psn_no AND v.year = NEW.year AND v.posting_no = NEW.posting_no - 1) THEN
        RAISE EXCEPTION 'premium_subsidy % %: posting % needs posting % reversed first',
            NEW.psn_no, NEW.year, NEW.posting_no, NEW.posting_no - 1 USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER premium_subsidy_repost_guard BEFORE INSERT ON premium_subsidy
    FOR EACH ROW EXECUTE FUNCTION premium_subsidy_repost_guard();

CREATE TRIGGER premium_subsidy_reversal_no_update BEFORE UPDATE OR DELETE ON premium_subsidy_reversal
    FOR EACH ROW EXECUTE FUNCTION refuse_change('its ledger entry is posted');
CREATE TRIGGER premium_subsidy_reversal_no_truncate BEFORE TRUNCATE ON premium_subsidy_reversal
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('its ledger entry is posted');

-- The ledger learns the new kind (a constraint change, not an edit of 005 / 014).
ALTER TABLE ledger_line DROP CONSTRAINT ledger_line_kind_check;
ALTER TABLE ledger_line ADD CONSTRAINT ledger_line_kind_check
    CHECK (kind IN ('settlement', 'reversal', 'subsidy', 'assistance_application', 'subsidy_reversal'));
