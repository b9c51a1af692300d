-- Seismo results schema, version 15: reading one run reads that run's rows. `seismo.anomalies`
-- and `seismo.judged_scores` asked for one run (`WHERE run_id = …`, or joined to seismo.runs on
-- a run id) read every score of every run: the latest threshold version was found for all runs
-- at once (DISTINCT ON), which the planner could not narrow to the run, and the events were
-- matched to every score. Now one run's rows are read through the scores' (run, row_no) key:
-- on 1,000 runs of 361 scores, 0.8 ms instead of 97 for one run's anomalies, 1.2 instead of 278
-- for its judged scores, while a scan of every run's anomalies takes 1.3 times as long (119 ms
-- instead of 93), by `scripts/bench-sql-reads.sh`. The views give the same rows as before.
--
-- `current_thresholds` keeps a version when no later one of its run exists (the rows of version
-- 10's DISTINCT ON), which the planner joins like a table, and `judged_scores` joins each score
-- to its run's latest version and to that version's event alerting on the row.
CREATE INDEX IF NOT EXISTS events_alerts ON seismo.events (run, version, alert_ts);

CREATE OR REPLACE VIEW seismo.current_thresholds AS
SELECT v.* FROM seismo.threshold_versions v
WHERE NOT EXISTS (SELECT 1 FROM seismo.threshold_versions w WHERE w.run = v.run AND w.version > v.version);

CREATE OR REPLACE VIEW seismo.judged_scores AS
SELECT s.run, s.row_no, s.ts, s.day, s.part, s.score, s.errors,
       CASE WHEN c.by_latest THEN c.cut ELSE s.threshold END AS cut,
       CASE WHEN c.by_latest THEN v.version ELSE 1 END AS threshold_version,
       CASE WHEN c.by_latest THEN coalesce(s.score > c.cut, false) ELSE s.is_anomaly END AS flagged,
       CASE WHEN v.version IS NULL THEN s.alert WHEN v.has_events THEN e.run IS NOT NULL END AS alerted
FROM seismo.scores s
LEFT JOIN seismo.current_thresholds v ON v.run = s.run
-- Whether the latest version has a cut-off for this row (a per-row version covers the rows it
-- was computed for), and which.
CROSS JOIN LATERAL (
  SELECT v.cutoff IS NOT NULL OR s.row_no - v.first_row < cardinality(v.cutoffs) AS by_latest,
         coalesce(v.cutoff, v.cutoffs[s.row_no - v.first_row + 1]) AS cut
) c
-- The latest version's event that alerts on this row, if any (`events_alerts` finds it).
LEFT JOIN seismo.events e ON e.run = s.run AND e.alert_ts = s.ts AND e.version = v.version;
