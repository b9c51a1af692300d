import Foundation

extension DetectionPipeline {
  /// Scores data with a saved model as a stream, in memory that does not grow with the series.
  ///
  /// The source hands its rows over about `pieceRows` at a time; each piece is scored with the
  /// rows of history its scores use (`Detector.historyRows`) as context, so every row gets the
  /// score it would get from the whole series. Cut-offs come from one `CutoffStream` and events from one
  /// `EventRule.Tracker` (in a `FlagLog`), both fed in order, and `write` receives each piece ready for
  /// `scores.csv`. Memory holds a piece, its context and the rules' bounded state, plus the
  /// events and the 1,000 highest-scoring flags the summary lists.
  ///
  /// Scores equal `score`'s up to rounding: the networks' matrix products and discord's running
  /// sums are cut differently at the pieces (differences near 1e-6 of a score). Only
  /// point-in-time models with a bounded history stream: a score that looks ahead would change at
  /// every cut, and one that uses every earlier row would need the whole file.
  /// - Parameter runID: the run's id (the caller names its folder after it before the run).
  public static func scoreStream(
    _ model: SavedModel, config: RunConfig, registry: PluginRegistry, runID: String, pieceRows: Int,
    write: (ScoresCSV.Rows) throws -> Void, log: (String) -> Void = { _ in }
  ) throws -> StreamedRun {
    let started = Date()
    let pipeline = DetectionPipeline(registry: registry, config: config)
    let (detector, rule) = try pipeline.rebuild(model)
    guard detector.lookahead == 0 else {
      throw SeismoError.invalidInput(
        "the model's scores look \(detector.lookahead) rows ahead (attribution: mean_over_windows), so they would change at every piece of a stream; score without --stream"
      )
    }
    guard let history = detector.historyRows else {
      throw SeismoError.invalidInput(
        "the model's scores compare each row with every earlier row (\(model.detector.plugin) without a bounded history), so a stream would need the whole file; bound its history or score without --stream"
      )
    }
    let source = try pipeline.make(registry.sources, config.source)
    guard let streaming = source as? StreamingSource else {
      throw SeismoError.invalidInput(
        "the \(config.source.plugin) source cannot be read as a stream (--stream reads CSV files); score without --stream")
    }
    var stream = StreamState(
      detector: detector, history: history,
      cutoffs: rule.cutoffStream(calibration: [], calibrated: model.thresholdValue),
      log: FlagLog(rule: EventRule(parameters: config.events), keep: StreamedRun.listedFlags))
    var totals: LoadedFrame?
    var scoreSeconds = 0.0
    func scorePending() throws {
      let t0 = Date()
      if let piece = try stream.scorePending() { try write(piece) }
      scoreSeconds += Date().timeIntervalSince(t0)
    }
    try streaming.stream(rows: pieceRows) { loaded in
      if var sum = totals {
        sum.rowsRead += loaded.rowsRead
        sum.cellsFilled += loaded.cellsFilled
        sum.rowsDropped += loaded.rowsDropped
        sum.duplicateRowsMerged += loaded.duplicateRowsMerged
        totals = sum
      } else {
        try loaded.frame.requireFeatures(model.features, for: "the model")
        log("streaming \(loaded.origin) in pieces of about \(pieceRows) rows")
        totals = loaded
        totals?.frame = try Frame(
          timestamps: [], timeKind: loaded.frame.timeKind, featureNames: loaded.frame.featureNames, values: [])
      }
      try stream.append(loaded.frame, origin: loaded.origin)
      if stream.unscoredRows >= pieceRows, stream.outgrewWarmup { try scorePending() }
    }
    try scorePending()
    guard let totals, stream.rows > 0 else {
      throw SeismoError.invalidInput("\(config.source.plugin) source: no rows left after its gap policy")
    }
    let total = Date().timeIntervalSince(started)
    let (flags, events) = stream.log.finish()
    log("scored \(stream.scoredRows) rows: \(stream.log.flagged.count) flagged, \(stream.log.eventCount) events")
    return StreamedRun(
      runID: runID, startedAt: started, config: config, loaded: totals, rows: stream.rows,
      scoredRows: stream.scoredRows, threshold: model.thresholdValue, hasConstantCutoff: stream.constantCutoff,
      flags: flags, flagged: stream.log.flagged, events: events, eventCount: stream.log.eventCount,
      timings: ["load_s": max(0, total - scoreSeconds), "score_s": scoreSeconds, "total_s": total])
  }

  /// The stream's state between pieces: the rows waiting to be scored (behind the rows of history
  /// they need as context), the rules' state and the flagged rows so far.
  private struct StreamState {
    let detector: Detector
    /// Rows of context each piece needs (`Detector.historyRows`).
    let history: Int
    var cutoffs: any CutoffStream
    var log: FlagLog
    /// The context rows, then the rows not yet scored.
    var pending: Frame?
    var contextRows = 0
    var rows = 0
    var scoredRows = 0
    var constantCutoff = true
    var firstCutoff: Float?
    /// Timestamps print with a time of day once any row has one.
    var timeOfDay = false

    var unscoredRows: Int { (pending?.rowCount ?? 0) - contextRows }
    /// Whether the waiting rows can be scored before the end: the first piece must outgrow the
    /// detector's warm-up (at the end, the detector itself says when the data is too short).
    var outgrewWarmup: Bool { (pending?.rowCount ?? 0) > detector.warmupRows }

    mutating func append(_ frame: Frame, origin: String) throws {
      guard frame.rowCount > 0 else { return }
      pending = try pending.map { try $0.appending(frame, source: origin) } ?? frame
      rows += frame.rowCount
    }

    /// Scores the waiting rows; nil when there are none.
    mutating func scorePending() throws -> ScoresCSV.Rows? {
      guard let frame = pending, unscoredRows > 0 else { return nil }
      let scores = try detector.score(frame)
      try DetectionPipeline.requireFinite(scores, of: frame, detector: "the model")
      guard scores.firstRow == detector.warmupRows else {
        throw SeismoError.state(
          "the detector's first score is at row \(scores.firstRow), not after its warm-up of \(detector.warmupRows) rows")
      }
      // The context rows' own scores were written with the piece before.
      let skip = max(0, contextRows - scores.firstRow)
      let f = scores.featureCount
      let own = Scores(
        firstRow: max(0, scores.firstRow - contextRows), values: Array(scores.values[skip...]),
        featureErrors: Array(scores.featureErrors[(skip * f)...]), featureCount: f)
      let ownFrame = frame.rows(contextRows..<frame.rowCount)
      let cut = cutoffs.cutoffs(for: own.values[...])
      timeOfDay = timeOfDay || frame.hasTimeOfDay
      var alerts = Set<Int>()
      for i in own.values.indices {
        if firstCutoff == nil { firstCutoff = cut[i] }
        constantCutoff = constantCutoff && cut[i] == firstCutoff
        guard own.values[i] > cut[i] else { continue }
        let flag = RunSummary.Flag(
          timestamp: Frame.format(ownFrame.timestamps[own.row(i)], frame.timeKind, withTime: timeOfDay),
          score: own.values[i], topFeature: frame.featureNames[own.topFeature(at: i)], part: "test")
        if log.add(flag, at: scoredRows + i, clearsMargin: log.rule.clears(own.values[i], cut[i])) { alerts.insert(i) }
      }
      scoredRows += own.values.count
      let piece = ScoresCSV.Rows(frame: ownFrame, trainRows: 0, scores: own, cutoffs: cut, alerts: alerts)
      contextRows = min(history, frame.rowCount)
      pending = frame.rows((frame.rowCount - contextRows)..<frame.rowCount)
      return piece
    }
  }
}
