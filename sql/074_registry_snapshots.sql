-- Registry updates (issue 13, item 4): person rows versioned by snapshot.
--
-- Each persons load is a snapshot with an as_of date (`load --as-of`, else the date in the file's name, else the
-- load's day in China Standard Time). A row whose content differs from the version in force at that date is a new
-- version (person_version, append-only) instead of a refused row; an identical row adds nothing. staging_person keeps
-- the current registry (per key, the version with the latest as_of, then the latest load) for the readers that want
-- "now" (subsidies, assistance applications). A run records the registry it settles against when it starts
-- (registry_snapshot_id: the newest load it may see; registry_as_of: its start date) and reads, per key, the latest
-- version within both bounds — so a resumed run reads exactly what it read before, whatever was loaded since.
CREATE TABLE registry_snapshot (
    snapshot_id     bigserial PRIMARY KEY,
    as_of           date    NOT NULL,
    source_file     text    NOT NULL,
    loaded_at       timestamptz NOT NULL,
    rows_read       bigint  NOT NULL DEFAULT 0,
    rows_new        bigint  NOT NULL DEFAULT 0,
    rows_changed    bigint  NOT NULL DEFAULT 0,
    rows_unchanged  bigint  NOT NULL DEFAULT 0,
    rows_rejected   bigint  NOT NULL DEFAULT 0
);

CREATE TABLE person_version (LIKE staging_person INCLUDING DEFAULTS);
ALTER TABLE person_version
    ADD COLUMN as_of        date   NOT NULL,
    ADD COLUMN snapshot_id  bigint NOT NULL REFERENCES registry_snapshot (snapshot_id),
    ADD PRIMARY KEY (psn_no, year, insutype, snapshot_id);
-- The run's persons stream: psn_no byte order, then the version in force first within a key.
CREATE INDEX person_version_stream ON person_version (psn_no COLLATE "C", year, insutype, as_of DESC, snapshot_id DESC);
CREATE TRIGGER person_version_no_update BEFORE UPDATE OR DELETE ON person_version
    FOR EACH ROW EXECUTE FUNCTION refuse_change('load a new snapshot instead');
CREATE TRIGGER person_version_no_truncate BEFORE TRUNCATE ON person_version
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('load a new snapshot instead');

ALTER TABLE staging_person ADD COLUMN as_of date, ADD COLUMN snapshot_id bigint;
ALTER TABLE run ADD COLUMN registry_snapshot_id bigint, ADD COLUMN registry_as_of date;

-- What was loaded before versions existed: one snapshot per persons file, dated the day it was loaded.
INSERT INTO registry_snapshot (as_of, source_file, loaded_at, rows_read, rows_new)
SELECT min(loaded_at)::date, source_file, min(loaded_at), count(*), count(*)
FROM staging_person GROUP BY source_file ORDER BY min(loaded_at), source_file;
UPDATE staging_person p SET as_of = s.as_of, snapshot_id = s.snapshot_id
FROM registry_snapshot s WHERE s.source_file = p.source_file;
INSERT INTO person_version SELECT * FROM staging_person;
-- Runs made before: they read the registry as it was (every version so far).
UPDATE run SET registry_snapshot_id = (SELECT max(snapshot_id) FROM registry_snapshot), registry_as_of = DATE '2099-12-31'
WHERE registry_snapshot_id IS NULL;
