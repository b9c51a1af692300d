-- Queries analysts run on Seismo's results (schema seismo, see migrations/001_results.sql).

-- Latest anomalies per indicator (or per feature set for multivariate runs).
SELECT DISTINCT ON (coalesce(indicator, array_to_string(features, ',')))
       coalesce(indicator, array_to_string(features, ',')) AS series, ts, score, threshold, top_feature, run_id
FROM seismo.anomalies
ORDER BY coalesce(indicator, array_to_string(features, ',')), ts DESC;

-- Days anomalous for several indicators at once, in the latest `detect --each` fan-out (its runs
-- share a group_id; `day` is the calendar date, the same in every session time zone).
SELECT a.day, count(DISTINCT a.indicator) AS indicators, string_agg(a.indicator || ' (' || a.top_feature || ')', ', ') AS which
FROM seismo.anomalies a
JOIN seismo.runs r ON r.run_id = a.run_id
WHERE r.group_id = (SELECT group_id FROM seismo.runs WHERE group_id IS NOT NULL ORDER BY finished_at DESC LIMIT 1)
GROUP BY a.day
HAVING count(DISTINCT a.indicator) >= 2
ORDER BY a.day;

-- The latest run of each indicator and detector (the seismo.latest_runs view) with its flags.
SELECT l.indicator, l.detector_plugin, l.run_id, a.day, a.score, a.top_feature
FROM seismo.latest_runs l
JOIN seismo.anomalies a ON a.run_id = l.run_id
ORDER BY l.indicator, a.day;

-- Anomalies joined back to the price rows of a wide market table (market.weekly, whose daily or
-- weekly `ts` is a date when `seismo ingest --create` made it).
SELECT a.ts, a.top_feature, a.score, m.*
FROM seismo.anomalies a
JOIN market.weekly m ON m.ts = a.day
WHERE a.run_id = (SELECT run_id FROM seismo.runs ORDER BY finished_at DESC LIMIT 1)
ORDER BY a.score DESC;

-- The features behind each flag of a run, largest error first.
SELECT a.ts, f.feature, f.error
FROM seismo.anomalies a,
     LATERAL unnest(a.features, a.errors) AS f(feature, error)
WHERE a.run_id = (SELECT run_id FROM seismo.runs ORDER BY finished_at DESC LIMIT 1)
ORDER BY a.ts, f.error DESC;

-- Runs compared by anomaly count (test part) with their detector and threshold.
SELECT r.run_id, r.detector_plugin, r.threshold_plugin, r.threshold, r.indicator,
       count(*) FILTER (WHERE s.is_anomaly AND s.part = 'test') AS test_anomalies, r.anomaly_count
FROM seismo.runs r
JOIN seismo.scores s ON s.run = r.id
GROUP BY r.id
ORDER BY test_anomalies DESC;

-- Feature importance of the latest run that computed it.
SELECT feature, rank, mean, std
FROM seismo.feature_importance
WHERE run = (SELECT run FROM seismo.feature_importance ORDER BY run DESC LIMIT 1)
ORDER BY rank;

-- The job queue (seismo jobs, seismo worker): progress of the latest groups.
SELECT group_id, created_at, jobs, queued, running, done, failed, cancelled, last_finished_at
FROM seismo.job_groups
ORDER BY created_at DESC
LIMIT 10;

-- Failed jobs with their last error, and the indicators whose latest job failed.
SELECT j.id, j.group_id, j.indicator, j.attempts, j.max_attempts, j.finished_at, j.last_error
FROM seismo.jobs j
WHERE j.status = 'failed'
ORDER BY j.finished_at DESC
LIMIT 20;

-- Runs of one job group with their anomalies (the group of the latest job by default).
SELECT r.indicator, r.run_id, r.anomaly_count, j.attempts, j.worker
FROM seismo.jobs j
JOIN seismo.runs r ON r.job_id = j.id
WHERE j.group_id = (SELECT group_id FROM seismo.jobs ORDER BY id DESC LIMIT 1)
ORDER BY r.anomaly_count DESC, r.indicator;

-- Runs given other thresholds by `seismo rethreshold`: test-part flags under the run's own
-- threshold (version 1) and under its latest version, side by side.
SELECT r.run_id, r.threshold_plugin, v.plugin AS latest_plugin, j.threshold_version,
       count(*) FILTER (WHERE s.is_anomaly AND s.part = 'test') AS own_flags,
       count(*) FILTER (WHERE j.flagged AND j.part = 'test') AS latest_flags
FROM seismo.runs r
JOIN seismo.current_thresholds v ON v.run = r.id
JOIN seismo.scores s ON s.run = r.id
JOIN seismo.judged_scores j ON j.run = s.run AND j.row_no = s.row_no
GROUP BY r.id, v.plugin, j.threshold_version
ORDER BY r.finished_at DESC;

-- The events of the latest run of each indicator and detector, under each run's latest threshold
-- version (seismo.current_events): one line per episode, where it alerted and what drove its peak.
SELECT e.indicator, e.run_id, e.version, e.start_day, e.end_day, e.alert_ts, e.flagged_rows, e.peak_score, e.top_feature
FROM seismo.latest_runs l
JOIN seismo.current_events e ON e.run_id = l.run_id
ORDER BY e.indicator, e.alert_ts;

-- What the runs warned of, newest first (seismo.warnings): their data's load ('load': a hole in
-- a column, a feature whose data stopped or went stale, rows out of time order), the runs
-- themselves ('run': a model of levels meeting levels outside its training range, a train_until
-- past the data), as detect prints them and workers log them, and what the nightly
-- `score --new-rows` and the watchers warned of as they appended rows (their command's name:
-- restated rows, and the same of the new rows), with the last row scored then (up_to).
SELECT w.run_id, w.indicator, w.warned_at, w.kind, w.up_to, w.message
FROM seismo.warnings w
ORDER BY w.warned_at DESC, w.run_id, w.message
LIMIT 50;

-- Forecasters' skill on their test rows (summary's forecast_skill: the MASE, their mean absolute
-- error over that of repeating each last value), worst first: from 1 they forecast no better
-- than the naive forecast, and from 2 their flags mark mostly where they forecast badly.
SELECT r.run_id, r.indicator, r.finished_at, (r.summary->'forecast_skill'->>'mase')::float8 AS mase,
       (r.summary->'forecast_skill'->>'rows')::int AS test_rows
FROM seismo.runs r
WHERE r.summary ? 'forecast_skill'
ORDER BY mase DESC NULLS LAST, r.finished_at DESC
LIMIT 50;

-- Which members of an ensemble flagged each of its flagged rows, newest first, under each run's
-- latest threshold version: each row keeps every member's own score and cut-off (member_scores,
-- member_cutoffs: member 1 is the config's detector, member k its ensemble's (k − 1)-th), and a
-- row is flagged where some member's score is above its own cut-off. (seismo.flagged_scores is
-- seismo.judged_scores' flagged rows, found through indexes.)
SELECT r.run_id, r.indicator, j.ts, j.score AS margin, m.k AS member,
       CASE WHEN m.k = 1 THEN r.config->'detector' ELSE r.config->'ensemble'->(m.k::int - 2)->'detector' END->>'plugin'
         AS detector,
       m.score, m.cutoff
FROM seismo.runs r
JOIN seismo.flagged_scores j ON j.run = r.id
CROSS JOIN LATERAL unnest(j.member_scores, j.member_cutoffs) WITH ORDINALITY AS m(score, cutoff, k)
WHERE m.score > m.cutoff AND m.score <> 'NaN'  -- NaN (no score yet) sorts above every number
ORDER BY j.ts DESC, r.run_id, m.k
LIMIT 50;
