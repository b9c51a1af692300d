import Foundation

/// Everything a finished detection run produced; what sinks persist.
public struct RunResult: Sendable {
  /// Unique per run: `YYYYMMDD-HHMMSS-xxxxxx` (UTC start time plus random hex).
  public var runID: String
  public var startedAt: Date
  public var config: RunConfig
  public var loaded: LoadedFrame
  /// Leading rows of `loaded.frame` used for training.
  public var trainRows: Int
  public var training: TrainingReport
  /// Scores of the whole frame (training and test rows).
  public var scores: Scores
  /// The threshold rule's calibrated cut-off (for adaptive rules, the one in force after the
  /// calibration scores); infinity when the rule had too few scores to set one.
  public var threshold: Float
  /// One cut-off per score: scored index `i` is an anomaly when its score is strictly greater
  /// than `cutoffs[i]` (infinity: no cut-off yet, never flagged).
  public var cutoffs: [Float]
  /// An ensemble's members' own scores and cut-offs of the scored rows (the margins' indices);
  /// nil for one detector.
  public var memberScores: MemberScores?
  /// Flagged rows grouped by the run's `EventRule`; indices are scored indices.
  public var events: [EventRule.Event]
  /// Leading scores that calibrated the threshold (training rows whose scores saw no test row).
  public var calibrationScores: Int
  /// Ranked by mean importance, largest first; nil when no importance plugin ran.
  public var importance: [FeatureImportanceEntry]?
  /// Wall seconds per stage: load, fit, score, threshold, importance, total.
  public var timings: [String: Double]
  /// The fitted detector's state (for `SavedModel`).
  public var detectorState: DetectorState?
  /// An ensemble's members as fitted (its last fold's), in the config's order, which a saved
  /// model keeps; empty for one detector (`detectorState` and `threshold` are its).
  public var members: [FittedMember] = []

  /// One fitted member of an ensemble: its detector's state, its rule's calibrated cut-off, the
  /// training scores it was calibrated on, and its typical score (`Ensemble`).
  public struct FittedMember: Sendable {
    public var state: DetectorState
    public var threshold: Float
    public var trainingScores: SavedModel.TrainingScores?
    public var typicalScore: Float?
    /// Walking forward, each fold's own training scores (as `foldScores` for one detector).
    public var foldScores: [FoldScores]

    public init(
      state: DetectorState, threshold: Float, trainingScores: SavedModel.TrainingScores?, typicalScore: Float? = nil,
      foldScores: [FoldScores] = []
    ) {
      self.state = state
      self.threshold = threshold
      self.trainingScores = trainingScores
      self.typicalScore = typicalScore
      self.foldScores = foldScores
    }
  }
  /// Later rows each score may depend on (`Detector.lookahead`); 0 for point-in-time scores.
  public var lookahead: Int = 0
  /// The fits of the run: one, or one per walk-forward refit.
  public var folds: [Fold] = []
  /// Each feature's smallest and largest value in the rows the kept detector (the last fold's)
  /// was fitted on, which a saved model keeps; a scoring run passes its model's on. Nil when
  /// unknown.
  public var trainingRanges: [ClosedRange<Float>]?
  /// The times and spacing of the rows the last fold's detector was fitted on, which a saved
  /// model keeps; nil for rows without times.
  public var trainingRows: TrainingRows?
  /// The scores of the rows the last fold's detector was fitted on, which its threshold rule was
  /// calibrated on, kept by a saved model; a scoring run passes its model's on. Nil for an
  /// ensemble.
  public var trainingScores: SavedModel.TrainingScores?
  /// A forecaster's errors on the test rows against the naive forecast's (one detector, not an
  /// ensemble); nil for other detectors, or without test rows.
  public var forecastSkill: ForecastSkill?
  /// What the run warned about besides its data's load (`LoadedFrame.warnings`): a split that
  /// tests nothing, test rows outside the range a model of levels learned.
  public var warnings: [String] = []
  /// A walk-forward run's folds' own training scores, which its threshold was calibrated on
  /// (what `rethreshold` needs); empty for a single fit or an ensemble.
  public var foldScores: [FoldScores] = []

  public var frame: Frame { loaded.frame }

  /// Whether scored index `i` (frame row `scores.firstRow + i`) is flagged.
  public func isAnomaly(_ i: Int) -> Bool { scores.values[i] > cutoffs[i] }

  /// Every row with its part, score, cut-off and alert, as `scores.csv` and the postgres sink
  /// write them.
  public var scoredRows: ScoresCSV.Rows {
    ScoresCSV.Rows(
      frame: frame, trainRows: trainRows, scores: scores, cutoffs: cutoffs, alerts: Set(events.map(\.alert)),
      members: memberScores)
  }

  /// Whether every scored row has the same cut-off (a fixed or percentile rule, one fold).
  public var hasConstantCutoff: Bool { cutoffs.allSatisfy { $0 == cutoffs.first } }

  /// Flagged rows, in time order.
  public var anomalies: [Anomaly] {
    scores.values.indices.filter(isAnomaly).map { i in
      let row = scores.row(i)
      return Anomaly(
        row: row, timestamp: frame.timestamps[row], score: scores.values[i],
        topFeature: frame.featureNames[scores.topFeature(at: i)], isTraining: row < trainRows)
    }
  }

  /// A new run id from the current time.
  public static func makeID(at date: Date = Date()) -> String {
    let seconds = Timestamp(date.timeIntervalSince1970)
    let stamp = CivilTime.format(seconds, withTime: true)
      .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "").replacingOccurrences(of: " ", with: "-")
    return stamp + "-" + String(UInt32.random(in: 0..<0xFF_FFFF), radix: 16).leftPadded(to: 6)
  }
}

/// One flagged row.
public struct Anomaly: Sendable, Equatable {
  public var row: Int
  public var timestamp: Timestamp
  public var score: Float
  /// The feature with the largest error at this row.
  public var topFeature: String
  public var isTraining: Bool
}

extension String {
  func leftPadded(to width: Int, with pad: Character = "0") -> String {
    count >= width ? self : String(repeating: pad, count: width - count) + self
  }
}
