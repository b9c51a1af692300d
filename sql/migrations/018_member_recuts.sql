-- Seismo results schema, version 18: a threshold version of an ensemble's run can re-cut its
-- members' own scores (`seismo rethreshold RUN --set ensemble[K].threshold.KEY=VALUE`).
--
-- An ensemble's stored score is its margin over its members' cut-offs, so a member's new rule
-- changes the scores, not only the cut-off: such a version keeps, beside each row's cut-off in
-- `threshold_cutoffs`, the row's margin under the new cut-offs and each member's cut-off. NULL in
-- every other version, whose rows are judged by their stored score. `judged_scores` takes a row's
-- score from its latest version when that version has one, and gives the members' scores and
-- cut-offs last (which members flag a row: `member_scores[k] > member_cutoffs[k]`).
--
-- A walk-forward ensemble's members each keep their folds' own training scores
-- (`fold_scores.member`, from 1 in the config's order; 1 for one detector, as every row before),
-- from which `rethreshold` re-cuts each member fold by fold, as it re-cuts one detector.
ALTER TABLE seismo.fold_scores ADD COLUMN IF NOT EXISTS member integer NOT NULL DEFAULT 1 CHECK (member >= 1);
ALTER TABLE seismo.fold_scores DROP CONSTRAINT fold_scores_pkey;
ALTER TABLE seismo.fold_scores ADD PRIMARY KEY (run, member, fold);
COMMENT ON COLUMN seismo.fold_scores.member IS
  'the ensemble member whose fold these are (from 1, in the config''s order); 1 for one detector';

ALTER TABLE seismo.threshold_cutoffs ADD COLUMN IF NOT EXISTS margin real;
ALTER TABLE seismo.threshold_cutoffs ADD COLUMN IF NOT EXISTS member_cutoffs real[];
COMMENT ON COLUMN seismo.threshold_cutoffs.margin IS
  'an ensemble''s margin of the row under a version that re-cut its members (its members'' new cut-offs); NULL: the stored score';
COMMENT ON COLUMN seismo.threshold_cutoffs.member_cutoffs IS
  'an ensemble''s members'' cut-offs of the row under a version that re-cut its members (Infinity: none yet); NULL: the stored ones';

CREATE OR REPLACE VIEW seismo.judged_scores AS
SELECT s.run, s.row_no, s.ts, s.day, s.part,
       CASE WHEN c.by_latest AND p.margin IS NOT NULL THEN p.margin ELSE s.score END AS score,
       s.errors,
       CASE WHEN c.by_latest THEN c.cut ELSE s.threshold END AS cut,
       CASE WHEN c.by_latest THEN v.version ELSE 1 END AS threshold_version,
       CASE WHEN c.by_latest THEN coalesce(coalesce(p.margin, s.score) > c.cut, false) ELSE s.is_anomaly END AS flagged,
       CASE WHEN v.version IS NULL THEN s.alert WHEN v.has_events THEN e.run IS NOT NULL END AS alerted,
       s.member_scores,
       CASE WHEN c.by_latest AND p.member_cutoffs IS NOT NULL THEN p.member_cutoffs ELSE s.member_cutoffs END
         AS member_cutoffs
FROM seismo.scores s
LEFT JOIN seismo.current_thresholds v ON v.run = s.run
-- The latest version's cut-off of this row, when it has one per row.
LEFT JOIN seismo.threshold_cutoffs p ON p.run = s.run AND p.version = v.version AND p.row_no = s.row_no
-- Whether the latest version has a cut-off for this row (a per-row version covers the rows it
-- was computed for), and which.
CROSS JOIN LATERAL (
  SELECT v.cutoff IS NOT NULL OR s.row_no - v.first_row < v.cutoff_count AS by_latest,
         coalesce(v.cutoff, p.cut) AS cut
) c
-- The latest version's event that alerts on this row, if any (`events_alerts` finds it).
LEFT JOIN seismo.events e ON e.run = s.run AND e.alert_ts = s.ts AND e.version = v.version;
