-- One trigger function for every append-only table instead of four near-identical copies (migrations 005, 012, 013,
-- 014): the table's own advice is the trigger's argument. Messages keep their wording ("<table> is append-only: <op>
-- refused (<advice>)") and their error code (insufficient_privilege; audit_action's trigger raised a plain error
-- before and now has the same code as the others).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused%', TG_TABLE_NAME, TG_OP,
        CASE WHEN TG_NARGS > 0 THEN ' (' || TG_ARGV[0] || ')' ELSE '' END
        USING ERRCODE = 'insufficient_privilege';
END
$$;

DROP TRIGGER ledger_line_no_update ON ledger_line;
DROP TRIGGER ledger_line_no_truncate ON ledger_line;
CREATE TRIGGER ledger_line_no_update BEFORE UPDATE OR DELETE ON ledger_line
    FOR EACH ROW EXECUTE FUNCTION refuse_change('post a reversing entry instead');
CREATE TRIGGER ledger_line_no_truncate BEFORE TRUNCATE ON ledger_line
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('post a reversing entry instead');
DROP FUNCTION ledger_line_append_only();

DROP TRIGGER audit_action_no_update ON audit_action;
DROP TRIGGER audit_action_no_truncate ON audit_action;
CREATE TRIGGER audit_action_no_update BEFORE UPDATE OR DELETE ON audit_action
    FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit trail is kept as written');
CREATE TRIGGER audit_action_no_truncate BEFORE TRUNCATE ON audit_action
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit trail is kept as written');
DROP FUNCTION audit_action_append_only();

DROP TRIGGER premium_subsidy_no_update ON premium_subsidy;
DROP TRIGGER premium_subsidy_no_truncate ON premium_subsidy;
CREATE TRIGGER premium_subsidy_no_update BEFORE UPDATE OR DELETE ON premium_subsidy
    FOR EACH ROW EXECUTE FUNCTION refuse_change('its ledger entry is posted');
CREATE TRIGGER premium_subsidy_no_truncate BEFORE TRUNCATE ON premium_subsidy
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('its ledger entry is posted');
DROP FUNCTION premium_subsidy_append_only();

DROP TRIGGER assistance_application_no_update ON assistance_application;
DROP TRIGGER assistance_application_no_truncate ON assistance_application;
CREATE TRIGGER assistance_application_no_update BEFORE UPDATE OR DELETE ON assistance_application
    FOR EACH ROW EXECUTE FUNCTION refuse_change('its ledger entry is posted');
CREATE TRIGGER assistance_application_no_truncate BEFORE TRUNCATE ON assistance_application
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('its ledger entry is posted');
DROP FUNCTION assistance_application_append_only();
