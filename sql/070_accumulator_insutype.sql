-- (v2) POLICY.md EL-01, two rows in one year: a resident who joins employee insurance has a 390 and a 310 row, and the
-- two rows keep separate §6/§7 running totals (admission counts, pooled cap, chronic limits, 大病 / 大额), while the §8
-- assistance totals and the §9 early-warning burden and alerts are the person's across both rows. Accumulators are
-- therefore keyed (psn_no, year, insutype) like staging_person (041). Each row carries the whole slot array; the
-- person-level slots (AccSlot.PersonLevel: assist_base .. alerts_raised) are kept equal in every row of the person-year
-- by whoever writes them (the runner, the YK-MA-09 grant).
--
-- Existing rows were written under the old key, one row per person-year. Each gets the insutype of the person's
-- registry row of that year (of the next year for an EL-05 / EL-02 student's previous-autumn claims; '390' when the
-- registry has neither). A person-year whose registry has both insutypes had its totals mixed by the old key; the row
-- is copied to both insutypes, the nearest the stored data allows (a fresh deployment has no such rows).
ALTER TABLE accumulator ADD COLUMN insutype text COLLATE "C";

UPDATE accumulator a SET insutype = coalesce(
    (SELECT min(p.insutype) FROM staging_person p WHERE p.psn_no = a.psn_no AND p.year = a.year),
    (SELECT min(p.insutype) FROM staging_person p WHERE p.psn_no = a.psn_no AND p.year = a.year + 1),
    '390');

-- The old key goes first: the copy below is a second row of the same (psn_no, year).
ALTER TABLE accumulator DROP CONSTRAINT accumulator_pkey;

INSERT INTO accumulator (psn_no, year, insutype, acc, run_id)
SELECT a.psn_no, a.year, p.insutype, a.acc, a.run_id
FROM accumulator a
JOIN (SELECT DISTINCT psn_no, year, insutype FROM staging_person) p
  ON p.psn_no = a.psn_no AND p.year = a.year AND p.insutype <> a.insutype;

ALTER TABLE accumulator ALTER COLUMN insutype SET NOT NULL;
ALTER TABLE accumulator ADD PRIMARY KEY (psn_no, year, insutype);
