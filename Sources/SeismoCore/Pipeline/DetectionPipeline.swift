import Foundation

/// Runs one configured detection: source → split → fit → score → threshold → importance.
///
/// The detector is fitted on the training rows only, then scores the whole frame once; the
/// threshold is calibrated on the scores of training rows. Sinks are the caller's business (the
/// CLI writes the run directory and any configured sink), so a failed sink never loses the scores.
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

    let trainRows = try SplitPolicy(parameters: config.split).trainRows(of: frame)
    let detector = try make(registry.detectors, config.detector)
    let training = try timed("fit_s") { try detector.fit(frame.rows(0..<trainRows), observer: observer) }
    log("trained \(config.detector.plugin) on \(trainRows) rows")

    let scores = try timed("score_s") { try detector.score(frame) }
    guard scores.values.allSatisfy(\.isFinite) else {
      throw SeismoError.state("detector '\(config.detector.plugin)' produced non-finite scores; check the data's scale")
    }
    let trainingScores = Array(scores.values.prefix(max(0, trainRows - scores.firstRow)))
    guard !trainingScores.isEmpty else {
      throw SeismoError.invalidInput(
        "no training row has a score: the detector needs \(scores.firstRow) rows of history and the training part has \(trainRows)"
      )
    }
    let threshold = try timed("threshold_s") {
      try make(registry.thresholds, config.threshold).calibrate(trainingScores: trainingScores)
    }

    var importance: [FeatureImportanceEntry]?
    if let choice = config.importance {
      importance = try timed("importance_s") {
        try make(registry.importances, choice).explain(detector, on: frame, baseline: scores)
      }
      log("feature importance by \(choice.plugin)")
    }
    timings["total_s"] = Date().timeIntervalSince(started)
    return RunResult(
      runID: RunResult.makeID(at: started), startedAt: started, config: config, loaded: loaded, trainRows: trainRows,
      training: training, scores: scores, threshold: threshold, importance: importance, timings: timings,
      detectorState: try detector.exportState())
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
    timings["total_s"] = Date().timeIntervalSince(started)
    return RunResult(
      runID: RunResult.makeID(at: started), startedAt: started, config: config, loaded: loaded, trainRows: 0,
      training: TrainingReport(), scores: scores, threshold: model.thresholdValue, importance: nil, timings: timings,
      detectorState: model.state)
  }

  func make<P>(_ entries: [String: PluginRegistry.Entry<P>], _ choice: PluginChoice) throws -> P {
    guard let entry = entries[choice.plugin] else { throw SeismoError.state("plugin '\(choice.plugin)' is not registered") }
    return try entry.make(choice.parameters)
  }
}
