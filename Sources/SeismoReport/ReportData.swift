import SeismoCore

/// What a report shows: the input series, the scores and flags, training history, importance.
/// Built from a finished run, or read back from a run folder by `seismo report`.
public struct ReportData: Sendable {
  public var runID: String
  /// The run's detector with its threshold rule, or an ensemble's members (`RunConfig.members`).
  public var members: [EnsembleMember]
  /// Input rows (values in the data's units) on their time axis.
  public var frame: Frame
  /// Leading rows of `frame` that trained (0 when a saved model scored the data).
  public var trainRows: Int
  /// Frame row of the first score; score i is row `firstScoreRow + i` (a run's scores are
  /// contiguous: only warm-up rows at the start have none).
  public var firstScoreRow: Int
  public var scores: [Float]
  /// Top feature of each score, as its index in `frame.featureNames` (4 bytes a row).
  public var topFeatures: [Int32]
  /// The calibrated cut-off, drawn as a line when every row has it (nil: adaptive or none).
  public var threshold: Float?
  /// Whether each score is flagged (strictly above its own cut-off).
  public var flags: [Bool]
  /// An ensemble's members' own scores and cut-offs, by score, which say which members flag a
  /// row; nil for one detector, or a folder written before `scores.csv` had them.
  public var memberScores: MemberScores?
  /// Each score's own cut-off when they vary (an adaptive rule or walk-forward folds), drawn as a
  /// stepped line; infinity where the rule has none yet. Empty when `threshold` says it all.
  public var cutoffs: [Float] = []
  public var history: [EpochRecord]
  /// The run's fits (more than one for a walk-forward run).
  public var folds: [Fold] = []
  public var importance: [FeatureImportanceEntry]?
  /// What the run warned about its data and itself (`LoadedFrame.warnings`,
  /// `RunResult.warnings`), shown under the summary.
  public var warnings: [String] = []
  /// A forecaster's MASE on its test rows (`ForecastSkill`), and how many; nil for other detectors.
  public var forecastSkill: (mase: Double, rows: Int)?

  public init(
    runID: String, members: [EnsembleMember], frame: Frame, trainRows: Int, firstScoreRow: Int,
    scores: [Float], topFeatures: [Int32], threshold: Float?, flags: [Bool], history: [EpochRecord],
    importance: [FeatureImportanceEntry]?
  ) {
    self.runID = runID
    self.members = members
    self.frame = frame
    self.trainRows = trainRows
    self.firstScoreRow = firstScoreRow
    self.scores = scores
    self.topFeatures = topFeatures
    self.threshold = threshold
    self.flags = flags
    self.history = history
    self.importance = importance
  }

  public init(_ run: RunResult) {
    let indices = run.scores.values.indices
    self.init(
      runID: run.runID, members: run.config.members,
      frame: run.frame, trainRows: run.trainRows, firstScoreRow: run.scores.firstRow,
      scores: run.scores.values, topFeatures: indices.map { Int32(run.scores.topFeature(at: $0)) },
      threshold: run.hasConstantCutoff && run.threshold.isFinite ? run.threshold : nil,
      flags: indices.map(run.isAnomaly), history: run.training.history, importance: run.importance)
    folds = run.folds
    memberScores = run.memberScores
    if !run.hasConstantCutoff { cutoffs = run.cutoffs }
    warnings = run.loaded.warnings + run.warnings
    forecastSkill = run.forecastSkill.flatMap { skill in skill.ratio.map { ($0, skill.rows) } }
  }

  /// The detector as the summary names it: its plugin, or an ensemble's members (`Ensemble`).
  public var detector: String { Ensemble.detectorName(members) }
  /// The threshold as the summary names it: its rule, or what an ensemble's cut-off cuts.
  public var thresholdPlugin: String { Ensemble.thresholdName(members) }
  /// What a score is: an ensemble's are margins over its members' own cut-offs.
  public var scoreName: String { Ensemble.scoreName(members) }

  /// Indices into `scores` of flagged rows (score strictly above its cut-off).
  public var flagged: [Int] { scores.indices.filter { flags[$0] } }

  /// Scores of training rows, for the histogram.
  public var trainingScores: [Float] { Array(scores.prefix(max(0, trainRows - firstScoreRow))) }

  /// The features to draw, at most `max` of them, as indices into `frame.featureNames`: those
  /// that top the most flagged rows first (the test part's flags, then all), so the features
  /// behind the flags are drawn however many the run has; then the most important (when
  /// importance ran) or, failing that, the first in the data.
  public func panelFeatures(max: Int) -> [Int] {
    let ranked = importance.map { $0.compactMap { frame.featureIndex($0.feature) } } ?? []
    let order = ranked + (0..<frame.featureCount).filter { !ranked.contains($0) }
    var topped = [(test: Int, all: Int)](repeating: (0, 0), count: frame.featureCount)
    for i in flagged {
      let j = Int(topFeatures[i])
      topped[j].all += 1
      if scoreRow(i) >= trainRows { topped[j].test += 1 }
    }
    let byFlags = order.enumerated().sorted { a, b in
      let (x, y) = (topped[a.element], topped[b.element])
      return x.test != y.test ? x.test > y.test : x.all != y.all ? x.all > y.all : a.offset < b.offset
    }
    return byFlags.prefix(max).map(\.element)
  }

  /// The frame row of score `i`.
  public func scoreRow(_ i: Int) -> Int { firstScoreRow + i }
}
