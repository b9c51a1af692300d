-- Seismo results schema, version 3: calendar days that stay days. `ts` is a timestamptz, so a
-- daily row stored at UTC midnight reads back as the previous evening in a session west of UTC.
-- `day` is the row's calendar date in UTC, whatever the session's time zone: query daily series
-- by `day`, intraday ones by `ts`.
ALTER TABLE seismo.scores ADD COLUMN IF NOT EXISTS day date GENERATED ALWAYS AS ((ts AT TIME ZONE 'UTC')::date) STORED;
ALTER TABLE seismo.events ADD COLUMN IF NOT EXISTS start_day date GENERATED ALWAYS AS ((start_ts AT TIME ZONE 'UTC')::date) STORED;
ALTER TABLE seismo.events ADD COLUMN IF NOT EXISTS end_day date GENERATED ALWAYS AS ((end_ts AT TIME ZONE 'UTC')::date) STORED;

DROP VIEW IF EXISTS seismo.anomalies;
CREATE VIEW seismo.anomalies AS
SELECT r.run_id, r.detector_plugin, r.indicator, s.ts, s.day, s.score, coalesce(s.threshold, r.threshold) AS threshold,
       s.part,
       (SELECT r.features[i] FROM generate_subscripts(s.errors, 1) AS i ORDER BY s.errors[i] DESC LIMIT 1) AS top_feature,
       s.errors, r.features, r.finished_at, s.alert
FROM seismo.scores s
JOIN seismo.runs r ON r.id = s.run
WHERE s.is_anomaly;
