-- Year-to-date accumulators per person and year (positional bigint[], names in accumulator_slot) and alerts.
CREATE TABLE accumulator (
    psn_no      text    NOT NULL,
    year        int     NOT NULL,
    acc         bigint[] NOT NULL,
    run_id      bigint  NOT NULL,
    PRIMARY KEY (psn_no, year)
);

CREATE TABLE accumulator_slot (
    idx     int     PRIMARY KEY,
    name    text    NOT NULL
);

CREATE TABLE alert (
    psn_no                  text    NOT NULL,
    year                    int     NOT NULL,
    threshold               bigint  NOT NULL,
    ytd_personal_burden     bigint  NOT NULL,
    triggered_by_setl_id    text    NOT NULL,
    run_id                  bigint  NOT NULL,
    PRIMARY KEY (psn_no, year, threshold)
);
CREATE INDEX alert_run ON alert (run_id);
