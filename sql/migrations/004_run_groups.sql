-- Seismo results schema, version 4: runs that belong together. Every run of one `detect --each`
-- fan-out shares a `group_id` (NULL for a single run), so "the latest fan-out" and "days flagged
-- by several indicators at once" are questions about one group.
ALTER TABLE seismo.runs ADD COLUMN IF NOT EXISTS group_id text;
CREATE INDEX IF NOT EXISTS runs_group ON seismo.runs (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS runs_finished ON seismo.runs (finished_at);

-- The latest run for each indicator, detector and source (one row per kind of run).
CREATE OR REPLACE VIEW seismo.latest_runs AS
SELECT DISTINCT ON (coalesce(indicator, ''), detector_plugin, source_plugin)
       id, run_id, group_id, indicator, detector_plugin, threshold_plugin, source_plugin, anomaly_count, finished_at
FROM seismo.runs
ORDER BY coalesce(indicator, ''), detector_plugin, source_plugin, finished_at DESC, id DESC;
