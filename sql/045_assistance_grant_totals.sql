-- YK-MA-09 grants feed the year's assistance running totals (docs/INTERPRETATIONS.md §8 "YK-MA-09"): a granted
-- application adds its per-calendar-year basic and tilted amounts to that person-year's accumulator slots
-- assist_basic_paid and assist_tilt_paid, in the transaction that posts the grant, so that every claim settled after it
-- sees the year's caps used by it (YK-MA-03: everything paid in the year counts against the cap). Claims already settled
-- are not touched. This table is the record of what each grant added, one row per calendar year of its window: the
-- audit trail of the accumulator change and the "already paid in the year" of a later application.

CREATE TABLE assistance_application_year (
    application_id  bigint  NOT NULL REFERENCES assistance_application (application_id),
    psn_no          text    NOT NULL,
    year            int     NOT NULL,
    -- Fen, as the grant's explanation attributes them to this calendar year; added to the accumulator slots.
    basic           bigint  NOT NULL CHECK (basic >= 0),
    tilted          bigint  NOT NULL CHECK (tilted >= 0),
    PRIMARY KEY (application_id, year)
);
CREATE INDEX assistance_application_year_psn ON assistance_application_year (psn_no, year);

CREATE TRIGGER assistance_application_year_no_update BEFORE UPDATE OR DELETE ON assistance_application_year
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the accumulator was moved by it');
CREATE TRIGGER assistance_application_year_no_truncate BEFORE TRUNCATE ON assistance_application_year
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the accumulator was moved by it');
