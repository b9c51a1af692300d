-- Seismo results schema, version 6: streaming. `seismo db watch --table T` attaches a trigger to a
-- market table that calls this function after every INSERT or UPDATE statement; it NOTIFYs
-- channel `seismo_rows` with the table's schema-qualified name, and `seismo watch` LISTENs to it.
-- Anomalies found then are announced on channel `seismo_anomaly` (JSON payload).
CREATE OR REPLACE FUNCTION seismo.notify_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('seismo_rows', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME);
  RETURN NULL;
END $$;
