-- Seismo results schema, version 9: rethresholding walk-forward and growing runs.
--
-- A walk-forward run keeps each fold's own scores of its training rows, which the fold's
-- threshold was calibrated on (the run's scores of those rows come from the previous fold's
-- model), so `seismo rethreshold` can re-cut the run fold by fold as `detect` cut it. Single fits
-- and ensembles have none: their scores say all.
CREATE TABLE IF NOT EXISTS seismo.fold_scores (
  run         bigint  NOT NULL REFERENCES seismo.runs (id) ON DELETE CASCADE,
  fold        integer NOT NULL CHECK (fold >= 1),
  first_row   integer NOT NULL,                        -- row_no of scores[1]
  calibration integer NOT NULL CHECK (calibration >= 1), -- leading scores that calibrated the threshold
  scores      real[]  NOT NULL,                        -- the fold's model's scores of its training rows
  PRIMARY KEY (run, fold)
);

-- Every score judged by its run's current threshold version: its cut-off (`cut`, NULL: none
-- yet), whether it is flagged and whether it alerts (events, and so alerts, belong to version 1).
-- A per-row version (an adaptive rule) has the cut-offs of the rows it was computed for. Rows
-- appended after it by incremental scoring (`score --new-rows`, `watch`) are judged by the run's
-- own threshold, as they were scored, and say so (threshold_version 1) until `seismo rethreshold`
-- runs again; version 8's anomalies view never flagged them.
DROP VIEW IF EXISTS seismo.anomalies;
CREATE VIEW seismo.judged_scores AS
WITH versioned AS (
  SELECT s.*, v.version,
         CASE WHEN v.run IS NULL THEN s.threshold ELSE coalesce(v.cutoff, v.cutoffs[s.row_no - v.first_row + 1]) END AS cut
  FROM seismo.scores s
  LEFT JOIN seismo.current_thresholds v
    ON v.run = s.run AND (v.cutoff IS NOT NULL OR s.row_no - v.first_row < cardinality(v.cutoffs))
)
SELECT run, row_no, ts, day, part, score, errors, cut, coalesce(version, 1) AS threshold_version,
       CASE WHEN version IS NULL THEN is_anomaly ELSE coalesce(score > cut, false) END AS flagged,
       alert AND version IS NULL AS alerted
FROM versioned;

CREATE VIEW seismo.anomalies AS
SELECT r.run_id, r.detector_plugin, r.indicator, j.ts, j.day, j.score, coalesce(j.cut, r.threshold) AS threshold, j.part,
       (SELECT r.features[i] FROM generate_subscripts(j.errors, 1) AS i ORDER BY j.errors[i] DESC LIMIT 1) AS top_feature,
       j.errors, r.features, r.finished_at, j.alerted AS alert, j.threshold_version
FROM seismo.judged_scores j
JOIN seismo.runs r ON r.id = j.run
WHERE j.flagged;
