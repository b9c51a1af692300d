-- Seismo results schema, version 2: every scored row keeps its own cut-off (adaptive threshold
-- rules give each row its own), the row where an event alerts is marked, and events are stored.
ALTER TABLE seismo.scores ADD COLUMN IF NOT EXISTS threshold real;   -- NULL: no cut-off yet
ALTER TABLE seismo.scores ADD COLUMN IF NOT EXISTS alert boolean NOT NULL DEFAULT false;
ALTER TABLE seismo.runs ALTER COLUMN threshold DROP NOT NULL;       -- NULL: the rule had too few scores

-- One row per event: a group of flagged rows (see the run's events section).
CREATE TABLE IF NOT EXISTS seismo.events (
  run          bigint      NOT NULL REFERENCES seismo.runs (id) ON DELETE CASCADE,
  start_ts     timestamptz NOT NULL,
  end_ts       timestamptz NOT NULL,
  alert_ts     timestamptz NOT NULL,
  flagged_rows integer     NOT NULL,
  peak_score   real        NOT NULL,
  top_feature  text        NOT NULL,
  part         text        NOT NULL CHECK (part IN ('train', 'test')),
  PRIMARY KEY (run, start_ts)
);

-- Every flagged row with its run, its own cut-off and the feature that drove it.
DROP VIEW IF EXISTS seismo.anomalies;
CREATE VIEW seismo.anomalies AS
SELECT r.run_id, r.detector_plugin, r.indicator, s.ts, s.score, coalesce(s.threshold, r.threshold) AS threshold, s.part,
       (SELECT r.features[i] FROM generate_subscripts(s.errors, 1) AS i ORDER BY s.errors[i] DESC LIMIT 1) AS top_feature,
       s.errors, r.features, r.finished_at, s.alert
FROM seismo.scores s
JOIN seismo.runs r ON r.id = s.run
WHERE s.is_anomaly;
