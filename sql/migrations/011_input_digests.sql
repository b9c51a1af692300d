-- Seismo results schema, version 11: each score keeps a digest of the input row it scored.
--
-- Incremental scoring (`score --new-rows`, `watch` as it starts) compares each stored row's
-- digest with the row as the table holds it now, and names the rows changed since they were
-- scored (a vendor's restated print): their stored scores used the old values. Scores stored
-- before this migration have none (NULL) and are not compared.
ALTER TABLE seismo.scores ADD COLUMN IF NOT EXISTS input_digest integer;
