-- Example market tables, as `seismo ingest --create` makes them. A daily or weekly series gets a
-- `date` time column (the same day in every session time zone); an intraday one `timestamptz`.

-- Wide: one column per indicator.
CREATE SCHEMA IF NOT EXISTS market;
CREATE TABLE IF NOT EXISTS market.weekly (
  ts             date PRIMARY KEY,
  vix            double precision,
  nasdaq_futures double precision,
  treasury_30y   double precision,
  gold_futures   double precision
);

-- Long: one row per (symbol, timestamp); the postgres source pivots it wide.
CREATE TABLE IF NOT EXISTS market.prices (
  symbol text             NOT NULL,
  ts     date             NOT NULL,
  value  double precision NOT NULL,
  PRIMARY KEY (symbol, ts)
);
