-- Seismo results schema, version 17: an ensemble's rows keep each member's own score and cut-off,
-- and its events the members that flag their rows.
--
-- An ensemble's stored score is a margin over its members' cut-offs, from which no member's
-- threshold rule can be replayed: `score --new-rows` and `watch` scored the whole history again
-- with each member under an adaptive rule before scoring the new rows. The members' scores and
-- cut-offs, in the config's order (NaN: the member has no score yet; Infinity: no cut-off yet),
-- let them resume from the stored rows, and show which member flagged a row
-- (`member_scores[k] > member_cutoffs[k]`). NULL for one detector, and for the rows of an ensemble
-- stored before this migration, which are scored again as before.
ALTER TABLE seismo.scores ADD COLUMN IF NOT EXISTS member_scores real[];
ALTER TABLE seismo.scores ADD COLUMN IF NOT EXISTS member_cutoffs real[];
COMMENT ON COLUMN seismo.scores.member_scores IS
  'an ensemble''s members'' own scores of the row, in the config''s order (NaN: none yet); NULL for one detector';
COMMENT ON COLUMN seismo.scores.member_cutoffs IS
  'an ensemble''s members'' own cut-offs of the row (Infinity: none yet); the row is flagged where some member_scores[k] > member_cutoffs[k]';

-- The members that flag any row of an ensemble's event (numbered from 1, in the config's order);
-- NULL for one detector. current_events shows it last.
ALTER TABLE seismo.events ADD COLUMN IF NOT EXISTS flagged_by integer[];
COMMENT ON COLUMN seismo.events.flagged_by IS
  'an ensemble''s members that flag any of the event''s rows (from 1, in the config''s order); NULL for one detector';
CREATE OR REPLACE VIEW seismo.current_events AS
SELECT r.run_id, r.indicator, e.*
FROM seismo.events e
JOIN seismo.runs r ON r.id = e.run
LEFT JOIN seismo.current_thresholds c ON c.run = e.run
WHERE e.version = coalesce(c.version, 1);
