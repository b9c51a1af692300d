/// Explains a trained detector, or an ensemble's margins: how much each feature drives its scores.
public protocol FeatureImportance {
  /// - Parameters:
  ///   - scorer: a fitted detector, or an ensemble's margins (`EnsembleMargins`).
  ///   - frame: the rows to explain (usually the whole frame that was scored).
  ///   - baseline: `scorer.score(frame)`, already computed by the pipeline.
  ///   - progress: hears each scoring of the frame done, of all the explanation makes.
  func explain(_ scorer: any FrameScorer, on frame: Frame, baseline: Scores, progress: ProgressObserver?) throws
    -> [FeatureImportanceEntry]
}

/// The importance of one feature: mean and standard deviation over repeats of the change in
/// mean score when that feature is disturbed.
public struct FeatureImportanceEntry: Sendable, Codable, Equatable {
  public var feature: String
  public var mean: Double
  public var std: Double

  public init(feature: String, mean: Double, std: Double) {
    self.feature = feature
    self.mean = mean
    self.std = std
  }
}
