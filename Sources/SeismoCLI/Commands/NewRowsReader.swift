import PostgresSink
import PostgresSource
import SeismoCore
import SeismoPostgres

/// How `seismo watch` and `seismo score --new-rows` read and score a run's new rows: the whole
/// table once, then only the rows after the last it read, with the model's context rows and the
/// threshold's state kept in a `ScoreStream`. The first read scores only the rows from the run's
/// last stored one on: the stream resumes from the stored scores (an ensemble's members from
/// their own stored scores, or their scores of the rows before, scored again, for a run stored
/// before those were kept). A query source, or a model whose scores
/// cannot be computed piece by piece, is read and scored whole at every batch instead. A
/// walk-forward run's rows from its next refit on are scored as `detect` scores them: the batch
/// that reaches the refit reads the source whole, fits the folds due (`Refit`), and the run
/// keeps the last one's model from then on.
struct NewRowsReader {
  /// One batch: what was appended to the run, and the scored rows it came from; nil when no
  /// row was new.
  struct Batch {
    var appended: PostgresSink.Appended
    var piece: ScoresCSV.Rows
    /// The times of the rows the run scored before that have changed since (restated in the
    /// table), as far as this batch read them: every stored row when it read the whole table.
    var restated: [Timestamp] = []
    /// The warnings of this batch that the reader had not given before (restated rows not named
    /// before, features newly outside their range, features whose data stopped, went stale or
    /// has a hole among the appended rows), as stored with the run (seismo.run_warnings).
    var warnings: [String] = []
    /// The folds this batch refitted, a line each as `detect` says them.
    var refits: [String] = []

    /// The warning that the stored scores of the restated rows at `times` are stale, with the
    /// times as `format` prints them; nil when there are none.
    static func restatedWarning(_ times: [Timestamp], run runID: String, format: (Timestamp) -> String) -> String? {
      guard let first = times.first, let last = times.last else { return nil }
      let count = times.count
      let span =
        count == 1 ? format(first) : "\(format(first)) \(count == 2 ? "and" : "to") \(format(last))"
      return
        "warning: \(count) row\(count == 1 ? "" : "s") of run \(runID) changed in the table after \(count == 1 ? "it was" : "they were") scored (\(span)): restated, or a late value where the gap policy had carried one. The stored scores of \(count == 1 ? "that row" : "those rows"), and of the rows whose windows hold \(count == 1 ? "it" : "them"), used the old values; `seismo score --run \(runID) --url URL --store` scores the whole history again as a new run, which --new-rows and watch go on from."
    }
  }

  /// What the reader has warned of since it began, so that each is warned of once: a restated
  /// row, a feature outside its training range, carried to the end, stale or with a hole, and
  /// the rows after the source's end.
  struct Warned {
    var restated = Set<Timestamp>()
    var features = Set<String>()
    /// The gaps `ffill` filled among the appended rows: a feature carried to the end (by its
    /// index), a hole (by its feature and first time).
    var carried = Set<Int>()
    var holes = Set<[Timestamp]>()
    /// The features whose last rows repeat one value (`StaleValues`), by index.
    var stale = Set<Int>()
    /// The rows after the source's `to`, which are never read.
    var beyondEnd = false
    /// The times of the last rows read (`RowSpacing.fewest` of them), whose spacing is judged
    /// against the model's training rows' whenever rows are appended; and whether it was warned of.
    var lastTimes: [Timestamp] = []
    var spacing = false
    /// Whether the run's per-row threshold version that could not cut the appended rows was
    /// warned of.
    var uncoveredVersion = false
  }

  /// The run's model: its last fold's, which a refit replaces.
  var saved: SavedModel
  let config: RunConfig
  /// The model's threshold rule, which a whole read's appended rows get their cut-offs from.
  let rule: any Threshold
  /// How the run groups its flags into events, which the appended rows extend.
  let events: EventRule
  /// The table read a batch at a time; nil when the source is read whole.
  let table: PostgresSource?
  /// The source when it ends at a time (`to`), after which it reads no row; nil when it reads on.
  let bounded: PostgresSource?
  /// Why the source is read whole at every batch; nil when only new rows are read.
  let wholeBecause: String?
  /// The model's stream since the last restart (nil before the first batch), and how far it has
  /// read the table.
  var stream: ScoreStream?
  var position: PostgresSource.ReadPosition
  /// What the last whole read held back, waiting for a feature.
  var heldBack: WaitingRows?
  /// The runs of repeats of every row read since the last restart, for the stale features
  /// among the new rows (a batch alone is too short to tell).
  var repeats: StaleValues.Tracker
  /// The appended rows, counted against a model of levels' training ranges; nil for a model of
  /// changes.
  var drift: LevelDriftCounter?
  /// What the reader has warned of, each once.
  var warned = Warned()
  /// The run's walk-forward plan, read at each restart; nil for a run that fits once.
  var walk: PostgresSink.StoredWalk?
  /// Where the run's next fold starts, found at the restart's whole read.
  var nextRefit: NextRefit?
  /// The command that reads, as its stored warnings name it: `score --new-rows` or `watch`.
  let command: String
  /// The run's latest per-row threshold version's rule where it last cut the appended rows.
  let versionStream = VersionStream()
  /// Where a refit's training shows its epochs; nil shows nothing.
  let progress: ProgressLine?

  /// Throws when the model or its source cannot be built.
  init(_ saved: SavedModel, config: RunConfig, command: String, progress: ProgressLine? = nil) throws {
    self.saved = saved
    self.config = config
    self.command = command
    self.progress = progress
    events = config.eventRule
    position = PostgresSource.ReadPosition(features: saved.features)
    repeats = StaleValues.Tracker(featureCount: saved.features.count)
    let pipeline = DetectionPipeline(registry: StandardPlugins.registry, config: config)
    let source = try pipeline.source() as? PostgresSource
    let (detector, rule) = try pipeline.rebuild(saved)  // the stream builds its own at the first batch
    self.rule = rule
    drift = LevelDriftCounter(saved, learnsLevels: detector.learnsLevels)
    var reason: String?
    if let source, !source.readsNewRows {
      reason = "a query's new rows cannot be told apart"
    } else if source == nil {
      reason = "the source is not a PostgreSQL table"
    } else {
      do {
        let detectors = try [detector] + saved.ensemble.map { try pipeline.rebuild($0).0 }
        for (member, detector) in zip(saved.members, detectors) {
          _ = try ScoreStream.contextRows(of: detector, plugin: member.detector.plugin)
        }
      } catch ScoreStream.Unstreamable.scores(let why) {
        reason = why
      }
    }
    table = reason == nil ? source : nil
    wholeBecause = reason
    bounded = source?.end == nil ? nil : source
  }

  /// What the watcher says it does at each batch.
  var reading: String {
    wholeBecause.map { "reads the whole source at each batch, as \($0)" } ?? "reads only the rows after the last it read"
  }

  /// The model's stream, before any row (a watcher lists no flags: it announces each row).
  static func stream(of saved: SavedModel, config: RunConfig) throws -> ScoreStream {
    try ScoreStream(saved, config: config, registry: StandardPlugins.registry, keepFlags: 0)
  }

  /// Appends `series` (the whole table) to a new `stream`, set to score only the rows from run
  /// `runID`'s last `stored` one on (`PostgresSink.storedScores`, with the stream's members):
  /// the rows before it are context, and the threshold's and events' state is replayed from the
  /// stored scores (the threshold's from its calibration on, as the
  /// run's ran: `thresholdReplay`; an ensemble's members' rules from their own stored scores of
  /// the rows before it, else from those rows scored again). The last stored row is scored again, so that the append
  /// checks it is still the row the run scored. A run without stored scores, or whose scores do
  /// not fit `series`, has every row appended (the append then refuses a mismatch).
  /// - Returns: the times of the stored rows that have changed since they were scored.
  static func resume(
    _ stream: inout ScoreStream, series: LoadedFrame, stored: PostgresSink.StoredScores?, run runID: String,
    on db: PGConnection
  ) throws -> [Timestamp] {
    let frame = series.frame
    guard let stored, stored.isContiguous,
      stored.lastRow < frame.rowCount, stored.lastRow >= stream.warmupRows
    else {
      try stream.append(frame, origin: series.origin)
      return []
    }
    let last = stored.lastRow
    // An ensemble's members' rules, which its stored margins cannot replay: from their own
    // stored scores, or from its history scored again.
    if stream.isEnsemble {
      try stream.resumeMembers(
        scoring: frame.rows(0..<last), stored: stored.members?.slice(..<(last - stored.firstRow)),
        storedFrom: stored.firstRow, walkedForward: try PostgresSink.storedCalibration(of: runID, on: db).folds > 1)
    }
    stream.resume(
      after: frame.rows(max(0, last - stream.historyRows)..<last), rows: last, scores: stored.scores.dropLast(),
      cutoffs: stored.cutoffs.dropLast(), threshold: try thresholdReplay(of: runID, stored, on: db),
      seriesStart: frame.timestamps.first, scoredTimes: frame.timestamps[stored.firstRow..<last])
    try stream.append(frame.rows(last..<frame.rowCount), origin: series.origin)
    return stored.restatedTimes(in: frame)
  }

  /// What run `runID`'s threshold rule was calibrated on and then ran through up to its last
  /// stored row (not included, as it is scored again), as `detect` fed it: a single fit's first
  /// `calibration_scores` stored scores, then every stored score; a walk-forward run's last
  /// fold's own training scores, then its stored rows after them. The stored rows come with
  /// their stored cut-offs. Nil when the run has none (scored by a saved model, or walked
  /// forward before Seismo kept each fold's training scores).
  static func thresholdReplay(of runID: String, _ stored: PostgresSink.StoredScores, on db: PGConnection) throws
    -> ThresholdReplay?
  {
    let (calibration, foldCount) = try PostgresSink.storedCalibration(of: runID, on: db)
    let scores = Array(stored.scores.dropLast())
    let cutoffs = Array(stored.cutoffs.dropLast())
    guard foldCount > 1 else {
      return calibration > 0
        ? ThresholdReplay(calibration: Array(scores.prefix(calibration)), fed: scores, cutoffs: cutoffs) : nil
    }
    let folds = try PostgresSink.storedFoldScores(of: runID, on: db)
    guard folds.count == foldCount, let fold = folds.last, fold.endRow >= stored.firstRow,
      fold.endRow - stored.firstRow <= scores.count
    else { return nil }
    let after = fold.endRow - stored.firstRow
    return ThresholdReplay(
      calibration: Array(fold.scores.prefix(fold.calibrationCount)), fed: fold.scores + scores[after...],
      cutoffs: Array(cutoffs[after...]))
  }

  /// Gives the rows of `result` (the whole series scored by the saved model) from run `runID`'s
  /// last `stored` row on the cut-offs the run's threshold gives them, replayed as `detect` ran
  /// it (`thresholdReplay`), as a stream resumed after that row would; unchanged when the run has
  /// no replay or its rows do not line up (the append then refuses them).
  func replayThreshold(
    into result: inout RunResult, after stored: PostgresSink.StoredScores, run runID: String, on db: PGConnection
  )
    throws
  {
    let from = stored.lastRow - result.scores.firstRow  // the last stored row, scored again
    guard from >= 0, from < result.scores.values.count, let replay = try Self.thresholdReplay(of: runID, stored, on: db)
    else { return }
    var stream = rule.resumedStream(replay, calibrated: saved.thresholdValue)
    result.cutoffs.replaceSubrange(from..., with: stream.cutoffs(for: result.scores.values[from...]))
  }

  /// The rows at the end of the data that the last batch left to wait for a feature (the
  /// source's `wait_for`); nil when none did.
  var waiting: WaitingRows? { table == nil ? heldBack : position.waiting }

  /// Whether a batch since the last restart has read the table up to `time` (a query source's
  /// batches read it whole, so never only up to a time).
  func hasRead(_ time: Timestamp) -> Bool {
    guard stream != nil, let last = position.lastTime else { return false }
    return time <= last
  }

  /// Forgets what was read: the next batch reads the whole table again and resumes after the
  /// run's last stored row.
  mutating func restart() {
    stream = nil
    position = PostgresSource.ReadPosition(features: saved.features)
    repeats = StaleValues.Tracker(featureCount: saved.features.count)
  }

  /// Reads and scores the new rows and appends their scores to run `runID` on `db`.
  mutating func scoreNewRows(to runID: String, on db: PGConnection) throws -> Batch? {
    if stream == nil { walk = try PostgresSink.storedWalk(of: runID, on: db) }
    guard let table else { return try scoreWhole(to: runID, on: db) }
    var loaded: LoadedFrame
    var stored: PostgresSink.StoredScores?
    if stream == nil {
      position.settled = try PostgresSink.lastScoredTime(of: runID, on: db)
      // The whole table, and the run's stored scores the stream resumes from: read at once on
      // two connections, so that the server reads both together.
      var position = position
      (loaded, stored) = try bothAtOnce(
        { try table.newRows(after: &position) },
        { try PostgresSink.storedScores(of: runID, members: saved.members.count, on: db) })
      self.position = position
    } else {
      loaded = try table.newRows(after: &position)
    }
    if refitIsDue(after: loaded) {
      restart()
      return try scoreWhole(to: runID, on: db)
    }
    repeats.add(loaded.frame)
    loaded.staleOverPieces = repeats.atEnd(besides: Set(loaded.carriedToEnd.map(\.feature)))
    var stream: ScoreStream
    var restated: [Timestamp] = []
    if let kept = self.stream {
      stream = kept
      try stream.append(loaded.frame, origin: loaded.origin)
    } else {
      stream = try Self.stream(of: saved, config: config)
      restated = try Self.resume(&stream, series: loaded, stored: stored, run: runID, on: db)
      versionStream.know(stored)
    }
    let piece = try stream.scorePending()
    self.stream = stream
    guard let piece else { return nil }
    let offset = stream.rows - piece.frame.rowCount
    let (events, command, versionStream) = (events, command, versionStream)  // read before `landed` changes self
    return try landed(piece, loaded: loaded, restated: restated, run: runID) { warnings in
      try PostgresSink.appendNewRows(
        piece, at: offset, to: runID, events: events, on: db, command: command, cutter: versionStream.cut, warnings: warnings)
    }
  }

  /// Whether the rows `loaded` reads (the whole table when no stream is kept) reach the run's
  /// next refit.
  mutating func refitIsDue(after loaded: LoadedFrame) -> Bool {
    guard let walk, let last = loaded.frame.timestamps.last else { return false }
    if stream == nil { nextRefit = walk.split.nextRefit(after: walk.folds, in: loaded.frame) }
    return nextRefit?.isDue(rows: (stream?.rows ?? 0) + loaded.frame.rowCount, lastTime: last) ?? false
  }

  /// Reads and scores the whole source with the run's model, the rows from a refit due on with
  /// the folds refitted for them (`Refit`), and appends the new rows' scores to run `runID`; the
  /// refitted folds and model are stored with them, and the reader scores on with that model.
  mutating func scoreWhole(to runID: String, on db: PGConnection) throws -> Batch {
    let settled = try PostgresSink.lastScoredTime(of: runID, on: db)
    var held: WaitingRows?
    var result = try DetectionPipeline.score(
      saved, config: config, registry: StandardPlugins.registry,
      load: { source in
        let (loaded, waiting) = try source.loadHoldingBack(after: settled)
        held = waiting
        return loaded
      })
    heldBack = held
    let stored = try PostgresSink.storedScores(of: runID, on: db)
    // An ensemble's members are cut as the run cut them by the scoring itself.
    if let stored, saved.ensemble.isEmpty { try replayThreshold(into: &result, after: stored, run: runID, on: db) }
    var refits: [String] = []
    let progress = progress
    let refit = try walk.flatMap { walk in
      try Refit.due(
        for: saved, split: walk.split, trainRows: walk.trainRows, stored: walk.folds, frame: result.frame,
        registry: StandardPlugins.registry, observer: progress?.observer,
        log: {
          progress?.finish()
          refits.append($0)
        })
    }
    if let refit { try refit.splice(into: &result.scores, cutoffs: &result.cutoffs, members: &result.memberScores) }
    let restated = stored?.restatedTimes(in: result.scoredRows.frame) ?? []
    let (events, command, versionStream) = (events, command, versionStream)  // read before `landed` changes self
    var batch = try landed(result.scoredRows, loaded: result.loaded, restated: restated, run: runID, refit: refit) {
      warnings in
      try PostgresSink.appendNewRows(
        result, to: runID, events: events, on: db, command: command, refit: refit, cutter: versionStream.cut,
        warnings: warnings)
    }
    if let refit, batch.appended.rows > 0 {
      batch.refits = refits
      saved = refit.model
      restart()  // the next batch reads the run's folds again, and resumes with the new model
    }
    return batch
  }

  /// Appends `piece` (scored from `loaded`, the rows from a `refit`'s first new fold on by its
  /// folds) through `append`, which stores the warnings it is handed with the rows, in one
  /// transaction, and returns the batch (counting the table's rows past the source's end, for
  /// their warning). The reader's counts and
  /// what it has warned of change only once the append has landed, so a batch that failed warns
  /// again when retried.
  mutating func landed(
    _ piece: ScoresCSV.Rows, loaded: LoadedFrame, restated: [Timestamp], run runID: String, refit: Refit? = nil,
    append: ((PostgresSink.Appended) -> [String]) throws -> PostgresSink.Appended
  ) throws -> Batch {
    let beyondEnd = try bounded?.rowsAfterTheEnd(features: saved.features) ?? 0
    var judged: (batch: Batch, drift: LevelDriftCounter?, warned: Warned)?
    let appended = try append { appended in
      judged = self.judged(
        Batch(appended: appended, piece: piece, restated: restated), loaded: loaded, refit: refit, beyondEnd: beyondEnd,
        run: runID)
      return judged?.batch.warnings ?? []
    }
    let (batch, drift, warned) =
      judged
      ?? self.judged(
        Batch(appended: appended, piece: piece, restated: restated), loaded: loaded, refit: refit, beyondEnd: beyondEnd,
        run: runID)
    self.drift = drift
    self.warned = warned
    return batch
  }

  /// `batch` with the warnings it gives that the reader has not given before: of its appended
  /// rows (the last of its piece) and those before, counted against a model of levels' training
  /// ranges (each row from a `refit`'s first new fold on against its fold's), of the gaps `ffill` filled and the stale values
  /// among the appended rows as `loaded` found them, and of the `beyondEnd` rows after the source's `to`; with the
  /// counter and what has been warned of after it.
  func judged(_ batch: Batch, loaded: LoadedFrame, refit: Refit?, beyondEnd: Int, run runID: String) -> (
    batch: Batch, drift: LevelDriftCounter?, warned: Warned
  ) {
    var batch = batch
    var drift = self.drift
    var warned = self.warned
    // The features newly with a quarter or more of the rows appended since the reader began
    // outside the training range of a model of levels.
    var outside: [String] = []
    if var counter = drift {
      let rows = batch.piece.frame.rowCount
      let appended = (rows - min(batch.appended.rows, rows))..<rows
      if let refit {
        counter.count(batch.piece.frame, rows: appended, refit: refit)
      } else {
        counter.count(batch.piece.frame, rows: appended)
      }
      let (features, texts) = counter.warnings(judged: "new rows", besides: warned.features)
      warned.features.formUnion(features)
      outside = texts
      drift = counter
    }
    let fresh = batch.restated.filter { warned.restated.insert($0).inserted }
    let restatedWarning = Batch.restatedWarning(fresh, run: runID, format: batch.piece.frame.formatTimestamp)
    // A carry or a stale run to the end runs through the appended rows; a hole counts when it
    // ends among them.
    let appended = batch.appended.rows > 0
    let carried = (appended ? loaded.carriedToEnd : []).filter { warned.carried.insert($0.feature).inserted }
    let stale = (appended ? loaded.staleToEnd : []).filter { warned.stale.insert($0.feature).inserted }
    let holes = loaded.holes.filter { hole in
      batch.appended.lastBefore.map { hole.to > $0 } ?? true
        && warned.holes.insert([Timestamp(hole.feature), hole.from]).inserted
    }
    var warnings = restatedWarning.map { [$0] } ?? []
    warnings += loaded.carryWarnings(carried)
    warnings += loaded.staleWarnings(stale)
    warnings += loaded.holeWarnings(holes)
    // A feed sampled otherwise (hourly rows after daily ones) shows in the last rows read, those
    // scored before included: a nightly batch appends one row.
    if appended, let training = saved.trainingRows, !warned.spacing {
      warned.lastTimes = Array((warned.lastTimes + loaded.frame.timestamps.suffix(RowSpacing.fewest)).suffix(RowSpacing.fewest))
      if let last = RowSpacing(times: warned.lastTimes[...]),
        let warning = training.spacing.warning(
          scoring: last, detector: saved.detector.plugin, rows: "the last \(RowSpacing.fewest) rows read")
      {
        warned.spacing = true
        warnings.append(warning)
      }
    }
    batch.warnings = warnings + outside
    if beyondEnd > 0, let end = bounded?.end, !warned.beyondEnd {
      warned.beyondEnd = true
      let origin = bounded?.origin ?? "the table"
      batch.warnings.append(
        "warning: \(beyondEnd) row\(beyondEnd == 1 ? "" : "s") of \(origin) lie after the source's end (to: \(batch.piece.frame.formatTimestamp(end))), so run \(runID) never scores \(beyondEnd == 1 ? "it" : "them"): --set source.to= reads on (source.to=TIME: up to TIME)"
      )
    }
    if appended, let version = batch.appended.uncoveredVersion, !warned.uncoveredVersion {
      warned.uncoveredVersion = true
      batch.warnings.append(
        "warning: threshold version \(version.number) of run \(runID) cannot cut the rows appended (\(version.reason)), so the run's own threshold judges them (threshold_version 1 in seismo.anomalies); `seismo rethreshold \(runID)` with the version's settings cuts them again once that is mended"
      )
    }
    return (batch, drift, warned)
  }
}
