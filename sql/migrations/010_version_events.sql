-- Seismo results schema, version 10: every threshold version has its own events.
--
-- `seismo rethreshold` stores the events of the flags it re-cut, under its version number, so a
-- run's alerts follow its latest version as its flags do (before, events and alerts belonged to
-- version 1 and a later version never alerted). Incremental scoring (`score --new-rows`,
-- `watch`) extends the events of the run's latest version: the events of the rows as
-- `judged_scores` judges them. A version added before this migration has no events
-- (`has_events` false) and its rows' `alerted` is NULL, unknown: run `seismo rethreshold` again.
ALTER TABLE seismo.events ADD COLUMN IF NOT EXISTS version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE seismo.events DROP CONSTRAINT IF EXISTS events_pkey;
ALTER TABLE seismo.events ADD PRIMARY KEY (run, version, start_ts);
ALTER TABLE seismo.threshold_versions ADD COLUMN IF NOT EXISTS has_events boolean NOT NULL DEFAULT false;
ALTER TABLE seismo.threshold_versions ALTER COLUMN has_events SET DEFAULT true;  -- false: the versions before

CREATE OR REPLACE VIEW seismo.current_thresholds AS
SELECT DISTINCT ON (run) * FROM seismo.threshold_versions ORDER BY run, version DESC;

-- As in version 9, and `alerted` now comes from the events of the run's latest version (version
-- 1's alert marks in seismo.scores when it has no other; NULL when that version has no events).
CREATE OR REPLACE VIEW seismo.judged_scores AS
WITH versioned AS (
  SELECT s.*, c.version AS latest, c.has_events AS latest_has_events,
         c.run IS NOT NULL AND (c.cutoff IS NOT NULL OR s.row_no - c.first_row < cardinality(c.cutoffs)) AS by_latest,
         coalesce(c.cutoff, c.cutoffs[s.row_no - c.first_row + 1]) AS latest_cut
  FROM seismo.scores s
  LEFT JOIN seismo.current_thresholds c ON c.run = s.run
)
SELECT j.run, j.row_no, j.ts, j.day, j.part, j.score, j.errors,
       CASE WHEN j.by_latest THEN j.latest_cut ELSE j.threshold END AS cut,
       CASE WHEN j.by_latest THEN j.latest ELSE 1 END AS threshold_version,
       CASE WHEN j.by_latest THEN coalesce(j.score > j.latest_cut, false) ELSE j.is_anomaly END AS flagged,
       CASE WHEN j.latest IS NULL THEN j.alert WHEN j.latest_has_events THEN e.run IS NOT NULL END AS alerted
FROM versioned j
LEFT JOIN seismo.events e ON e.run = j.run AND e.version = j.latest AND e.alert_ts = j.ts;

-- Each run's events under its latest threshold version.
CREATE VIEW seismo.current_events AS
SELECT r.run_id, r.indicator, e.*
FROM seismo.events e
JOIN seismo.runs r ON r.id = e.run
LEFT JOIN seismo.current_thresholds c ON c.run = e.run
WHERE e.version = coalesce(c.version, 1);
