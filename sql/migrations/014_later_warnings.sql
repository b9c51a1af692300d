-- Seismo results schema, version 14: warnings given after a run was stored. `seismo score
-- --new-rows` and `seismo watch` append rows to a stored run and may warn as they do: of rows
-- the run scored that have changed in the table since (restated), or of a model of levels meeting
-- levels outside its training range. Each warning is stored with the rows it came with, in the
-- same transaction, so an unattended run's warnings are in the database as well as in a log.
-- `command` is the command that warned, `up_to` the run's last scored time after that batch.
-- `seismo runs show` lists them under `later_warnings`. The view `seismo.warnings` lists every
-- warning of every run in one place, with `kind` saying whose it is: 'load' (its data's load,
-- summary.json's source.warnings), 'run' (the run's own, its warnings; both at the run's end),
-- or the later command's; `seismo runs list` counts a run's rows of it.
CREATE TABLE IF NOT EXISTS seismo.run_warnings (
  id        bigserial   PRIMARY KEY,
  run       bigint      NOT NULL REFERENCES seismo.runs (id) ON DELETE CASCADE,
  warned_at timestamptz NOT NULL DEFAULT now(),
  command   text        NOT NULL,
  up_to     timestamptz,
  message   text        NOT NULL
);
CREATE INDEX IF NOT EXISTS run_warnings_run ON seismo.run_warnings (run, id);

CREATE OR REPLACE VIEW seismo.warnings AS
SELECT r.id AS run, r.run_id, r.indicator, r.finished_at AS warned_at, 'load'::text AS kind,
       NULL::timestamptz AS up_to, w.message
FROM seismo.runs r
CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(r.summary -> 'source' -> 'warnings', '[]'::jsonb)) AS w(message)
UNION ALL
SELECT r.id, r.run_id, r.indicator, r.finished_at, 'run', NULL, w.message
FROM seismo.runs r
CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(r.summary -> 'warnings', '[]'::jsonb)) AS w(message)
UNION ALL
SELECT r.id, r.run_id, r.indicator, w.warned_at, w.command, w.up_to, w.message
FROM seismo.run_warnings w JOIN seismo.runs r ON r.id = w.run;
