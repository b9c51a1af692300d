-- Seismo results schema, version 1. Applied by `seismo db migrate`; safe to run again.
CREATE SCHEMA IF NOT EXISTS seismo;

-- One row per detection run (or per indicator of a for_each run).
CREATE TABLE IF NOT EXISTS seismo.runs (
  id               bigserial PRIMARY KEY,
  run_id           text        NOT NULL UNIQUE,
  status           text        NOT NULL DEFAULT 'finished',
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL DEFAULT now(),
  source_plugin    text        NOT NULL,
  detector_plugin  text        NOT NULL,
  threshold_plugin text        NOT NULL,
  indicator        text,                -- the indicator of a per-indicator run, else NULL
  features         text[]      NOT NULL,
  threshold        real        NOT NULL,
  train_rows       integer     NOT NULL,
  test_rows        integer     NOT NULL,
  anomaly_count    integer     NOT NULL,
  config           jsonb       NOT NULL, -- the validated config: every plugin and parameter
  summary          jsonb       NOT NULL, -- summary.json of the run
  timings          jsonb       NOT NULL  -- seconds per stage
);

-- One row per scored input row. errors[i] is the error of features[i] of the run.
-- `run` has no foreign key: a per-row key check costs about 5 µs a row, more than the rest of the
-- COPY, and the sink writes a run's scores only inside the transaction that inserts the run.
-- Deleting a run still deletes its scores (trigger below).
CREATE TABLE IF NOT EXISTS seismo.scores (
  run      bigint      NOT NULL,
  row_no   integer     NOT NULL,
  ts       timestamptz NOT NULL,
  part     text        NOT NULL CHECK (part IN ('train', 'test')),
  score    real        NOT NULL,
  is_anomaly boolean   NOT NULL,
  errors   real[]      NOT NULL,
  PRIMARY KEY (run, row_no)
);
CREATE INDEX IF NOT EXISTS scores_anomalies ON seismo.scores (run, ts) WHERE is_anomaly;

CREATE OR REPLACE FUNCTION seismo.delete_run_scores() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM seismo.scores WHERE run = OLD.id;
  RETURN OLD;
END $$;
DROP TRIGGER IF EXISTS runs_delete_scores ON seismo.runs;
CREATE TRIGGER runs_delete_scores AFTER DELETE ON seismo.runs
  FOR EACH ROW EXECUTE FUNCTION seismo.delete_run_scores();

CREATE TABLE IF NOT EXISTS seismo.feature_importance (
  run     bigint           NOT NULL REFERENCES seismo.runs (id) ON DELETE CASCADE,
  feature text             NOT NULL,
  rank    integer          NOT NULL,
  mean    double precision NOT NULL,
  std     double precision NOT NULL,
  PRIMARY KEY (run, feature)
);

-- A saved model (the same bytes as `detect --save-model`), when the sink is asked to keep it.
CREATE TABLE IF NOT EXISTS seismo.models (
  run   bigint PRIMARY KEY REFERENCES seismo.runs (id) ON DELETE CASCADE,
  model bytea  NOT NULL
);

-- Every flagged row with its run and the feature that drove it.
CREATE OR REPLACE VIEW seismo.anomalies AS
SELECT r.run_id, r.detector_plugin, r.indicator, s.ts, s.score, r.threshold, s.part,
       (SELECT r.features[i] FROM generate_subscripts(s.errors, 1) AS i ORDER BY s.errors[i] DESC LIMIT 1) AS top_feature,
       s.errors, r.features, r.finished_at
FROM seismo.scores s
JOIN seismo.runs r ON r.id = s.run
WHERE s.is_anomaly;
