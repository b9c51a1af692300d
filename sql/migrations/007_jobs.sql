-- Seismo results schema, version 7: a job queue that workers on many machines share.
-- `seismo jobs enqueue` (or `SELECT seismo.enqueue(...)`, e.g. from pg_cron) adds jobs;
-- `seismo worker` claims them with FOR UPDATE SKIP LOCKED, holds a lease it renews while it
-- works, and writes the run and marks the job done in one transaction. A job whose lease runs
-- out (its worker was killed) is claimed again; failures are retried with back-off up to
-- max_attempts, then the job is failed with its last error.
CREATE TABLE IF NOT EXISTS seismo.jobs (
  id           bigserial   PRIMARY KEY,
  group_id     text        NOT NULL,              -- shared by the jobs of one enqueue; the runs get it too
  indicator    text,                              -- the one indicator the job runs; NULL: the whole config
  config       jsonb       NOT NULL,              -- the run config (validated by `seismo jobs enqueue`; no passwords)
  status       text        NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  attempts     integer     NOT NULL DEFAULT 0,    -- claims so far
  max_attempts integer     NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  run_after    timestamptz NOT NULL DEFAULT now(),-- not claimed before this (retry back-off)
  lease_until  timestamptz,                       -- a running job's lease; past it, any worker may claim it
  worker       text,                              -- host:pid:tag of the worker that claimed it last
  run_id       text,                              -- the run it wrote (status done)
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
CREATE INDEX IF NOT EXISTS jobs_queued ON seismo.jobs (run_after, id) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS jobs_leased ON seismo.jobs (lease_until) WHERE status = 'running';
CREATE INDEX IF NOT EXISTS jobs_group ON seismo.jobs (group_id);

-- The job a run was written by: at most one run per job, whatever happens to the workers.
ALTER TABLE seismo.runs ADD COLUMN IF NOT EXISTS job_id bigint UNIQUE;

-- Enqueues one job per indicator of p_indicators (one job for the whole config when NULL or
-- empty) under group p_group (a new id when NULL), wakes idle workers (NOTIFY seismo_jobs) and
-- returns the group id. Workers check the config again when they claim a job; one that does not
-- validate ends failed with the reason.
CREATE OR REPLACE FUNCTION seismo.enqueue(
  p_config jsonb, p_indicators text[] DEFAULT NULL, p_max_attempts integer DEFAULT 3, p_group text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  g text := coalesce(p_group,
    'jobs-' || to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYYMMDD-HH24MISS') || '-' || substr(md5(random()::text), 1, 4));
BEGIN
  IF p_indicators IS NULL OR cardinality(p_indicators) = 0 THEN
    INSERT INTO seismo.jobs (group_id, config, max_attempts) VALUES (g, p_config, p_max_attempts);
  ELSE
    INSERT INTO seismo.jobs (group_id, indicator, config, max_attempts)
    SELECT g, i, p_config, p_max_attempts FROM unnest(p_indicators) AS i;
  END IF;
  PERFORM pg_notify('seismo_jobs', g);
  RETURN g;
END $$;

-- Jobs per group and status, newest group first.
CREATE OR REPLACE VIEW seismo.job_groups AS
SELECT group_id, min(created_at) AS created_at, count(*) AS jobs,
       count(*) FILTER (WHERE status = 'queued') AS queued, count(*) FILTER (WHERE status = 'running') AS running,
       count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE status = 'failed') AS failed,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled, max(finished_at) AS last_finished_at
FROM seismo.jobs GROUP BY group_id;
