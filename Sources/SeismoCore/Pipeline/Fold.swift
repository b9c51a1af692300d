/// One fit in a run: the rows a detector trained on and the rows it then scored out of sample.
///
/// A plain run has one fold: train on the head, score the rest. A walk-forward run (split
/// `refit_every`) refits every `refit_every` rows on the rows before them (all of them, or the
/// last `train_rows` with `refit_window: rolling`), so every test row is scored by a model — and
/// flagged by a threshold — fitted only on rows before it.
public struct Fold: Sendable, Codable, Equatable {
  /// Rows `trainStart ..< trainEnd` trained.
  public var trainStart: Int
  public var trainEnd: Int
  /// Rows `trainEnd ..< scoreEnd` were scored by this fold's model.
  public var scoreEnd: Int
  /// The threshold rule's calibrated cut-off for this fold (nil: none yet).
  public var threshold: Float?
  /// Epochs trained and the last training loss (nil for detectors without epochs).
  public var epochs: Int
  public var finalLoss: Double?
  public var fitSeconds: Double

  enum CodingKeys: String, CodingKey {
    case threshold, epochs
    case trainStart = "train_start_row"
    case trainEnd = "train_end_row"
    case scoreEnd = "score_end_row"
    case finalLoss = "final_loss"
    case fitSeconds = "fit_s"
  }

  public init(
    trainStart: Int, trainEnd: Int, scoreEnd: Int, threshold: Float? = nil, epochs: Int = 0, finalLoss: Double? = nil,
    fitSeconds: Double = 0
  ) {
    self.trainStart = trainStart
    self.trainEnd = trainEnd
    self.scoreEnd = scoreEnd
    self.threshold = threshold
    self.epochs = epochs
    self.finalLoss = finalLoss
    self.fitSeconds = fitSeconds
  }
}
