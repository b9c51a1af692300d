-- Seismo results schema, version 13: changed rows. Besides migration 6's trigger on INSERT,
-- `seismo db watch --table T` attaches two triggers that call this function after every UPDATE
-- and every DELETE statement on the table, with the statement's changed rows as the transition
-- tables `seismo_old_rows` (and `seismo_new_rows` for an UPDATE), and the table's time column as
-- the argument. It NOTIFYs channel `seismo_rows` with JSON {"table": "schema.name",
-- "changed_from": S}: S is the earliest time among the rows changed (before or after the
-- change) or deleted, in whole seconds since 1970 (a date or a timestamp without time zone read
-- as UTC). `seismo watch` then checks the rows it has scored from S on against their stored
-- digests, and warns of a restated print at once. A statement that changes no row announces
-- nothing.
CREATE OR REPLACE FUNCTION seismo.notify_changed_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  earliest double precision;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    EXECUTE format(
      'SELECT extract(epoch FROM least((SELECT min(%1$I) FROM seismo_old_rows), (SELECT min(%1$I) FROM seismo_new_rows)))',
      TG_ARGV[0]) INTO earliest;
  ELSE
    EXECUTE format('SELECT extract(epoch FROM (SELECT min(%I) FROM seismo_old_rows))', TG_ARGV[0]) INTO earliest;
  END IF;
  IF earliest IS NOT NULL THEN
    PERFORM pg_notify('seismo_rows', json_build_object(
      'table', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'changed_from', floor(earliest)::bigint)::text);
  END IF;
  RETURN NULL;
END $$;
