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
  /// - Parameters:
  ///   - runID: the run's id (the caller names its folder after it before the run).
  ///   - reading: hears how far the source has read.
  ///   - lastRows: the rows whose flags count (`--in-last`), when given: only their rows within
  ///     the training rows' times are warned of.
  public static func scoreStream(
    _ model: SavedModel, config: RunConfig, registry: PluginRegistry, runID: String, pieceRows: Int,
    reading: ProgressObserver? = nil, judging lastRows: Int? = nil, write: (ScoresCSV.Rows) throws -> Void,
    log: (String) -> Void = { _ in }
  ) throws -> StreamedRun {
    let started = Date()
    var stream: ScoreStream
    do {
      stream = try ScoreStream(model, config: config, registry: registry, keepFlags: RunSummary.listed)
    } catch ScoreStream.Unstreamable.scores(let reason) {
      throw SeismoError.invalidInput("\(reason); score without --stream")
    }
    let source = try DetectionPipeline(registry: registry, config: config).source()
    guard let streaming = source as? StreamingSource else {
      throw SeismoError.invalidInput(
        "the \(config.source.plugin) source cannot be read as a stream; score without --stream")
    }
    var totals: LoadedFrame?
    var stale = StaleValues.Tracker(featureCount: model.features.count)
    var scoreSeconds = 0.0
    var drift = LevelDriftCounter(model, learnsLevels: stream.learnsLevels)
    var tally = model.trainingRows.map { TrainingRows.Tally($0, detector: model.detector.plugin, lastRows: lastRows) }
    var warnings: [String] = []
    func scorePending() throws {
      let t0 = Date()
      if let piece = try stream.scorePending() {
        drift?.count(piece.frame, rows: 0..<piece.frame.rowCount)
        try write(piece)
      }
      scoreSeconds += Date().timeIntervalSince(t0)
    }
    try streaming.stream(rows: pieceRows, observer: reading) { piece in
      let loaded = try piece.withFeatures(model.features, for: "the model")
      let rows = loaded.frame.rowCount
      if var sum = totals {
        sum.rowsRead += loaded.rowsRead
        sum.cellsFilled += loaded.cellsFilled
        sum.rowsDropped += loaded.rowsDropped
        sum.duplicateRowsMerged += loaded.duplicateRowsMerged
        sum.carriedToEnd = loaded.carriedToEnd  // each piece's counts every piece before it
        sum.filledAtEnd = loaded.filledAtEnd
        sum.holes = loaded.holes
        sum.lateStarts = loaded.lateStarts
        sum.earlyEnds = loaded.earlyEnds
        sum.sparse = loaded.sparse
        totals = sum
      } else {
        log("streaming \(loaded.origin) in pieces of about \(pieceRows) rows\(loaded.utcNote)")
        totals = loaded
      }
      if let warning = tally?.count(loaded.frame) {
        log(warning)
        warnings.append(warning)
      }
      stale.add(loaded.frame)
      totals?.staleOverPieces = stale.atEnd(besides: Set(loaded.carriedToEnd.map(\.feature)))
      if rows > 0 { totals?.frame = loaded.frame.rows(rows - 1..<rows) }  // the last row read: its time format
      try stream.append(loaded.frame, origin: loaded.origin)
      if stream.unscoredRows >= pieceRows, stream.outgrewWarmup { try scorePending() }
    }
    try scorePending()
    guard let totals, stream.rows > 0 else {
      throw SeismoError.invalidInput("\(config.source.plugin) source: no rows left after its gap policy")
    }
    totals.warnings.forEach(log)
    let later =
      [tally?.inSampleWarning(shownAs: totals.frame)].compactMap { $0 }
      + (drift?.warnings(judged: "scored rows").texts ?? [])
      + [
        stream.skill?.warning(
          names: model.features, detector: model.detector.plugin, learnsLevels: stream.learnsLevels)
      ].compactMap { $0 }
    later.forEach(log)
    warnings += later
    let total = Date().timeIntervalSince(started)
    let (flags, events) = stream.log.finish()
    log(
      "scored \(stream.scoredRows) rows: \(stream.log.flagged.count) flagged, \(stream.log.eventCount) event\(stream.log.eventCount == 1 ? "" : "s")"
    )
    var run = StreamedRun(
      runID: runID, startedAt: started, config: config, loaded: totals, rows: stream.rows,
      scoredRows: stream.scoredRows, threshold: model.thresholdValue, hasConstantCutoff: stream.constantCutoff,
      flags: flags, flagged: stream.log.flagged, events: events, eventCount: stream.log.eventCount,
      timings: ["load_s": max(0, total - scoreSeconds), "score_s": scoreSeconds, "total_s": total], warnings: warnings)
    run.forecastSkill = stream.skill
    return run
  }
}
