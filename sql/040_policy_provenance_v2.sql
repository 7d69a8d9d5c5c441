-- POLICY.md v2: the provenance label "stated (superseded text)" (a number found only in seed 000's old-text column),
-- and `supersedes`: a row that corrects an older row's label or citation for the same number names it. The older row
-- stays (a shipped row never changes) and keeps explaining the settlements made under it; it no longer resolves.
ALTER TABLE policy_param DROP CONSTRAINT policy_param_provenance_check;
ALTER TABLE policy_param ADD CONSTRAINT policy_param_provenance_check
    CHECK (provenance IN ('stated', 'derived', 'interpreted', 'assumed', 'stated (superseded text)'));
ALTER TABLE policy_param ADD COLUMN supersedes int REFERENCES policy_param (id);
ALTER TABLE policy_param ADD CONSTRAINT policy_param_supersedes_older CHECK (supersedes < id);
CREATE UNIQUE INDEX policy_param_superseded_once ON policy_param (supersedes) WHERE supersedes IS NOT NULL;
