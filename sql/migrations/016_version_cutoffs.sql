-- Seismo results schema, version 16: a per-row threshold version keeps its cut-offs a row each,
-- in `threshold_cutoffs`, found by the scores' key. Until now they were one array in
-- `threshold_versions.cutoffs`, and `judged_scores` took each row's as `cutoffs[row]`: PostgreSQL
-- read the whole array (kept compressed, out of line) again for every row, so reading a run, and
-- `seismo rethreshold`, took time in the square of its rows: 3.5 s for one run's anomalies at
-- 40,000 rows (`scripts/bench-rethreshold.sh`), and a rethreshold of 1,000,000 rows had not
-- finished after 10 minutes. The cut-offs of existing versions move to the new table;
-- `cutoffs` stays, NULL (dropping it would mean dropping the views built on the table, and any
-- of a user's own). `cutoff_count` keeps how many cut-offs a version has. The views give the
-- same rows as before.
CREATE TABLE IF NOT EXISTS seismo.threshold_cutoffs (
  run     bigint  NOT NULL,
  version integer NOT NULL,
  row_no  integer NOT NULL,
  cut     real,               -- NULL: no cut-off for the row (never flagged)
  -- A row's cut-offs of every version side by side: a row's lookup by (run, row_no) finds them
  -- whether the version is known before or after.
  PRIMARY KEY (run, row_no, version),
  FOREIGN KEY (run, version) REFERENCES seismo.threshold_versions (run, version) ON DELETE CASCADE
);

ALTER TABLE seismo.threshold_versions ADD COLUMN IF NOT EXISTS cutoff_count integer;

INSERT INTO seismo.threshold_cutoffs (run, version, row_no, cut)
SELECT v.run, v.version, v.first_row + u.k::integer - 1, u.cut
FROM seismo.threshold_versions v
CROSS JOIN LATERAL unnest(v.cutoffs) WITH ORDINALITY AS u(cut, k);

UPDATE seismo.threshold_versions SET cutoff_count = cardinality(cutoffs), cutoffs = NULL WHERE cutoffs IS NOT NULL;

COMMENT ON COLUMN seismo.threshold_versions.cutoffs IS 'empty since schema version 16: see seismo.threshold_cutoffs';
COMMENT ON COLUMN seismo.threshold_versions.cutoff_count IS
  'how many per-row cut-offs the version has in seismo.threshold_cutoffs, from row first_row on; NULL when cutoff holds';

-- `SELECT v.*` took the columns there were; again, with `cutoff_count`.
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
