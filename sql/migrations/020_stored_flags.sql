-- Seismo results schema, version 20: a per-row threshold version keeps whether it flags each row,
-- and a run's anomalies are found through indexes. `seismo.anomalies WHERE run_id = …` read every
-- row of the run (judging each by its latest version), however few it flagged: over a second at
-- 1,000,000 rows, whatever the run's version (`scripts/bench-rethreshold.sh`).
--
-- `threshold_cutoffs.flagged` is the row's score under the version (its margin, when the version
-- has one) above its cut-off, as PostgreSQL compares reals; the writer computes it as it stores
-- the cut-off, and this migration computes it for the cut-offs stored before. NOT NULL without a
-- default: an earlier build, which does not write it, fails to store cut-offs rather than store
-- them unflagged. `judged_scores` takes a per-row version's flag from it.
--
-- `flagged_scores` is `judged_scores`' flagged rows, each found by an index: those judged by the
-- run's own threshold (`scores.is_anomaly`, index `scores_anomalies`), those above a version's one
-- cut-off (the run's rows read, as before), and those a per-row version flags (index
-- `threshold_cutoffs_flagged`). `anomalies` reads it.
ALTER TABLE seismo.threshold_cutoffs ADD COLUMN IF NOT EXISTS flagged boolean;
UPDATE seismo.threshold_cutoffs c SET flagged = coalesce(coalesce(c.margin, s.score) > c.cut, false)
FROM seismo.scores s WHERE s.run = c.run AND s.row_no = c.row_no;
UPDATE seismo.threshold_cutoffs SET flagged = false WHERE flagged IS NULL;  -- a cut-off without its score
ALTER TABLE seismo.threshold_cutoffs ALTER COLUMN flagged SET NOT NULL;
COMMENT ON COLUMN seismo.threshold_cutoffs.flagged IS
  'whether the version flags the row: its score (margin, when not NULL) above its cut-off, as PostgreSQL compares reals';
CREATE INDEX IF NOT EXISTS threshold_cutoffs_flagged ON seismo.threshold_cutoffs (run, version, row_no) WHERE flagged;

CREATE OR REPLACE VIEW seismo.judged_scores AS
SELECT s.run, s.row_no, s.ts, s.day, s.part,
       CASE WHEN c.by_latest AND p.margin IS NOT NULL THEN p.margin ELSE s.score END AS score,
       s.errors,
       CASE WHEN c.by_latest THEN c.cut ELSE s.threshold END AS cut,
       CASE WHEN c.by_latest THEN v.version ELSE 1 END AS threshold_version,
       CASE WHEN c.by_latest THEN coalesce(p.flagged, s.score > v.cutoff, false) ELSE s.is_anomaly END AS flagged,
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

-- The columns of `judged_scores` but `flagged`, in its order, then the run's that `anomalies`
-- shows. Each branch joins the run, so that a condition on the run (`run_id = …`, `indicator`)
-- narrows each branch's read: the planner does not carry a join's key into the branches of a
-- UNION ALL, and joined to `runs` outside it, `flagged_scores` was read whole for one run.
CREATE OR REPLACE VIEW seismo.flagged_scores AS
-- Flagged by the run's own threshold: the run has no later version, or its per-row version does
-- not cover the row.
SELECT s.run, s.row_no, s.ts, s.day, s.part, s.score, s.errors, s.threshold AS cut, 1 AS threshold_version,
       CASE WHEN v.version IS NULL THEN s.alert WHEN v.has_events THEN e.run IS NOT NULL END AS alerted,
       s.member_scores, s.member_cutoffs,
       r.run_id, r.indicator, r.detector_plugin, r.features, r.finished_at, r.threshold AS run_threshold
FROM seismo.scores s
JOIN seismo.runs r ON r.id = s.run
LEFT JOIN seismo.current_thresholds v ON v.run = s.run
LEFT JOIN seismo.events e ON e.run = s.run AND e.alert_ts = s.ts AND e.version = v.version
WHERE s.is_anomaly AND (v.cutoff IS NOT NULL OR s.row_no - v.first_row < v.cutoff_count) IS NOT TRUE
UNION ALL
-- Above the latest version's one cut-off.
SELECT s.run, s.row_no, s.ts, s.day, s.part, s.score, s.errors, v.cutoff, v.version,
       CASE WHEN v.has_events THEN e.run IS NOT NULL END,
       s.member_scores, s.member_cutoffs,
       r.run_id, r.indicator, r.detector_plugin, r.features, r.finished_at, r.threshold
FROM seismo.current_thresholds v
JOIN seismo.runs r ON r.id = v.run
JOIN seismo.scores s ON s.run = v.run
LEFT JOIN seismo.events e ON e.run = s.run AND e.alert_ts = s.ts AND e.version = v.version
WHERE v.cutoff IS NOT NULL AND s.score > v.cutoff
UNION ALL
-- Flagged by the latest version's own cut-off of the row.
SELECT s.run, s.row_no, s.ts, s.day, s.part, coalesce(p.margin, s.score), s.errors, p.cut, v.version,
       CASE WHEN v.has_events THEN e.run IS NOT NULL END,
       s.member_scores, coalesce(p.member_cutoffs, s.member_cutoffs),
       r.run_id, r.indicator, r.detector_plugin, r.features, r.finished_at, r.threshold
FROM seismo.current_thresholds v
JOIN seismo.runs r ON r.id = v.run
JOIN seismo.threshold_cutoffs p ON p.run = v.run AND p.version = v.version
JOIN seismo.scores s ON s.run = p.run AND s.row_no = p.row_no
-- By the cut-off's version (the latest): joined to it before the latest was known, the planner
-- read every event of the run for each row.
LEFT JOIN seismo.events e ON e.run = p.run AND e.alert_ts = s.ts AND e.version = p.version
WHERE p.flagged AND v.cutoff IS NULL AND p.row_no - v.first_row < v.cutoff_count;

CREATE OR REPLACE VIEW seismo.anomalies AS
SELECT run_id, detector_plugin, indicator, ts, day, score, coalesce(cut, run_threshold) AS threshold, part,
       (SELECT features[k] FROM unnest(errors) WITH ORDINALITY AS e(error, k) ORDER BY error DESC, k LIMIT 1) AS top_feature,
       errors, features, finished_at, alerted AS alert, threshold_version
FROM seismo.flagged_scores;
