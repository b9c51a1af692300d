-- Seismo results schema, version 9: a walk-forward run keeps each fold's own scores of its
-- training rows, which the fold's threshold was calibrated on (the run's scores of those rows
-- come from the previous fold's model), so `seismo rethreshold` can re-cut the run fold by fold
-- as `detect` cut it. Single fits and ensembles have none: their scores say all.
CREATE TABLE IF NOT EXISTS seismo.fold_scores (
  run         bigint  NOT NULL REFERENCES seismo.runs (id) ON DELETE CASCADE,
  fold        integer NOT NULL CHECK (fold >= 1),
  first_row   integer NOT NULL,                        -- row_no of scores[1]
  calibration integer NOT NULL CHECK (calibration >= 1), -- leading scores that calibrated the threshold
  scores      real[]  NOT NULL,                        -- the fold's model's scores of its training rows
  PRIMARY KEY (run, fold)
);
