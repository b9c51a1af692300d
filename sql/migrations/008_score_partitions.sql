-- Seismo results schema, version 8: scores partitioned by run, 1,000 runs a partition
-- (seismo.scores_from_0, seismo.scores_from_1000, …), so writing stays fast as runs accumulate
-- and deleting old runs drops whole partitions instead of deleting rows. The sink creates a
-- partition the first time a run needs it (seismo.score_partition_for); seismo.delete_runs
-- deletes runs and drops the partitions left without any run.
CREATE OR REPLACE FUNCTION seismo.score_partition_runs() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT 1000::bigint';

DROP VIEW IF EXISTS seismo.anomalies;
ALTER TABLE seismo.scores RENAME TO scores_unpartitioned;
ALTER INDEX seismo.scores_pkey RENAME TO scores_unpartitioned_pkey;
ALTER INDEX seismo.scores_anomalies RENAME TO scores_unpartitioned_anomalies;

CREATE TABLE seismo.scores (
  run        bigint      NOT NULL,
  row_no     integer     NOT NULL,
  ts         timestamptz NOT NULL,
  part       text        NOT NULL CHECK (part IN ('train', 'test')),
  score      real        NOT NULL,
  is_anomaly boolean     NOT NULL,
  errors     real[]      NOT NULL,
  threshold  real,
  alert      boolean     NOT NULL DEFAULT false,
  day        date        GENERATED ALWAYS AS ((ts AT TIME ZONE 'UTC')::date) STORED,
  PRIMARY KEY (run, row_no)
) PARTITION BY RANGE (run);
CREATE INDEX scores_anomalies ON seismo.scores (run, ts) WHERE is_anomaly;

-- The partition that holds run p_run's scores, created when missing; returns its name.
CREATE OR REPLACE FUNCTION seismo.score_partition_for(p_run bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo bigint := p_run - p_run % seismo.score_partition_runs();
  name text := 'scores_from_' || lo;
BEGIN
  IF to_regclass('seismo.' || quote_ident(name)) IS NULL THEN
    PERFORM pg_advisory_xact_lock(8117319);  -- one creator at a time
    BEGIN
      EXECUTE format('CREATE TABLE IF NOT EXISTS seismo.%I PARTITION OF seismo.scores FOR VALUES FROM (%s) TO (%s)',
                     name, lo, lo + seismo.score_partition_runs());
    EXCEPTION WHEN duplicate_table OR unique_violation THEN
      NULL;  -- another transaction created it meanwhile
    END;
  END IF;
  RETURN name;
END $$;

SELECT seismo.score_partition_for(d.run) FROM (SELECT DISTINCT run FROM seismo.scores_unpartitioned) AS d;
INSERT INTO seismo.scores (run, row_no, ts, part, score, is_anomaly, errors, threshold, alert)
SELECT run, row_no, ts, part, score, is_anomaly, errors, threshold, alert FROM seismo.scores_unpartitioned;
DROP TABLE seismo.scores_unpartitioned;

-- Deletes runs p_ids (their scores, events, importance, models and threshold versions with
-- them). A partition none of whose runs is left is dropped whole; the newest partition, which
-- new runs may still land in, is kept. Returns the number of partitions dropped.
CREATE OR REPLACE FUNCTION seismo.delete_runs(p_ids bigint[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  p record;
  dropped integer := 0;
  newest bigint := (SELECT last_value FROM seismo.runs_id_seq);
  size bigint := seismo.score_partition_runs();
BEGIN
  FOR p IN
    SELECT c.relname, (regexp_match(c.relname, '^scores_from_(\d+)$'))[1]::bigint AS lo
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'seismo.scores'::regclass
  LOOP
    IF p.lo IS NOT NULL AND p.lo + size <= newest
       AND NOT EXISTS (SELECT 1 FROM seismo.runs WHERE id >= p.lo AND id < p.lo + size AND id <> ALL (p_ids)) THEN
      EXECUTE format('DROP TABLE seismo.%I', p.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  DELETE FROM seismo.runs WHERE id = ANY (p_ids);
  RETURN dropped;
END $$;

-- The anomalies view of version 5, on the partitioned table.
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
