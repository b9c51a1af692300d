/// Learns what normal looks like and scores how abnormal each timestamp is.
///
/// The interface follows PyOD's `BaseDetector`: `fit` on training rows, then `score` any frame
/// with the same features (`FrameScorer`). Higher scores are more anomalous; a `Threshold` turns them into flags.
public protocol Detector: AnyObject, FrameScorer {
  /// Trains on `train`. `observer` is called once per epoch for detectors that have epochs.
  func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport

  /// `score(frame).fromRow(row)`: the scores of `frame`'s rows from `row` on, the rows before
  /// being context only, which a detector may leave unscored (discord compares only the later
  /// rows' windows with every earlier one). Equal to it up to rounding. `progress`, when given,
  /// hears how far long scoring has come (windows scored, pairs of windows compared), from one
  /// thread at a time.
  func score(_ frame: Frame, from row: Int, progress: ProgressObserver?) throws -> Scores

  /// The fitted state, to save with a model. Throws when not fitted.
  func exportState() throws -> DetectorState

  /// Restores a state made by `exportState` of a detector built with the same parameters, so
  /// `score` works without `fit`. Throws a clear error when the state does not fit.
  func importState(_ state: DetectorState) throws

  /// Rows of history before the first score (`Scores.firstRow` of any frame it scores).
  var warmupRows: Int { get }

  /// Rows before row t that row t's score may use: `warmupRows` for a windowed detector, nil when
  /// it may use every earlier row (such a detector cannot score a stream).
  var historyRows: Int? { get }

  /// How many rows after row t its score may depend on: 0 for a causal (point-in-time) detector.
  /// Scores of the last `lookahead` training rows have seen test rows, so they never calibrate a
  /// threshold.
  var lookahead: Int { get }

  /// Whether the detector models the values' levels as the training rows hold them (a scaler
  /// and weights fitted there), so that a row far outside the training range scores as anomalous
  /// for that alone: a trending price scored by a model of its levels. The pipeline warns when
  /// many test rows lie outside it.
  var learnsLevels: Bool { get }

  /// A forecaster's: the errors of the naive forecast that repeats each row's last value (no
  /// change, for a model of changes) on the rows `score(frame)` scores, in the units and shape of
  /// its `featureErrors` (`ForecastSkill` compares them). Nil for a detector that does not
  /// forecast.
  func naiveErrors(_ frame: Frame) throws -> Scores?

  /// Makes the next `fit` start from `previous`'s fitted state and train at most `epochs` epochs
  /// (nil: as many as configured; a fraction trains its last epoch on that share of the windows)
  /// — a walk-forward refit with `split.warm_start` and `split.refit_epochs`. Detectors without
  /// learned weights ignore it.
  func warmStart(from previous: Detector, epochs: Double?)
}

extension Detector {
  public func score(_ frame: Frame, from row: Int, progress: ProgressObserver?) throws -> Scores {
    try score(frame).fromRow(row)
  }
  /// `score(frame, from: row, progress: nil)`.
  public func score(_ frame: Frame, from row: Int) throws -> Scores { try score(frame, from: row, progress: nil) }
  public var historyRows: Int? { warmupRows }
  public var lookahead: Int { 0 }
  public var learnsLevels: Bool { false }
  public func naiveErrors(_ frame: Frame) throws -> Scores? { nil }
  public func warmStart(from previous: Detector, epochs: Double?) {}
}

/// What `fit` did: the per-epoch history (empty for detectors without epochs).
public struct TrainingReport: Sendable, Codable, Equatable {
  public var history: [EpochRecord]

  public init(history: [EpochRecord] = []) { self.history = history }
}
