import SeismoCore
import SeismoPostgres

extension PostgresSink {
  /// Inserts `events` of run `id` into seismo.events in one statement (a run can have thousands);
  /// their `start`, `end` and `alert` are times in seconds since 1970 (`Timestamp`), as text.
  static func insertEvents(_ events: [RunSummary.Event], run id: String, on db: PGConnection) throws {
    guard !events.isEmpty else { return }
    try db.execute(
      """
      INSERT INTO seismo.events (run, start_ts, end_ts, alert_ts, flagged_rows, peak_score, top_feature, part)
      SELECT $1::bigint, to_timestamp(s), to_timestamp(e), to_timestamp(a), f, p, t, w
      FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::integer[], $6::real[], $7::text[], $8::text[])
        AS u(s, e, a, f, p, t, w)
      """,
      [
        id, PGText.array(events.map(\.start)), PGText.array(events.map(\.end)), PGText.array(events.map(\.alert)),
        PGText.array(events.map { String($0.flaggedRows) }), PGText.array(events.map { String($0.peakScore) }),
        PGText.array(events.map(\.topFeature)), PGText.array(events.map(\.part)),
      ])
  }

  /// Brings run `id`'s events (seismo.events) and alert marks up to date after its rows from
  /// series row `first` on were appended: an event the new rows continue is stored again with
  /// them, new events are added, and the row where each alerts is marked (`alert`).
  ///
  /// Events are `rule`'s grouping of the stored flags (`is_anomaly`, version 1's), as `detect`
  /// grouped them. Only the flagged rows from the start of the chain that reaches the first new
  /// flag are read (a chain: flags at most `merge_gap` unflagged rows apart): the events before
  /// it cannot change.
  /// - Returns: the times of the new rows where an event alerts.
  static func extendEvents(of id: String, appendedFrom first: Int, rule: EventRule, on db: PGConnection) throws
    -> Set<Timestamp>
  {
    var lookBack = 1024
    while true {
      let low = max(0, first - lookBack)
      let flags = try flaggedRows(of: id, from: low, on: db)
      guard let firstNew = flags.firstIndex(where: { $0.row >= first }) else { return [] }  // no new flag
      // The chain holding the first new flag starts at the last flag, up to it, that is more than
      // merge_gap rows after the flag before it (a flag before `low` may sit at `low - 1`).
      let chainStart = (0...firstNew).last { k in
        guard let before = k > 0 ? flags[k - 1].row : (low > 0 ? low - 1 : nil) else { return true }
        return flags[k].row - before - 1 > rule.mergeGap
      }
      guard let chainStart else {
        lookBack *= 4
        continue
      }
      var log = FlagLog(rule: rule)
      var newAlerts: [StoredFlag] = []  // earlier alerts are marked already
      for flag in flags[chainStart...] {
        let alerts = log.add(flag.flag, at: flag.row, clearsMargin: rule.clears(flag.flag.score, flag.cutoff))
        if alerts && flag.row >= first { newAlerts.append(flag) }
      }
      try db.execute(
        "DELETE FROM seismo.events WHERE run = $1::bigint AND start_ts >= to_timestamp($2::float8)",
        [id, flags[chainStart].flag.timestamp])
      try insertEvents(log.finish().events, run: id, on: db)
      try db.execute(
        "UPDATE seismo.scores SET alert = true WHERE run = $1::bigint AND row_no = ANY($2::integer[])",
        [id, PGText.array(newAlerts.map { String($0.row) })])
      return Set(newAlerts.compactMap { Timestamp($0.flag.timestamp) })
    }
  }

  /// One stored flag: its series row, cut-off, and the flag with its time in seconds as text.
  private struct StoredFlag {
    var row: Int
    var cutoff: Float
    var flag: RunSummary.Flag
  }

  /// Run `id`'s flagged rows from series row `low` on, in row order.
  private static func flaggedRows(of id: String, from low: Int, on db: PGConnection) throws -> [StoredFlag] {
    try db.execute(
      """
      SELECT s.row_no::text, extract(epoch FROM s.ts)::bigint::text, s.score::text,
             coalesce(s.threshold, r.threshold)::text, s.part,
             (SELECT r.features[i] FROM generate_subscripts(s.errors, 1) AS i ORDER BY s.errors[i] DESC LIMIT 1)
      FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run
      WHERE s.run = $1::bigint AND s.is_anomaly AND s.row_no >= $2::integer
      ORDER BY s.row_no
      """, [id, String(low)]
    ).rows.map { row in
      guard let number = row[0].flatMap(Int.init), let time = row[1], let score = row[2].flatMap(Float.init),
        let cutoff = row[3].flatMap(Float.init), let part = row[4]
      else { throw SeismoError.database("postgres: run \(id) has a flagged row without its score or cut-off") }
      return StoredFlag(
        row: number, cutoff: cutoff, flag: RunSummary.Flag(timestamp: time, score: score, topFeature: row[5] ?? "", part: part))
    }
  }
}
