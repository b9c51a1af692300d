import Foundation
import SeismoCore
import SeismoPostgres

/// Writes a run into the `seismo` schema: the run row (config and summary as jsonb), every score
/// with its per-feature errors (COPY), feature importance and optionally the saved model — all in
/// one transaction, so a failure (or a lost server) leaves no part of the run behind.
public struct PostgresSink: ResultSink, ConfigurablePlugin {
  public static let url = Parameter<String>("url", default: "", help: "postgresql:// URL or conninfo; empty: PG* environment")
  static let saveModel = Parameter<Bool>("save_model", default: false, help: "also store the trained model (bytea)")
  public static let indicator = Parameter<String>(
    "indicator", default: "", help: "label stored with the run (set per indicator by --each)")
  public static let group = Parameter<String>(
    "group", default: "", help: "group id stored with the run (set for a whole --each fan-out)")

  public static let descriptor = PluginDescriptor(
    kind: .sink, name: "postgres", summary: "write the run into PostgreSQL (schema seismo; run `seismo db migrate` once)",
    parameters: [
      Self.url.spec,
      Self.saveModel.spec,
      Self.indicator.spec,
      Self.group.spec,
    ])

  public let url: String
  public let savesModel: Bool
  public let indicator: String
  public let group: String

  public init(parameters: Parameters) throws {
    url = parameters[Self.url]
    savesModel = parameters[Self.saveModel]
    indicator = parameters[Self.indicator]
    group = parameters[Self.group]
  }

  /// Connects and checks the results schema, so a wrong URL, password or missing migration is
  /// reported before any training.
  public func prepare() throws {
    try PGConnectionPool.shared.withConnection(url) { try SchemaMigrator.requireCurrent($0) }
  }

  /// Writes on a connection of the process's pool (a fan-out's runs share them). Run again on a
  /// new connection when a kept one turns out closed, it writes nothing twice: the transaction
  /// that failed left nothing, and `run_id` is unique.
  public func write(_ run: RunResult) throws { try write(run, observer: nil) }

  public func write(_ run: RunResult, observer: ProgressObserver?) throws {
    let model = savesModel ? try SavedModel(run: run).encode() : nil
    try PGConnectionPool.shared.withConnection(url) { db in
      try SchemaMigrator.requireCurrent(db)
      let key = try db.transaction {
        try Self.insert(run, on: db, labels: Labels(indicator: indicator, group: group, model: model), observer: observer)
      }
      Self.analyzeScores(ofRun: String(key), count: run.scores.values.count, on: db)
    }
  }

  /// What a run is stored with besides its results.
  public struct Labels: Sendable {
    /// Empty: none.
    public var indicator = ""
    /// Empty: none.
    public var group = ""
    /// The job that computed the run (`seismo worker`); at most one run per job.
    public var job: Int64?
    /// The saved model's bytes, to keep in seismo.models.
    public var model: Data?

    public init(indicator: String = "", group: String = "", job: Int64? = nil, model: Data? = nil) {
      self.indicator = indicator
      self.group = group
      self.job = job
      self.model = model
    }
  }

  /// Inserts `run` (run row, scores, events, importance, model) on `db`, inside the caller's
  /// transaction, so the caller can commit more with it (a worker marks its job done); once it
  /// has committed, the caller calls `analyzeScores`. `observer` hears the scored rows sent.
  /// - Returns: the run's key (`seismo.runs.id`).
  public static func insert(_ run: RunResult, on db: PGConnection, labels: Labels, observer: ProgressObserver? = nil)
    throws -> Int64
  {
    let summary = RunSummary(run)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let inserted = try db.execute(
      """
      INSERT INTO seismo.runs (run_id, started_at, source_plugin, detector_plugin, threshold_plugin, indicator, features,
        threshold, train_rows, test_rows, anomaly_count, config, summary, timings, group_id, job_id, warmup_digests)
      VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7::text[], $8::real, $9::integer, $10::integer, $11::integer,
        $12::jsonb, $13::jsonb, $14::jsonb, $15, $16::bigint, $17::integer[])
      RETURNING id
      """,
      [
        run.runID, summary.startedAt, run.config.source.plugin, run.config.detector.plugin, run.config.threshold.plugin,
        labels.indicator.isEmpty ? nil : labels.indicator, PGText.array(run.frame.featureNames),
        run.threshold.isFinite ? String(run.threshold) : nil,
        String(run.trainRows), String(run.frame.rowCount - run.trainRows), String(summary.anomalyCount),
        String(decoding: try encoder.encode(run.config.withoutSecrets), as: UTF8.self),
        String(decoding: try summary.jsonData(), as: UTF8.self),
        String(decoding: try encoder.encode(run.timings), as: UTF8.self), labels.group.isEmpty ? nil : labels.group,
        labels.job.map(String.init),
        PGText.array((0..<min(run.scores.firstRow, run.frame.rowCount)).map { String(run.frame.digest(ofRow: $0)) }),
      ])
    guard let id = inserted.rows.first?.first ?? nil, let runKey = Int64(id) else {
      throw SeismoError.database("postgres: the run row got no usable id")
    }
    try db.copy(
      copyScores(into: partition(of: id, on: db)), byteChunks: scoreChunks(run.scoredRows, id: runKey, observer: observer))
    // Each member's folds (one detector's are member 1's).
    for (k, folds) in (run.members.isEmpty ? [run.foldScores] : run.members.map(\.foldScores)).enumerated()
    where !folds.isEmpty {
      try db.copy(copyFoldScores, byteChunks: foldChunks(folds, id: runKey, member: k + 1))
    }
    // Every event (the summary lists the highest only), with its times in seconds, as the events
    // table takes them.
    var log = RunSummary.flagLog(of: run, listing: nil) { String($0) }
    try insertEvents(log.finish().events, run: id, on: db)
    if let importance = run.importance {
      for (rank, entry) in importance.enumerated() {
        try db.execute(
          "INSERT INTO seismo.feature_importance (run, feature, rank, mean, std) VALUES ($1::bigint, $2, $3::integer, $4::float8, $5::float8)",
          [id, entry.feature, String(rank + 1), String(entry.mean), String(entry.std)])
      }
    }
    if let model = labels.model {
      try db.execute(
        "INSERT INTO seismo.models (run, model) VALUES ($1::bigint, $2::bytea)", [id, PGText.bytea([UInt8](model))])
    }
    return runKey
  }

  /// The binary COPY of score rows into `table`, a partition of seismo.scores. Writing to the
  /// partition itself skips routing each row through the parent.
  static func copyScores(into table: String) -> String {
    """
    COPY \(table) (run, row_no, ts, part, score, is_anomaly, errors, threshold, alert, input_digest, member_scores,
      member_cutoffs) FROM STDIN (FORMAT binary)
    """
  }

  /// The partition of seismo.scores that holds run `id`'s scores (created when missing), quoted.
  /// Then locks seismo.scores (its partitions stay unlocked) before the copy, since copying into
  /// a partition locks the parent only after it, to check the rows' bounds: anyone locking the
  /// whole table in between (`LOCK`, `ALTER`, a migration) would deadlock with the copy. The
  /// lock comes after the partition: a creator waits for the others (an advisory lock) holding
  /// nothing on seismo.scores, whose creation of the partition needs more than a share of it.
  static func partition(of id: String, on db: PGConnection) throws -> String {
    guard let name = try db.execute("SELECT seismo.score_partition_for($1::bigint)", [id]).rows.first?.first ?? nil else {
      throw SeismoError.database("postgres: seismo.score_partition_for returned no partition for run \(id)")
    }
    try db.execute("LOCK TABLE ONLY seismo.scores IN ACCESS SHARE MODE")
    return PGConnection.qualified("seismo", name)
  }

  /// The scores a run has stored, in row order, for scoring on after them.
  public struct StoredScores: Sendable {
    /// Series rows of the first and the last stored score.
    public var firstRow: Int
    public var lastRow: Int
    public var scores: [Float]
    /// Each score's cut-off (infinity where the rule had none yet).
    public var cutoffs: [Float]
    /// Each scored row's digest (`Frame.digest(ofRow:)`) as it was scored; nil for a score
    /// stored before schema version 11.
    public var digests: [Int32?]
    /// The digests of the run's warm-up rows (rows `0..<firstRow`, which have no score), as they
    /// were scored; nil for a run stored before schema version 12.
    public var warmupDigests: [Int32]?
    /// An ensemble's members' own scores and cut-offs of the stored rows, when asked for; nil
    /// when a row has none (stored before schema version 17) or another number of members.
    public var members: MemberScores?

    /// Whether every row from the first to the last stored one has its score.
    public var isContiguous: Bool { lastRow - firstRow + 1 == scores.count }

    /// These and run `runID`'s scores stored after them, read from `db` (`storedScores`), with
    /// its ensemble's `members`' as these have them.
    public func withLater(of runID: String, members: Int, on db: PGConnection) throws -> StoredScores {
      guard let later = try PostgresSink.storedScores(of: runID, members: members, from: lastRow + 1, on: db) else {
        return self
      }
      var all = self
      all.lastRow = later.lastRow
      all.scores += later.scores
      all.cutoffs += later.cutoffs
      all.digests += later.digests
      if let own = later.members, all.members != nil {
        all.members?.replace(from: scores.count, with: own)
      } else {
        all.members = nil
      }
      return all
    }

    /// The times of the rows of `series` (its rows numbered as the run's) that have changed
    /// since the run scored them: a stored row whose digest differs from the one stored with its
    /// score, or a warm-up row whose digest differs from the run's. Empty unless the stored rows
    /// are contiguous and all in `series`.
    public func restatedTimes(in series: Frame) -> [Timestamp] {
      guard isContiguous, lastRow < series.rowCount else { return [] }
      let warmup = (warmupDigests ?? []).prefix(firstRow).enumerated().filter { row, digest in
        digest != series.digest(ofRow: row)
      }.map(\.offset)
      let scored = digests.indices.filter { i in digests[i].map { $0 != series.digest(ofRow: firstRow + i) } ?? false }
        .map { firstRow + $0 }
      return (warmup + scored).map { series.timestamps[$0] }
    }
  }

  /// Run `runID`'s stored scores and cut-offs of its rows from series row `first` on (nil when it
  /// has none), with the own scores and cut-offs of its ensemble's `members` when it has more
  /// than one. A per-row cut-off of a later threshold version (`rethreshold`) is not among them:
  /// these are the ones scored.
  public static func storedScores(of runID: String, members: Int = 1, from first: Int = 0, on db: PGConnection) throws
    -> StoredScores?
  {
    var rows: (first: Int, last: Int)?
    var scores: [Float] = []
    var cutoffs: [Float] = []
    var digests: [Int32?] = []
    var own = members > 1 ? MemberScores(members: members) : nil
    let memberColumns = members > 1 ? ", s.member_scores, s.member_cutoffs" : ""
    try db.forEachFloat8Row(
      """
      SELECT s.row_no::float8, s.score::float8, s.threshold::float8, s.input_digest::float8\(memberColumns)
      FROM seismo.scores s WHERE s.run = (SELECT id FROM seismo.runs WHERE run_id = $1) AND s.row_no >= $2::integer
      ORDER BY s.row_no
      """, [runID, String(first)]
    ) { row in
      let number = Int(row[0] ?? 0)
      rows = (rows?.first ?? number, number)
      scores.append(Float(row[1] ?? .nan))
      cutoffs.append(row[2].map(Float.init) ?? .infinity)  // NULL: no cut-off yet
      digests.append(row[3].flatMap { Int32(exactly: $0) })  // NULL: stored before version 11
      // NULL: stored before version 17.
      if own?.append(row: row.floats(4), cutoffs: row.floats(5)) == false { own = nil }
    }
    guard let (first, last) = rows else { return nil }
    let warmup = try db.execute("SELECT array_to_string(warmup_digests, ',') FROM seismo.runs WHERE run_id = $1", [runID])
      .rows.first?.first??.split(separator: ",").compactMap { Int32($0) }
    return StoredScores(
      firstRow: first, lastRow: last, scores: scores, cutoffs: cutoffs, digests: digests, warmupDigests: warmup,
      members: own)
  }

  /// The time of run `runID`'s last scored row, in epoch seconds; nil when it has none.
  public static func lastScoredTime(of runID: String, on db: PGConnection) throws -> Timestamp? {
    try db.execute(
      """
      SELECT extract(epoch FROM s.ts)::bigint::text FROM seismo.scores s
      WHERE s.run = (SELECT id FROM seismo.runs WHERE run_id = $1) ORDER BY s.row_no DESC LIMIT 1
      """, [runID]
    ).rows.first?.first?.flatMap(Timestamp.init)
  }

  /// The elements of a one-dimensional array's text form (`{1,2.5,NULL}`), as written.
  private static func elements(_ text: String?) -> [Substring] {
    text?.dropFirst().dropLast().split(separator: ",") ?? []
  }

  /// How many of run `runID`'s first stored scores calibrated its threshold (0 for a run scored
  /// by a saved model), and how many folds it walked forward over (1: a single fit).
  public static func storedCalibration(of runID: String, on db: PGConnection) throws -> (scores: Int, folds: Int) {
    let row = try db.execute(
      """
      SELECT coalesce((summary->'threshold'->>'calibration_scores')::int, 0)::text,
             coalesce(jsonb_array_length(summary->'folds'), 1)::text
      FROM seismo.runs WHERE run_id = $1
      """, [runID]
    ).rows.first
    return (row?[0].flatMap { Int($0) } ?? 0, row?[1].flatMap { Int($0) } ?? 1)
  }

  /// Run `runID`'s folds' own training scores, in fold order, its ensemble member `member`'s
  /// (from 1; one detector's are member 1's): empty for a single fit, for a walk-forward run
  /// stored before schema version 9 kept them, and for an ensemble's before version 18.
  public static func storedFoldScores(of runID: String, member: Int = 1, on db: PGConnection) throws -> [FoldScores] {
    try db.execute(
      """
      SELECT f.first_row::text, f.calibration::text, f.scores::text
      FROM seismo.fold_scores f JOIN seismo.runs r ON r.id = f.run WHERE r.run_id = $1 AND f.member = $2::integer
      ORDER BY f.fold
      """, [runID, String(member)]
    ).rows.map { row in
      let text = elements(row[2])
      let scores = text.compactMap { Float($0) }
      guard let first = row[0].flatMap(Int.init), let calibration = row[1].flatMap(Int.init), scores.count == text.count
      else { throw SeismoError.database("postgres: run '\(runID)' has a stored fold score that is not a number") }
      return FoldScores(firstRow: first, scores: scores, calibrationCount: calibration)
    }
  }

  /// What `appendNewRows` did.
  public struct Appended: Sendable {
    public var rows: Int
    /// The appended rows the run's own threshold flags (version 1, `is_anomaly` in seismo.scores).
    public var anomalies: Int
    /// The last scored timestamp before (nil: the run had no scores) and after.
    public var lastBefore: Timestamp?
    public var lastAfter: Timestamp?
    /// The times of the appended rows where an event of the run alerts.
    public var alerts: Set<Timestamp> = []
    /// The run's latest threshold version when it gives a cut-off per row (from `rethreshold`)
    /// and could not be extended over the appended rows, which the run's own threshold judges
    /// instead; nil when it was (or there is none).
    public var uncoveredVersion: UncoveredVersion?
    /// The run's latest threshold version (1: its own).
    public var thresholdVersion = 1
    /// The appended rows as the run's latest threshold version judges them, when that is a later
    /// one than the run's own: what seismo.anomalies lists.
    public var judged: LatestJudgement?

    /// The appended rows the run's latest threshold version flags, as seismo.anomalies lists them.
    public var flagged: Int { judged?.anomalies ?? anomalies }
  }

  /// Incremental scoring: appends to stored run `runID` the scores of `result`'s rows newer than
  /// the run's last scored row, as test rows, in one transaction under a per-run advisory lock,
  /// so running it twice, or twice at once, adds nothing more. `result` must score the same
  /// history the run scored (its row numbers must line up), else nothing is written. The run's
  /// events grow by `events`' grouping of the new flags with the stored ones. What `warnings`
  /// gives for what was appended is stored in seismo.run_warnings, in the same transaction, as
  /// said by `command`. `db` is an open connection with a current schema (a watcher passes the
  /// one it keeps). A `refit` whose folds scored rows of `result` is stored with them (`store`).
  /// When the run's latest threshold version gives a cut-off per row, `cutter` cuts the
  /// appended rows by its rule too, and its events grow by those flags.
  public static func appendNewRows(
    _ result: RunResult, to runID: String, events: EventRule, on db: PGConnection, command: String, refit: Refit? = nil,
    cutter: VersionCutter, warnings: (Appended) throws -> [String]
  ) throws -> Appended {
    var rows = result.scoredRows
    rows.trainRows = 0
    rows.alerts = []  // the stored events decide them
    return try appendNewRows(
      rows, at: 0, to: runID, events: events, on: db, command: command, refit: refit, cutter: cutter, warnings: warnings)
  }

  /// `appendNewRows` for a piece of the series whose frame row 0 is series row `offset` (a
  /// watcher's batch): its rows newer than the run's last scored row are appended as they are
  /// (part, alerts). The run's last scored row must be in the piece, where its time must match,
  /// or just before it; rows after the piece (stored by another scorer) leave nothing to append.
  public static func appendNewRows(
    _ piece: ScoresCSV.Rows, at offset: Int, to runID: String, events: EventRule, on db: PGConnection,
    command: String, refit: Refit? = nil, cutter: VersionCutter, warnings: (Appended) throws -> [String]
  ) throws -> Appended {
    let (id, appended) = try db.transaction {
      guard let id = try db.execute("SELECT id FROM seismo.runs WHERE run_id = $1", [runID]).rows.first?.first ?? nil,
        let key = Int64(id)
      else { throw SeismoError.invalidInput("no run '\(runID)' in seismo.runs") }
      try db.execute("SELECT pg_advisory_xact_lock(8117317, $1::int)", [String(Int32(truncatingIfNeeded: key))])
      let stored = try appendLocked(piece, at: offset, to: (runID, id, key), on: db)
      var appended = stored.appended
      appended.thresholdVersion = stored.version
      if appended.rows > 0 {
        if let refit { try store(refit, run: id, key: key, on: db) }
        // The rows the latest version judges anew: those appended, and those it is extended over.
        var firstJudged = stored.firstRow
        if let perRow = stored.perRowVersion, perRow.firstRow + perRow.count <= stored.lastRow {
          appended.uncoveredVersion = try extend(perRow, ofRun: (runID, id), through: stored.lastRow, by: cutter, on: db)
          if appended.uncoveredVersion == nil { firstJudged = min(firstJudged, perRow.firstRow + perRow.count) }
        }
        // The run's own events (version 1) grow with the appended rows' own flags (no flag, no
        // event to change), and a later version's, which gives the alerts, with its flags.
        if appended.anomalies > 0 {
          appended.alerts = try updateEvents(
            of: id, version: 1, from: stored.firstRow, through: stored.lastRow, rule: events, on: db)
        }
        if stored.version > 1 {
          // The version's events from the first row it judges anew; the alerts of the appended rows.
          appended.alerts = try updateEvents(
            of: id, version: stored.version, from: firstJudged, through: stored.lastRow, rule: events, on: db
          )
          .filter { time in appended.lastBefore.map { time > $0 } ?? true }
          appended.judged = try judged(
            ofRun: id, rows: stored.firstRow...stored.lastRow, version: stored.version,
            members: piece.members?.scores.count ?? 1, on: db)
        }
      }
      for message in try warnings(appended) {
        try db.execute(
          "INSERT INTO seismo.run_warnings (run, command, up_to, message) VALUES ($1::bigint, $2, to_timestamp($3::float8), $4)",
          [id, command, appended.lastAfter.map { String($0) }, message])
      }
      return (id, appended)
    }
    analyzeScores(ofRun: id, count: appended.rows, on: db)
    return appended
  }

  /// What `appendLocked` stored: the appended rows (`firstRow…lastRow`, series rows) and the
  /// run's latest threshold version, whose events grow, with its rule when it cuts per row.
  private struct StoredRows {
    var appended: Appended
    var firstRow = 0
    var lastRow = 0
    var version = 1
    var perRowVersion: PerRowVersion?
  }

  /// `appendNewRows`'s copy of the new rows' scores inside its transaction, once the run
  /// (`run.id`, its key `run.key`) is locked.
  private static func appendLocked(
    _ piece: ScoresCSV.Rows, at offset: Int, to run: (runID: String, id: String, key: Int64), on db: PGConnection
  ) throws -> StoredRows {
    let (runID, id, key) = run
    // The last scored row (none: NULLs) and the latest threshold version, with its rule and the
    // rows it covers when it cuts per row.
    let last = try db.execute(
      """
      SELECT s.row_no::text AS last_row, extract(epoch FROM s.ts)::bigint::text AS last_ts,
        coalesce(v.version, 1)::text, (v.version IS NOT NULL AND v.cutoff IS NULL)::text,
        v.plugin, v.parameters::text, v.first_row::text, v.cutoff_count::text
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT version, cutoff, plugin, parameters, first_row, cutoff_count
        FROM seismo.threshold_versions WHERE run = $1::bigint ORDER BY version DESC LIMIT 1) v ON true
      LEFT JOIN LATERAL (SELECT row_no, ts FROM seismo.scores WHERE run = $1::bigint ORDER BY row_no DESC LIMIT 1) s ON true
      """, [id]
    ).rows.first
    let version = last?[2].flatMap(Int.init) ?? 1
    let frame = piece.frame
    let scores = piece.scores
    var from = 0  // scored index of the first new row
    var before: Timestamp?
    if let last, let row = last[0].flatMap(Int.init), let time = last[1].flatMap(Timestamp.init) {
      let local = row - offset  // the last scored row in `frame`
      if offset > 0, local >= frame.rowCount {  // another scorer stored these rows already
        return StoredRows(appended: Appended(rows: 0, anomalies: 0, lastBefore: time, lastAfter: time), version: version)
      }
      guard local < frame.rowCount, local >= -1, local == -1 || frame.timestamps[local] == time else {
        throw SeismoError.invalidInput(
          "the data's history no longer matches run '\(runID)' (row \(row + 1) was \(frame.formatTimestamp(time))); rows were inserted or removed before the last scored one: run detect again"
        )
      }
      from = max(0, local + 1 - scores.firstRow)
      before = time
    }
    let count = scores.values.count - from
    guard count > 0 else {
      return StoredRows(appended: Appended(rows: 0, anomalies: 0, lastBefore: before, lastAfter: before), version: version)
    }
    try db.copy(copyScores(into: partition(of: id, on: db)), byteChunks: scoreChunks(piece, id: key, at: offset, from: from))
    let anomalies = (from..<scores.values.count).filter { scores.values[$0] > piece.cutoffs[$0] }.count
    try db.execute(
      "UPDATE seismo.runs SET test_rows = test_rows + $2::integer, anomaly_count = anomaly_count + $3::integer WHERE id = $1::bigint",
      [id, String(count), String(anomalies)])
    var perRow: PerRowVersion?
    if let last, last[3] == "true", let plugin = last[4], let parameters = last[5],
      let first = last[6].flatMap(Int.init), let covered = last[7].flatMap(Int.init)
    {
      perRow = PerRowVersion(number: version, plugin: plugin, parameters: parameters, firstRow: first, count: covered)
    }
    return StoredRows(
      appended: Appended(
        rows: count, anomalies: anomalies, lastBefore: before, lastAfter: frame.timestamps[frame.rowCount - 1]),
      firstRow: offset + scores.row(from), lastRow: offset + scores.row(scores.values.count - 1), version: version,
      perRowVersion: perRow)
  }

  /// The COPY that `foldChunks` feeds.
  static let copyFoldScores =
    "COPY seismo.fold_scores (run, member, fold, first_row, calibration, scores) FROM STDIN (FORMAT binary)"

  /// Binary COPY rows of seismo.fold_scores, member `member`'s (from 1), a fold per chunk numbered
  /// from `firstFold`; the first chunk carries the header and the last the trailer.
  static func foldChunks(_ folds: [FoldScores], id: Int64, member: Int, firstFold: Int = 1) -> AnySequence<[UInt8]> {
    AnySequence(
      folds.enumerated().lazy.map { k, fold in
        var copy = k == 0 ? PGBinaryCopy.start() : PGBinaryCopy.chunk(capacity: 64 + 8 * fold.scores.count)
        copy.row(fields: 6)
        copy.int64(id)
        copy.int32(Int32(member))
        copy.int32(Int32(firstFold + k))
        copy.int32(Int32(fold.firstRow))
        copy.int32(Int32(fold.calibrationCount))
        copy.float4Array(fold.scores[...])
        if k == folds.count - 1 { copy.finish() }
        return copy.bytes
      })
  }

  /// Binary COPY rows of `piece`'s scored indices `from…` (row numbers counted from series row
  /// `offset`), 10,000 per chunk, built lazily (`observer` hears the rows built); the first chunk
  /// carries the header and the last the trailer.
  static func scoreChunks(
    _ piece: ScoresCSV.Rows, id: Int64, at offset: Int = 0, from first: Int = 0, observer: ProgressObserver? = nil
  ) -> AnySequence<[UInt8]> {
    let scores = piece.scores
    let frame = piece.frame
    let f = scores.featureCount
    let rowsPerChunk = 10_000
    let count = scores.values.count
    let m = piece.members?.scores.count ?? 0
    let starts = Array(stride(from: first, to: max(count, first + 1), by: rowsPerChunk))
    return AnySequence(
      starts.lazy.map { start in
        var copy = start == first ? PGBinaryCopy.start() : PGBinaryCopy.chunk(capacity: rowsPerChunk * (86 + 8 * f + 16 * m))
        for i in start..<min(start + rowsPerChunk, count) {
          let row = scores.row(i)
          copy.row(fields: 12)
          copy.int64(id)
          copy.int32(Int32(offset + row))
          copy.timestamptz(frame.timestamps[row])
          copy.text(row < piece.trainRows ? "train" : "test")
          copy.float4(scores.values[i])
          copy.bool(scores.values[i] > piece.cutoffs[i])
          copy.float4Array(scores.featureErrors[i * f..<(i + 1) * f])
          if piece.cutoffs[i].isFinite { copy.float4(piece.cutoffs[i]) } else { copy.null() }
          copy.bool(piece.alerts.contains(i))
          copy.int32(frame.digest(ofRow: row))
          if let members = piece.members {
            copy.float4Array(count: m) { members.scores[$0][i] }
            copy.float4Array(count: m) { members.cutoffs[$0][i] }
          } else {
            copy.null()
            copy.null()
          }
        }
        if start == starts.last { copy.finish() }
        observer?(ProgressCount(min(start + rowsPerChunk, count) - first, of: count - first, .rows))
        return copy.bytes
      })
  }
}
