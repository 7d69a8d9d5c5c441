-- One closed-period guard for the tables whose period is the month of one of their date columns (review of 060).
-- Migration 060 had two copies of the same function, facility_advance_guard() (paid_date) and
-- facility_clearing_guard() (cleared_date); this is one function that takes the column's name as the trigger's
-- argument (TG_ARGV[0]). SECURITY DEFINER like every period guard (060), so a runtime role that does not own the
-- tables can neither skip nor disable it. 060 is not edited (it has shipped).
CREATE FUNCTION posting_date_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE d date;
BEGIN
    IF TG_NARGS <> 1 THEN
        RAISE EXCEPTION 'posting_date_guard on %: needs the date column''s name as its one argument', TG_TABLE_NAME;
    END IF;
    -- The row as JSON: the column is named at run time (these tables take one row per payment, not a COPY).
    d := (to_jsonb(NEW) ->> TG_ARGV[0])::date;
    IF d IS NULL THEN
        RAISE EXCEPTION '%: column % is missing or NULL, so the row has no accounting period', TG_TABLE_NAME, TG_ARGV[0]
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM assert_period_open(NEW.admdvs, to_char(d, 'YYYY-MM'));
    RETURN NEW;
END
$$;

DROP TRIGGER facility_advance_guard ON facility_advance;
CREATE TRIGGER facility_advance_guard BEFORE INSERT ON facility_advance
    FOR EACH ROW EXECUTE FUNCTION posting_date_guard('paid_date');
DROP TRIGGER facility_clearing_guard ON facility_clearing;
CREATE TRIGGER facility_clearing_guard BEFORE INSERT ON facility_clearing
    FOR EACH ROW EXECUTE FUNCTION posting_date_guard('cleared_date');
DROP FUNCTION facility_advance_guard();
DROP FUNCTION facility_clearing_guard();
