-- CONTRACT.md v2: the optional input columns (a v1 file loads unchanged and reads as the defaults), the persons key
-- (psn_no, year, insutype) so a resident who joins employee insurance has a 390 and a 310 row for the year (POLICY
-- EL-01), and the run's count of settlements that used a "stated (superseded text)" parameter (POLICY.md preamble).
ALTER TABLE staging_person
    ADD COLUMN university        bool NOT NULL DEFAULT false,
    ADD COLUMN maternity_insured bool NOT NULL DEFAULT true,
    ADD COLUMN arrears_from      date,
    ADD COLUMN arrears_paid      date;
ALTER TABLE staging_person DROP CONSTRAINT staging_person_pkey;
ALTER TABLE staging_person ADD PRIMARY KEY (psn_no, year, insutype);

ALTER TABLE staging_claim
    ADD COLUMN dise_qualified  bool NOT NULL DEFAULT false,
    ADD COLUMN high_value_drug bool NOT NULL DEFAULT false;

ALTER TABLE settlement_result ADD COLUMN superseded_params bool NOT NULL DEFAULT false;
ALTER TABLE run ADD COLUMN superseded_params bigint NOT NULL DEFAULT 0;
