import SeismoCore
import SeismoPostgres

extension PostgresSink {
  /// Inserts `events` of run `id` under threshold `version` into seismo.events by one binary
  /// COPY (a run can have tens of thousands); their `start`, `end` and `alert` are times in
  /// seconds since 1970 (`Timestamp`), as text. It first locks the run's row against deletion
  /// until the caller's transaction ends (the table has no foreign key to it: schema version 21).
  /// - Throws: `SeismoError.state` when run `id` is no longer stored.
  static func insertEvents(_ events: [RunSummary.Event], run id: String, version: Int = 1, on db: PGConnection) throws {
    guard !events.isEmpty else { return }
    guard let run = Int64(id) else { throw SeismoError.state("run id \(id) is not a number") }
    let found = try db.execute("SELECT 1 FROM seismo.runs WHERE id = $1::bigint FOR KEY SHARE", [id])
    guard !found.rows.isEmpty else {
      throw SeismoError.state("run \(id) is no longer stored (deleted meanwhile?): its events were not stored")
    }
    func seconds(_ text: String) throws -> Timestamp {
      guard let t = Timestamp(text) else { throw SeismoError.state("an event's time '\(text)' is not in seconds") }
      return t
    }
    // With an INSERT of unnested text arrays, 47,619 events took 0.52 s from the scores' COPY
    // to the commit.
    var copy = PGBinaryCopy.start()
    for event in events {
      copy.row(fields: 10)
      copy.int64(run)
      copy.int32(Int32(version))
      copy.timestamptz(try seconds(event.start))
      copy.timestamptz(try seconds(event.end))
      copy.timestamptz(try seconds(event.alert))
      copy.int32(Int32(event.flaggedRows))
      copy.float4(event.peakScore)
      copy.text(event.topFeature)
      copy.text(event.part)
      // An ensemble's members; NULL for one detector.
      if let members = event.flaggedBy { copy.int4Array(members.map(Int32.init)) } else { copy.null() }
    }
    copy.finish()
    try db.copy(
      """
      COPY seismo.events (run, version, start_ts, end_ts, alert_ts, flagged_rows, peak_score, top_feature, part, flagged_by)
      FROM STDIN (FORMAT binary)
      """, byteChunks: [copy.bytes])
  }

  /// Brings the events of run `id`'s threshold version `version`, its latest or 1 (the run's
  /// own), up to date with its flags from series row `first` on (rows just appended, or every row
  /// of a version just added) through `last` (the run's last row; nil: to the end): an event those
  /// rows continue is stored again with them and new events are added. Under version 1 the row
  /// where each new event alerts is also marked in seismo.scores (`alert`).
  ///
  /// Events are `rule`'s grouping of the flags as `seismo.judged_scores` judges them (version 1:
  /// as seismo.scores flags them), as `detect` grouped its own. Only the flagged rows from the
  /// start of the chain that reaches the first flag from `first` on are read (a chain: flags at
  /// most `merge_gap` unflagged rows apart): the events before it cannot change. Rows from `first` on without a flag cost one
  /// look at those rows.
  /// - Returns: the times of the rows from `first` on where an event alerts.
  @discardableResult
  public static func updateEvents(
    of id: String, version: Int, from first: Int, through last: Int? = nil, rule: EventRule, on db: PGConnection
  ) throws -> Set<Timestamp> {
    var lookBack = 0
    while true {
      let low = max(0, first - lookBack)
      let flags = try flaggedRows(of: id, from: low, through: last, byLatest: version > 1, on: db)
      guard let firstNew = flags.firstIndex(where: { $0.row >= first }) else { return [] }  // no new flag
      // The chain holding the first new flag starts at the last flag, up to it, that is more than
      // merge_gap rows after the flag before it (a flag before `low` may sit at `low - 1`).
      let chainStart = (0...firstNew).last { k in
        guard let before = k > 0 ? flags[k - 1].row : (low > 0 ? low - 1 : nil) else { return true }
        return flags[k].row - before - 1 > rule.mergeGap
      }
      guard let chainStart else {
        lookBack = max(1024, 4 * lookBack)
        continue
      }
      var log = FlagLog(rule: rule)
      var newAlerts: [StoredFlag] = []  // earlier alerts are stored already
      for flag in flags[chainStart...] {
        let alerts = log.add(flag.flag, at: flag.row, clearsMargin: rule.clears(flag.flag.score, flag.cutoff))
        if alerts && flag.row >= first { newAlerts.append(flag) }
      }
      try db.execute(
        "DELETE FROM seismo.events WHERE run = $1::bigint AND version = $2::integer AND start_ts >= to_timestamp($3::float8)",
        [id, String(version), flags[chainStart].flag.timestamp])
      try insertEvents(log.finish().events, run: id, version: version, on: db)
      if version == 1 {
        try db.execute(
          "UPDATE seismo.scores SET alert = true WHERE run = $1::bigint AND row_no = ANY($2::integer[])",
          [id, PGText.array(newAlerts.map { String($0.row) })])
      }
      return Set(newAlerts.compactMap { Timestamp($0.flag.timestamp) })
    }
  }

  /// The members `flaggingMembers` lists ("1,3"), numbered from 1.
  static func members(flagging text: String) -> [Int] { text.split(separator: ",").compactMap { Int($0) } }

  /// One flagged row: its series row, cut-off, and the flag with its time in seconds as text.
  private struct StoredFlag {
    var row: Int
    var cutoff: Float
    var flag: RunSummary.Flag
  }

  /// Run `$1`'s flagged rows from series row `$2` through `$3`, in row order, as judged by its
  /// latest threshold version (`byLatest`) or by its own (version 1): row, time (epoch seconds),
  /// score, cut-off, part, top feature and, for an ensemble, the members that flag the row ("1,3").
  /// The latest version's come from seismo.flagged_scores, which finds them through the indexes
  /// of the flags (schema version 20). From seismo.judged_scores every row of the range was
  /// read and judged: a `rethreshold` of 1,000,000 rows took 2.90 s, against 2.54
  /// (`scripts/bench-rethreshold.sh`).
  ///
  /// The last row bounds the read for the planner, which did not carry a range of rows across
  /// judged_scores' join to a version's per-row cut-offs: given only the first, it took a watcher's
  /// few appended rows for a third of the run and read all of the version's cut-offs, 40 ms a
  /// read for a run of 100,000 rows (`scripts/bench-watch.sh --version`); given both, it reads
  /// those rows' by their keys.
  ///
  /// The run's id is a subquery's, which the planner does not know when it plans: a run just
  /// stored (or just given a per-row version) is not yet in PostgreSQL's statistics, and for an
  /// id it had not seen the planner estimated one row and read every per-row cut-off of the run
  /// again for each of the run's rows (`rethreshold` of 160,000 rows right after `detect` ran
  /// into the 10-minute statement timeout). Planned for any run, it reads each by its key.
  static func flaggedRowsQuery(byLatest: Bool) -> String {
    let flagged =
      byLatest
      ? "seismo.flagged_scores"
      : """
      (SELECT run, row_no, ts, score, threshold AS cut, part, errors, member_scores, member_cutoffs
       FROM seismo.scores WHERE is_anomaly)
      """
    return """
      SELECT j.row_no::text, extract(epoch FROM j.ts)::bigint::text, j.score::text, coalesce(j.cut, r.threshold)::text,
             j.part, (SELECT r.features[i] FROM generate_subscripts(j.errors, 1) AS i ORDER BY j.errors[i] DESC LIMIT 1),
             \(flaggingMembers)
      FROM \(flagged) j JOIN seismo.runs r ON r.id = j.run
      WHERE j.run = (SELECT $1::bigint) AND j.row_no BETWEEN $2::integer AND $3::integer
      ORDER BY j.row_no
      """
  }

  /// The members of an ensemble that flag row `j` (of seismo.judged_scores), as text ("1,3"):
  /// those whose own score is above their cut-off. A member without a score yet has NaN, which
  /// PostgreSQL orders above every number.
  static let flaggingMembers = """
    (SELECT array_to_string(array_agg(k ORDER BY k), ',') FROM generate_subscripts(j.member_scores, 1) AS k
     WHERE j.member_scores[k] > j.member_cutoffs[k] AND j.member_scores[k] <> 'NaN'::real)
    """

  /// Run `id`'s flagged rows from series row `low` through `last` (nil: to the end), in row
  /// order, as judged by its latest threshold version or its own (`flaggedRowsQuery`).
  private static func flaggedRows(of id: String, from low: Int, through last: Int?, byLatest: Bool, on db: PGConnection)
    throws -> [StoredFlag]
  {
    try db.execute(flaggedRowsQuery(byLatest: byLatest), [id, String(low), String(last ?? Int(Int32.max))]).rows.map { row in
      guard let number = row[0].flatMap(Int.init), let time = row[1], let score = row[2].flatMap(Float.init),
        let cutoff = row[3].flatMap(Float.init), let part = row[4]
      else { throw SeismoError.database("postgres: run \(id) has a flagged row without its score or cut-off") }
      // An ensemble's row: the members that flag it (none stored before schema version 17).
      let members = row[6].map(members(flagging:))
      return StoredFlag(
        row: number, cutoff: cutoff,
        flag: RunSummary.Flag(timestamp: time, score: score, topFeature: row[5] ?? "", part: part, flaggedBy: members))
    }
  }
}
