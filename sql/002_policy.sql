-- Effective-dated policy parameters, loaded from sql/policy/params.csv by the migrations runner (DESIGN.md "Policy data").
-- A row once shipped never changes: the runner refuses a changed row with an existing id.
CREATE TABLE policy_param (
    id              int     PRIMARY KEY,
    rule_id         text    NOT NULL,
    key             text    NOT NULL,
    qualifier       text    NOT NULL DEFAULT '',
    admdvs          text,
    insutype        text,
    value           bigint  NOT NULL,
    unit            text    NOT NULL CHECK (unit IN ('fen', 'bp', 'months', 'days', 'count', 'flag')),
    effective_from  date    NOT NULL,
    effective_to    date,
    provenance      text    NOT NULL CHECK (provenance IN ('stated', 'derived', 'interpreted', 'assumed')),
    citation        text    NOT NULL DEFAULT '',
    note            text    NOT NULL DEFAULT ''
);
