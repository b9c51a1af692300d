import Foundation

/// Runs one configured detection: source → split → fit → score → threshold → events → importance.
///
/// The detector is fitted on the training rows only, then scores the whole frame once; the
/// threshold rule is calibrated on the scores of training rows (never on scores that looked past
/// the training part, see `Detector.lookahead`), then gives every scored row its cut-off; flags
/// are grouped into events. Sinks are the caller's business (the CLI writes the run directory and
/// any configured sink), so a failed sink never loses the scores.
public struct DetectionPipeline {
  public let registry: PluginRegistry
  public let config: RunConfig

  public init(registry: PluginRegistry, config: RunConfig) {
    self.registry = registry
    self.config = config
  }

  /// Runs every stage.
  /// - Parameters:
  ///   - observer: receives each training epoch (for progress display).
  ///   - log: receives one line per finished stage.
  public func run(observer: TrainingObserver? = nil, log: (String) -> Void = { _ in }) throws -> RunResult {
    let started = Date()
    var timings: [String: Double] = [:]
    func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
      let t0 = Date()
      defer { timings[stage] = Date().timeIntervalSince(t0) }
      return try body()
    }

    let loaded = try timed("load_s") { try make(registry.sources, config.source).load() }
    return try run(loaded, started: started, timings: timings, observer: observer, log: log)
  }

  /// Runs every stage after loading, on data already loaded (`seismo detect --each` loads once
  /// and runs this per indicator).
  public func run(
    _ loaded: LoadedFrame, started: Date = Date(), timings initial: [String: Double] = [:], observer: TrainingObserver? = nil,
    log: (String) -> Void = { _ in }
  ) throws -> RunResult {
    var timings = initial
    func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
      let t0 = Date()
      defer { timings[stage] = Date().timeIntervalSince(t0) }
      return try body()
    }
    let frame = loaded.frame
    var gapNote = ""
    if loaded.cellsFilled + loaded.rowsDropped > 0 {
      gapNote = " (gaps: \(loaded.cellsFilled) cells filled, \(loaded.rowsDropped) rows dropped)"
    }
    log("loaded \(frame.rowCount) rows × \(frame.featureCount) features from \(loaded.origin)\(gapNote)")
    if loaded.sortedByTime { log("warning: \(loaded.origin) had rows out of time order; they were sorted") }
    if loaded.duplicateRowsMerged > 0 {
      log(
        "warning: \(loaded.duplicateRowsMerged) rows of \(loaded.origin) repeated a timestamp and were merged (duplicates: \(loaded.duplicatePolicy.rawValue))"
      )
    }

    let trainRows = try SplitPolicy(parameters: config.split).trainRows(of: frame)
    let detector = try make(registry.detectors, config.detector)
    let training = try timed("fit_s") { try detector.fit(frame.rows(0..<trainRows), observer: observer) }
    log("trained \(config.detector.plugin) on \(trainRows) rows")

    let scores = try timed("score_s") { try detector.score(frame) }
    guard scores.values.allSatisfy(\.isFinite) else {
      throw SeismoError.state("detector '\(config.detector.plugin)' produced non-finite scores; check the data's scale")
    }
    let trainingScores = Array(scores.values.prefix(max(0, trainRows - detector.lookahead - scores.firstRow)))
    guard !trainingScores.isEmpty else {
      throw SeismoError.invalidInput(
        "no training row has a score: the detector needs \(scores.firstRow) rows of history\(detector.lookahead > 0 ? " and \(detector.lookahead) after" : "") and the training part has \(trainRows)"
      )
    }
    let rule = try make(registry.thresholds, config.threshold)
    let (threshold, cutoffs) = try timed("threshold_s") { () throws -> (Float, [Float]) in
      let calibrated = try rule.calibrate(trainingScores: trainingScores)
      return (calibrated, rule.cutoffs(for: scores.values, calibrated: calibrated))
    }
    let events = Self.events(scores, cutoffs: cutoffs, rule: EventRule(parameters: config.events))

    var importance: [FeatureImportanceEntry]?
    if let choice = config.importance {
      importance = try timed("importance_s") {
        try make(registry.importances, choice).explain(detector, on: frame, baseline: scores)
      }
      log("feature importance by \(choice.plugin)")
    }
    timings["total_s"] = Date().timeIntervalSince(started)
    var result = RunResult(
      runID: RunResult.makeID(at: started), startedAt: started, config: config, loaded: loaded, trainRows: trainRows,
      training: training, scores: scores, threshold: threshold, cutoffs: cutoffs, events: events,
      calibrationScores: trainingScores.count, importance: importance, timings: timings,
      detectorState: try detector.exportState())
    result.lookahead = detector.lookahead
    return result
  }

  /// The events of the rows whose score is strictly above its cut-off.
  static func events(_ scores: Scores, cutoffs: [Float], rule: EventRule) -> [EventRule.Event] {
    rule.events(zip(scores.values, cutoffs).map { $0 > $1 })
  }

  /// Scores data with a saved model: no training, the saved threshold, every row in the test part.
  /// `config.source` says how to read the data.
  public static func score(_ model: SavedModel, config: RunConfig, registry: PluginRegistry, log: (String) -> Void = { _ in })
    throws -> RunResult
  {
    let started = Date()
    var timings: [String: Double] = [:]
    let pipeline = DetectionPipeline(registry: registry, config: config)
    var t0 = Date()
    let loaded = try pipeline.make(registry.sources, config.source).load()
    timings["load_s"] = Date().timeIntervalSince(t0)
    log("loaded \(loaded.frame.rowCount) rows × \(loaded.frame.featureCount) features from \(loaded.origin)")
    try loaded.frame.requireFeatures(model.features, for: "the model")
    let detector = try pipeline.make(registry.detectors, model.detector)
    try detector.importState(model.state)
    t0 = Date()
    let scores = try detector.score(loaded.frame)
    timings["score_s"] = Date().timeIntervalSince(t0)
    let cutoffs = try pipeline.make(registry.thresholds, model.threshold).cutoffs(
      for: scores.values, calibrated: model.thresholdValue)
    let events = Self.events(scores, cutoffs: cutoffs, rule: EventRule(parameters: config.events))
    timings["total_s"] = Date().timeIntervalSince(started)
    var result = RunResult(
      runID: RunResult.makeID(at: started), startedAt: started, config: config, loaded: loaded, trainRows: 0,
      training: TrainingReport(), scores: scores, threshold: model.thresholdValue, cutoffs: cutoffs, events: events,
      calibrationScores: 0, importance: nil, timings: timings, detectorState: model.state)
    result.lookahead = detector.lookahead
    return result
  }

  /// Builds the chosen plugin. Parameters declared since `choice` was made (a model saved by an
  /// older Seismo) take their defaults.
  func make<P>(_ entries: [String: PluginRegistry.Entry<P>], _ choice: PluginChoice) throws -> P {
    guard let entry = entries[choice.plugin] else { throw SeismoError.state("plugin '\(choice.plugin)' is not registered") }
    return try entry.make(Parameters(specs: entry.descriptor.parameters, values: choice.parameters.values))
  }
}
