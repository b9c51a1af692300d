-- Seismo results schema, version 12: each run keeps digests of its warm-up rows.
--
-- A run's first rows (a window's worth of history) have no score, so migration 11's digests,
-- kept with the scores, could not tell when one of them changed; yet the scores of the rows
-- whose windows hold it used its old value. `warmup_digests` holds one digest per warm-up row,
-- in row order, and incremental scoring names such a row when it is restated. Runs stored
-- before this migration have none (NULL) and their warm-up rows are not compared.
ALTER TABLE seismo.runs ADD COLUMN IF NOT EXISTS warmup_digests integer[];
