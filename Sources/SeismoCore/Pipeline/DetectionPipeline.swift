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
  ///   - reading: hears how far the source has read (for progress display).
  ///   - observer: receives each training epoch (for progress display).
  ///   - scoring: hears how far each fold's scoring has come (for progress display).
  ///   - cutting: hears how far the threshold rule has cut each fold's scores (for progress display).
  ///   - explaining: hears how far the feature importance has come (for progress display).
  ///   - log: receives one line per finished stage.
  public func run(
    reading: ProgressObserver? = nil, observer: TrainingObserver? = nil, scoring: ProgressObserver? = nil,
    cutting: ProgressObserver? = nil, explaining: ProgressObserver? = nil, log: (String) -> Void = { _ in }
  ) throws -> RunResult {
    let started = Date()
    var timings: [String: Double] = [:]
    func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
      let t0 = Date()
      defer { timings[stage] = Date().timeIntervalSince(t0) }
      return try body()
    }

    try validate()
    let loaded = try timed("load_s") { try loadSource(observer: reading) }
    return try run(
      loaded, started: started, timings: timings, observer: observer, scoring: scoring, cutting: cutting,
      explaining: explaining, log: log)
  }

  /// Runs every stage after loading, on data already loaded (`seismo detect --each` loads once
  /// and runs this per indicator).
  public func run(
    _ loaded: LoadedFrame, started: Date = Date(), timings initial: [String: Double] = [:], observer: TrainingObserver? = nil,
    scoring: ProgressObserver? = nil, cutting: ProgressObserver? = nil, explaining: ProgressObserver? = nil,
    log: (String) -> Void = { _ in }
  ) throws -> RunResult {
    var timings = initial
    func timed<T>(_ stage: String, _ body: () throws -> T) rethrows -> T {
      let t0 = Date()
      defer { timings[stage] = Date().timeIntervalSince(t0) }
      return try body()
    }
    let frame = loaded.frame
    log(loaded.logLine)
    loaded.warnings.forEach(log)

    var warnings: [String] = []
    func warn(_ warning: String) {
      warnings.append(warning)
      log(warning)
    }
    let split = try SplitPolicy(parameters: config.split)
    let trainRows = try split.trainRows(of: frame)
    if let until = split.trainUntil, trainRows == frame.rowCount, let last = frame.timestamps.last {
      warn(
        "warning: split.train_until \(frame.formatTimestamp(until)) is not before the last row (\(frame.formatTimestamp(last))): every row is training and none is tested"
      )
    }
    let plan = try split.folds(of: frame, trainRows: trainRows)
    Self.trainingWarnings(frame, folds: plan.map { $0.trainStart..<$0.trainEnd }, trainRows: trainRows).forEach(warn)
    if split.refitEvery != nil, plan.count == 1, trainRows < frame.rowCount {
      warn(
        "warning: split.refit_every \(config.split[SplitPolicy.refitEvery]) places no refit within the test part (\(frame.rowCount - trainRows) rows, \(frame.formatTimestamp(frame.timestamps[trainRows])) – \(frame.formatTimestamp(frame.timestamps[frame.rowCount - 1]))), so the detector is fitted once"
      )
    }
    let members = try config.members.enumerated().map { k, member in
      try Self.naming(member: k, of: config.members.count) {
        try walkForward(
          frame, folds: plan, warmStart: split.warmStart, refitEpochs: split.refitEpochs, member: member,
          observer: observer, scoring: scoring, cutting: cutting, log: log)
      }
    }
    for (member, fitted) in zip(config.members, members) {
      guard let said = fitted.calibrationWarning else { continue }
      warn("warning: threshold \(member.threshold.plugin)\(members.count > 1 ? " of \(member.detector.plugin)" : ""): \(said)")
    }
    // The ranges of the rows the last fold's detector was fitted on, which a saved model keeps.
    let trainingRanges = plan.last.flatMap { fold in
      fold.trainEnd > fold.trainStart ? LevelDrift.ranges(of: frame, rows: fold.trainStart..<fold.trainEnd) : nil
    }
    let trainingRows = plan.last.flatMap { TrainingRows(of: frame, rows: $0.trainStart..<$0.trainEnd) }
    // A model of levels meets test rows outside the range it was fitted on (each walk-forward
    // fold's own).
    if let level = zip(config.members, members).first(where: { $1.detector.learnsLevels }) {
      LevelDrift.warnings(
        LevelDrift.of(frame, folds: plan), names: frame.featureNames, detector: level.0.detector.plugin,
        judged: "test rows"
      ).forEach(warn)
    }
    // A forecaster, or an ensemble's, that forecasts worse than repeating each last value.
    for (k, (member, fitted)) in zip(config.members, members).enumerated() {
      let name =
        members.count == 1 ? member.detector.plugin : "\(k == 0 ? "detector" : "ensemble[\(k)]") \(member.detector.plugin)"
      if let said = fitted.skill?.warning(names: frame.featureNames, detector: name, learnsLevels: fitted.detector.learnsLevels) {
        warn(said)
      }
    }
    var fitted = members[0]
    var memberScores: MemberScores?
    let flagged = members.map { Ensemble.Flagged(scores: $0.scores, cutoffs: $0.cutoffs, typicalScore: $0.typicalScore) }
    if members.count > 1 {
      (fitted.scores, fitted.cutoffs, memberScores) = Ensemble.combine(flagged)
      fitted.threshold = 0
      log(Ensemble.said(members: members.count))
    }
    timings["fit_s"] = members.map(\.fitSeconds).reduce(0, +)
    timings["score_s"] = members.map(\.scoreSeconds).reduce(0, +)
    timings["threshold_s"] = members.map(\.thresholdSeconds).reduce(0, +)
    let scores = fitted.scores
    let detector = fitted.detector
    // The cut-offs start at the first scored row.
    let testCutoffs = fitted.cutoffs.dropFirst(max(0, trainRows - scores.firstRow))
    if members.count == 1, let said = Self.noCutoffWarning(testCutoffs, threshold: config.threshold, rows: "test row") {
      warn(said)
    }
    let events = config.eventRule.events(scores: scores.values, cutoffs: fitted.cutoffs)

    var importance: [FeatureImportanceEntry]?
    if let choice = config.importance {
      importance = try timed("importance_s") {
        // An ensemble's margins, each member cut as the run cut it.
        let scorer: any FrameScorer =
          members.count == 1 ? detector : EnsembleMargins(members: Array(zip(members.map(\.detector), flagged)))
        // Walk-forward scores come from several models; importance explains the last one.
        let baseline = fitted.folds.count == 1 ? scores : try scorer.score(frame)
        return try make(registry.importances, choice).explain(
          scorer, on: frame, baseline: baseline, progress: explaining)
      }
      log("feature importance by \(choice.plugin)")
    }
    timings["total_s"] = Date().timeIntervalSince(started)
    var result = RunResult(
      runID: RunResult.makeID(at: started), startedAt: started, config: config, loaded: loaded, trainRows: trainRows,
      training: fitted.training, scores: scores, threshold: fitted.threshold, cutoffs: fitted.cutoffs, events: events,
      calibrationScores: fitted.calibrationScores, importance: importance, timings: timings,
      // An ensemble has no single detector: its members are kept below (`RunResult.members`).
      detectorState: members.count == 1 ? try detector.exportState() : nil)
    result.memberScores = memberScores
    result.lookahead = members.map(\.detector.lookahead).max() ?? 0
    result.folds = fitted.folds
    result.warnings = warnings
    result.trainingRanges = trainingRanges
    result.trainingRows = trainingRows
    // An ensemble's scores are margins over each member's cut-off: its members keep their own.
    if members.count == 1 {
      result.foldScores = fitted.foldScores
      result.forecastSkill = fitted.skill
      result.trainingScores = fitted.trainingScores
    } else {
      result.members = try members.map {
        RunResult.FittedMember(
          state: try $0.detector.exportState(), threshold: $0.threshold, trainingScores: $0.trainingScores,
          typicalScore: $0.typicalScore, foldScores: $0.foldScores)
      }
    }
    return result
  }

  /// The warning that `cutoffs` (of some rows, each a `rows`) hold no finite cut-off, so that an
  /// adaptive `threshold` could flag none of them; nil when there are none or some.
  static func noCutoffWarning(_ cutoffs: ArraySlice<Float>, threshold: PluginChoice, rows: String) -> String? {
    guard !cutoffs.isEmpty, !cutoffs.contains(where: \.isFinite) else { return nil }
    let history = threshold.parameters.values["min_history"].map { " (min_history \($0))" } ?? ""
    return
      "warning: threshold \(threshold.plugin) set no cut-off on any \(rows), so none could be flagged: it needs more scores before its first than the run has\(history)"
  }

  /// What fitting and scoring every fold of one detector produced.
  struct FittedFolds {
    /// The last fold's detector (the one a saved model keeps).
    var detector: Detector
    /// Each row scored once: the first fold's training rows by the first model, every later row
    /// by the model of the fold it falls in.
    var scores: Scores
    var cutoffs: [Float]
    /// The last fold's calibrated cut-off and calibration size, and its training history.
    var threshold: Float
    var calibrationScores: Int
    /// The last fold's own training scores and calibration size.
    var trainingScores: SavedModel.TrainingScores
    /// Mean of the first fold's calibration scores: the detector's typical score (for `Ensemble`).
    var typicalScore: Float
    /// What the rule says of the first fold's calibration scores (`Threshold.calibrationWarning`):
    /// a walk-forward run's fewest, or as few.
    var calibrationWarning: String?
    var training: TrainingReport
    var folds: [Fold]
    /// Each fold's own training scores, for re-thresholding; empty for a single fit.
    var foldScores: [FoldScores]
    /// A forecaster's errors on the rows each fold tests, against the naive forecast's.
    var skill: ForecastSkill?
    var fitSeconds: Double
    var scoreSeconds: Double
    var thresholdSeconds: Double
  }

  /// Fits a fresh detector and threshold rule per fold, on the fold's training rows only, and
  /// keeps the scores and cut-offs of the rows each fold scores out of sample (plus the first
  /// fold's training rows, in sample). With `warmStart`, each fold's detector starts from the
  /// previous fold's fitted state and trains `refitEpochs` epochs (nil: as configured).
  /// `previous`, when given, is the fitted detector of the fold before the plan's first (a stored
  /// run's last, numbered `fold` from 1): the plan's folds are then its refits. `scoring` and
  /// `cutting` hear how far each fold's scoring and its threshold rule's cut-offs have come.
  func walkForward(
    _ frame: Frame, folds plan: [Fold], warmStart: Bool = false, refitEpochs: Double? = nil, member: EnsembleMember,
    after previous: (detector: Detector, fold: Int)? = nil, observer: TrainingObserver?,
    scoring: ProgressObserver? = nil, cutting: ProgressObserver? = nil, log: (String) -> Void
  ) throws -> FittedFolds {
    let rule = try make(registry.thresholds, member.threshold)
    var typicalScore: Float = 0
    var calibrationWarning: String?
    var values: [Float] = []
    var errors: [Float] = []
    var cutoffs: [Float] = []
    var firstRow = 0
    var folds: [Fold] = []
    var foldScores: [FoldScores] = []
    var scoreSeconds = 0.0
    var thresholdSeconds = 0.0
    var skill: ForecastSkill?
    var last:
      (
        detector: Detector, calibrated: Float, trainingScores: SavedModel.TrainingScores, training: TrainingReport,
        features: Int
      )?
    let refitting = plan.count > 1 || previous != nil
    let numbered = previous?.fold ?? 0
    for (k, planned) in plan.enumerated() {
      var fold = planned
      let detector = try make(registry.detectors, member.detector)
      let warmFrom = warmStart ? last?.detector ?? previous?.detector : nil
      if let warmFrom { detector.warmStart(from: warmFrom, epochs: refitEpochs) }
      var t0 = Date()
      let training = try detector.fit(frame.rows(fold.trainStart..<fold.trainEnd), observer: observer)
      fold.fitSeconds = Date().timeIntervalSince(t0)
      fold.epochs = training.history.count
      fold.finalLoss = training.history.last?.loss
      let trainCount = fold.trainEnd - fold.trainStart
      // A detector that trains epochs took the previous fold's weights (others have none).
      let warmed = warmFrom != nil && !training.history.isEmpty ? " from fold \(numbered + k)'s weights" : ""
      log(
        !refitting
          ? "trained \(member.detector.plugin) on \(trainCount) rows"
          : "fold \(numbered + k + 1) of \(numbered + plan.count): trained \(member.detector.plugin) on rows \(fold.trainStart + 1)–\(fold.trainEnd)\(warmed), scoring rows \(fold.trainEnd + 1)–\(fold.scoreEnd)"
      )
      t0 = Date()
      // A detector that compares each row with every earlier row (discord without a `history`)
      // scores from the first row, so a rolling fold's rows meet every earlier row, as its
      // setting says and as its saved model extending the run does; the fold keeps its own rows'.
      let scoreStart = detector.historyRows == nil ? 0 : fold.trainStart
      let scores = try detector.score(
        frame.rows(scoreStart..<fold.scoreEnd), from: fold.trainStart - scoreStart, progress: scoring)
      scoreSeconds += Date().timeIntervalSince(t0)
      try Self.requireFinite(scores, of: frame, detector: "detector '\(member.detector.plugin)'")
      let calibrationCount = max(0, trainCount - detector.lookahead - scores.firstRow)
      guard calibrationCount > 0 else {
        throw SeismoError.invalidInput(
          "no training row has a score: the detector needs \(scores.firstRow) rows of history\(detector.lookahead > 0 ? " and \(detector.lookahead) after" : "") and the training part has \(trainCount)"
        )
      }
      if k == 0 {
        typicalScore = scores.values.prefix(calibrationCount).reduce(0, +) / Float(calibrationCount)
        calibrationWarning = rule.calibrationWarning(scores: calibrationCount)
      }
      t0 = Date()
      let (calibrated, foldCutoffs) = try rule.calibratedCutoffs(
        for: scores.values, calibrationCount: calibrationCount, progress: cutting)
      thresholdSeconds += Date().timeIntervalSince(t0)
      fold.threshold = calibrated.isFinite ? calibrated : nil
      let inSample = trainCount - scores.firstRow
      if inSample < scores.values.count, let naive = try detector.naiveErrors(frame.rows(fold.trainStart..<fold.scoreEnd)) {
        let tested = ForecastSkill(scores: scores, naive: naive, rows: inSample..<scores.values.count)
        skill = skill?.adding(tested) ?? tested
      }
      // The fold's own training scores: what its rule was calibrated on, kept by a saved model.
      let trainingScores = SavedModel.TrainingScores(
        scores: Array(scores.values.prefix(inSample)), calibrationCount: calibrationCount)
      if refitting {
        foldScores.append(FoldScores(endingAt: fold.trainEnd, trainingScores))
      }
      // The first fold keeps its training rows' (in-sample) scores; later folds only their own rows.
      let keep = k == 0 ? 0 : inSample
      if k == 0 { firstRow = fold.trainStart + scores.firstRow }
      let f = scores.featureCount
      if k == 0 {  // takes the arrays over: a single fit copies nothing
        (values, errors, cutoffs) = (scores.values, scores.featureErrors, foldCutoffs)
      } else {
        values += scores.values[keep...]
        errors += scores.featureErrors[(keep * f)...]
        cutoffs += foldCutoffs[keep...]
      }
      folds.append(fold)
      last = (detector, calibrated, trainingScores, training, f)
    }
    guard let last else { throw SeismoError.state("the split left no fold to fit") }
    return FittedFolds(
      detector: last.detector,
      scores: Scores(firstRow: firstRow, values: values, featureErrors: errors, featureCount: last.features),
      cutoffs: cutoffs, threshold: last.calibrated, calibrationScores: last.trainingScores.calibrationCount,
      trainingScores: last.trainingScores, typicalScore: typicalScore,
      calibrationWarning: calibrationWarning, training: last.training,
      folds: folds, foldScores: foldScores, skill: skill, fitSeconds: folds.map(\.fitSeconds).reduce(0, +),
      scoreSeconds: scoreSeconds,
      thresholdSeconds: thresholdSeconds)
  }

  /// Scores data with a saved model: no training, the saved threshold, every row in the test part;
  /// an ensemble's model scores and cuts with each member, then combines them as `detect` does.
  /// `config.source` says how to read the data; `reading` hears how far it has read, `scoring` how
  /// far each member's scoring has come, `cutting` how far its threshold rule has cut its
  /// scores, and `load`, when given, reads it from the source instead of `load(observer:)`
  /// (incremental scoring holds back rows that wait for a feature). `lastRows`, when given, are
  /// the rows whose flags count (`--in-last`): only their rows within the training rows' times
  /// are warned of.
  public static func score(
    _ model: SavedModel, config: RunConfig, registry: PluginRegistry, reading: ProgressObserver? = nil,
    scoring: ProgressObserver? = nil, cutting: ProgressObserver? = nil, judging lastRows: Int? = nil,
    log: (String) -> Void = { _ in }, load: ((DataSource) throws -> LoadedFrame)? = nil
  ) throws -> RunResult {
    let started = Date()
    var timings: [String: Double] = [:]
    let pipeline = DetectionPipeline(registry: registry, config: config)
    let members = model.members
    let built = try members.map { try pipeline.rebuild($0) }
    var t0 = Date()
    let read = try load.map { try $0(pipeline.source()) } ?? pipeline.loadSource(observer: reading)
    let loaded = try read.withFeatures(model.features, for: "the model")
    timings["load_s"] = Date().timeIntervalSince(t0)
    log(loaded.logLine)
    loaded.warnings.forEach(log)
    // A nightly file of the day's rows is shorter than the model's window: say what to add.
    let rows = loaded.frame.rowCount
    if let (member, (detector, _)) = zip(members, built).max(by: { $0.1.0.warmupRows < $1.1.0.warmupRows }),
      rows <= detector.warmupRows
    {
      let warmup = detector.warmupRows
      throw SeismoError.invalidInput(
        "\(loaded.origin) has \(rows) row\(rows == 1 ? "" : "s"), and the model (\(member.detector.plugin)) scores a row with the \(warmup) rows before it: give the data the \(warmup) rows before \(rows == 1 ? "this one" : "these") as well (those are scored too; --fail-on-anomalies --in-last \(rows) counts only the last \(rows))"
      )
    }
    t0 = Date()
    let flagged = try zip(members, built).enumerated().map { k, pair in
      let (member, (detector, rule)) = pair
      let scores = try naming(member: k, of: members.count) {
        try detector.score(loaded.frame, from: 0, progress: scoring)
      }
      try Self.requireFinite(
        scores, of: loaded.frame, detector: members.count == 1 ? "the model" : "the model's \(member.detector.plugin)")
      let times = loaded.frame.timestamps.dropFirst(scores.firstRow)
      var cut = member.cutoffs(of: rule, seriesStart: loaded.frame.timestamps.first, firstScored: times.first)
      return Ensemble.Flagged(
        scores: scores, cutoffs: cut.cutoffs(for: scores.values[...], at: times, progress: cutting),
        typicalScore: member.typicalScore ?? 1)
    }
    timings["score_s"] = Date().timeIntervalSince(t0)
    let (scores, cutoffs, memberScores) =
      members.count == 1 ? (flagged[0].scores, flagged[0].cutoffs, nil) : Ensemble.combine(flagged)
    if members.count > 1 { log(Ensemble.said(members: members.count)) }
    let noCutoff =
      members.count == 1 ? Self.noCutoffWarning(cutoffs[...], threshold: model.threshold, rows: "scored row") : nil
    let events = config.eventRule.events(scores: scores.values, cutoffs: cutoffs)
    timings["total_s"] = Date().timeIntervalSince(started)
    var result = RunResult(
      runID: RunResult.makeID(at: started), startedAt: started, config: config, loaded: loaded, trainRows: 0,
      training: TrainingReport(), scores: scores, threshold: members.count == 1 ? model.thresholdValue : 0, cutoffs: cutoffs,
      events: events, calibrationScores: 0, importance: nil, timings: timings, detectorState: model.state)
    result.memberScores = memberScores
    result.lookahead = built.map(\.0.lookahead).max() ?? 0
    // Kept by a model stored from this scoring (score --store).
    result.trainingRanges = model.trainingRanges
    result.trainingRows = model.trainingRows
    result.trainingScores = model.trainingScores
    if let noCutoff { result.warnings.append(noCutoff) }
    if let training = model.trainingRows {
      var tally = TrainingRows.Tally(training, detector: model.detector.plugin, lastRows: lastRows)
      result.warnings += [tally.count(loaded.frame), tally.inSampleWarning(shownAs: loaded.frame)].compactMap { $0 }
    }
    // A model of levels, or an ensemble's first member of levels, meets rows outside its range.
    if let level = zip(members, built).first(where: { $1.0.learnsLevels }),
      var drift = LevelDriftCounter(level.0, learnsLevels: true)
    {
      drift.count(loaded.frame, rows: 0..<loaded.frame.rowCount)
      result.warnings += drift.warnings(judged: "scored rows").texts
    }
    // A forecaster that forecasts the new rows worse than it did is said, as detect says it.
    if members.count == 1, let detector = built.first?.0, let naive = try detector.naiveErrors(loaded.frame) {
      let skill = ForecastSkill(scores: scores, naive: naive, rows: 0..<scores.values.count)
      result.forecastSkill = skill
      if let said = skill.warning(
        names: loaded.frame.featureNames, detector: model.detector.plugin, learnsLevels: detector.learnsLevels)
      {
        result.warnings.append(said)
      }
    }
    result.warnings.forEach(log)
    return result
  }

  /// The saved model's detector, its state restored, and its threshold rule. The model file is
  /// untrusted: its plugins are rebuilt through their specs and its state checked before any data
  /// is read, and any problem names the file.
  public func rebuild(_ model: SavedModel) throws -> (Detector, Threshold) {
    do {
      _ = try source()
      let detector = try make(registry.detectors, model.detector)
      try detector.importState(model.state)
      return (detector, try make(registry.thresholds, model.threshold))
    } catch let error as SeismoError {
      guard let origin = model.origin else { throw error }
      throw SeismoError.file(path: origin, message: "unusable model: \(error)")
    }
  }

  /// Runs `body` for member `k` of `count`; in an ensemble, an input error it throws names the
  /// member (`detector: …`, `ensemble[k]: …`), as two members may be the same plugin.
  static func naming<T>(member k: Int, of count: Int, _ body: () throws -> T) throws -> T {
    guard count > 1 else { return try body() }
    do {
      return try body()
    } catch SeismoError.invalidInput(let message) {
      throw SeismoError.invalidInput("\(k == 0 ? "detector" : "ensemble[\(k)]"): \(message)")
    }
  }

  /// Throws unless every score is finite. Scores overflow when the data's magnitudes are near
  /// Float32's limit (3.4e38), so the message names the largest value.
  static func requireFinite(_ scores: Scores, of frame: Frame, detector: String) throws {
    guard let bad = scores.values.firstIndex(where: { !$0.isFinite }) else { return }
    let largest = frame.values.lazy.map(abs).max() ?? 0
    throw SeismoError.invalidInput(
      "\(detector) produced a non-finite score at \(frame.formatTimestamp(frame.timestamps[bad + scores.firstRow])): the data's largest magnitude is \(largest), too large for 32-bit arithmetic; rescale the data (e.g. transform: log_return) or use the rolling-zscore detector"
    )
  }

  /// Builds every configured plugin and prepares the sink (a database sink connects and checks
  /// its schema), so a bad parameter or an unreachable database fails before any data is loaded
  /// or any model trained.
  public func validate() throws {
    _ = try SplitPolicy(parameters: config.split)
    _ = try source()
    for member in config.members {
      _ = try make(registry.detectors, member.detector)
      _ = try make(registry.thresholds, member.threshold)
    }
    if let importance = config.importance { _ = try make(registry.importances, importance) }
    for choice in config.sinks {
      try make(registry.sinks, choice).prepare()
    }
  }

  /// The config's source plugin, built from its parameters.
  public func source() throws -> DataSource { try make(registry.sources, config.source) }

  /// Reads the config's source, telling `observer` how far it has read.
  public func loadSource(observer: ProgressObserver? = nil) throws -> LoadedFrame { try source().load(observer: observer) }

  /// Every indicator of the source loaded alone, from one read (`DataSource.loadEachAlone`).
  public func loadEachSourceIndicatorAlone() throws -> [String: LoadedFrame]? { try source().loadEachAlone() }

  /// The source's indicators without loading its rows (`DataSource.indicatorNames`).
  public func sourceIndicators() throws -> [String]? { try source().indicatorNames() }

  /// Builds the chosen plugin from its parameters, checked again against the plugin's spec: a
  /// saved model's are untrusted, and parameters declared since it was saved take their defaults.
  func make<P>(_ entries: [String: PluginRegistry.Entry<P>], _ choice: PluginChoice) throws -> P {
    guard let entry = entries[choice.plugin] else { throw SeismoError.state("plugin '\(choice.plugin)' is not registered") }
    let section = entry.descriptor.kind.rawValue
    return try entry.make(choice.parameters.resolved(against: entry.descriptor.parameters, section: section))
  }
}
