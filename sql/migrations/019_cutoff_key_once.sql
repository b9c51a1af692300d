-- Seismo results schema, version 19: a version's cut-offs are checked against their version once
-- an insert, not once a row. The foreign key from `threshold_cutoffs` to `threshold_versions`
-- looked each inserted row's version up: storing 1,000,000 cut-offs took 5.0 s by hand, of which
-- the key's checks took 3.5 (1.4 s without them). The key goes. The writer locks the version's
-- row (FOR KEY SHARE, as the key did) once before it inserts, and refuses cut-offs of a version
-- that is not there; a trigger deletes a deleted version's cut-offs, as the key's ON DELETE
-- CASCADE did (a deleted run's versions go with it, and their cut-offs).
ALTER TABLE seismo.threshold_cutoffs DROP CONSTRAINT IF EXISTS threshold_cutoffs_run_version_fkey;

CREATE OR REPLACE FUNCTION seismo.delete_version_cutoffs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM seismo.threshold_cutoffs c USING gone g WHERE c.run = g.run AND c.version = g.version;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS version_cutoffs_deleted ON seismo.threshold_versions;
CREATE TRIGGER version_cutoffs_deleted AFTER DELETE ON seismo.threshold_versions
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION seismo.delete_version_cutoffs();
