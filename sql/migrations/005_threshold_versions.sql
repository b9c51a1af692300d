-- Seismo results schema, version 5: thresholds change without retraining. Raw scores are always
-- stored; `seismo rethreshold` adds a version with another rule or parameters, computed from
-- those scores. Version 1 is the run's own (seismo.scores.threshold and is_anomaly); the
-- anomalies view uses each run's latest version.
CREATE TABLE IF NOT EXISTS seismo.threshold_versions (
  run        bigint      NOT NULL REFERENCES seismo.runs (id) ON DELETE CASCADE,
  version    integer     NOT NULL CHECK (version >= 2),
  plugin     text        NOT NULL,
  parameters jsonb       NOT NULL,
  cutoff     real,                  -- the same cut-off for every row; NULL when they differ
  first_row  integer     NOT NULL,  -- row_no of cutoffs[1]
  cutoffs    real[],                -- per-row cut-offs (NULL: none yet); NULL when `cutoff` holds
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run, version)
);

CREATE OR REPLACE VIEW seismo.current_thresholds AS
SELECT DISTINCT ON (run) * FROM seismo.threshold_versions ORDER BY run, version DESC;

-- Every flagged row under its run's current threshold version, with that version's cut-off.
-- Events (and `alert`) belong to version 1.
DROP VIEW IF EXISTS seismo.anomalies;
CREATE VIEW seismo.anomalies AS
WITH judged AS (
  SELECT s.*, v.version,
         CASE WHEN v.run IS NULL THEN s.threshold ELSE coalesce(v.cutoff, v.cutoffs[s.row_no - v.first_row + 1]) END AS cut
  FROM seismo.scores s
  LEFT JOIN seismo.current_thresholds v ON v.run = s.run
)
SELECT r.run_id, r.detector_plugin, r.indicator, j.ts, j.day, j.score, coalesce(j.cut, r.threshold) AS threshold, j.part,
       (SELECT r.features[i] FROM generate_subscripts(j.errors, 1) AS i ORDER BY j.errors[i] DESC LIMIT 1) AS top_feature,
       j.errors, r.features, r.finished_at, j.alert AND j.version IS NULL AS alert,
       coalesce(j.version, 1) AS threshold_version
FROM judged j
JOIN seismo.runs r ON r.id = j.run
WHERE CASE WHEN j.version IS NULL THEN j.is_anomaly ELSE j.score > j.cut END;

-- What a fixed cut-off would flag in a run, straight from its stored scores:
--   SELECT * FROM seismo.flagged_at('20261124-101500-ab12', 2.5);
CREATE OR REPLACE FUNCTION seismo.flagged_at(p_run_id text, p_cutoff real)
RETURNS TABLE (ts timestamptz, day date, score real, part text, top_feature text)
LANGUAGE sql STABLE AS $$
  SELECT s.ts, s.day, s.score, s.part,
         (SELECT r.features[i] FROM generate_subscripts(s.errors, 1) AS i ORDER BY s.errors[i] DESC LIMIT 1)
  FROM seismo.scores s
  JOIN seismo.runs r ON r.id = s.run
  WHERE r.run_id = p_run_id AND s.score > p_cutoff
  ORDER BY s.ts
$$;
