-- Seismo results schema, version 14: warnings given after a run was stored. `seismo score
-- --new-rows` and `seismo watch` append rows to a stored run and may warn as they do: of rows
-- the run scored that have changed in the table since (restated), or of a model of levels meeting
-- levels outside its training range. Each warning is stored with the rows it came with, in the
-- same transaction, so an unattended run's warnings are in the database as well as in a log.
-- `command` is the command that warned, `up_to` the run's last scored time after that batch.
-- `seismo runs list` counts them with the run's own warnings (summary.json's), and
-- `seismo runs show` lists them under `later_warnings`.
CREATE TABLE IF NOT EXISTS seismo.run_warnings (
  id        bigserial   PRIMARY KEY,
  run       bigint      NOT NULL REFERENCES seismo.runs (id) ON DELETE CASCADE,
  warned_at timestamptz NOT NULL DEFAULT now(),
  command   text        NOT NULL,
  up_to     timestamptz,
  message   text        NOT NULL
);
CREATE INDEX IF NOT EXISTS run_warnings_run ON seismo.run_warnings (run, id);
