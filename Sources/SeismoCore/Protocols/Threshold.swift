/// Turns scores into flags: calibrated on training scores, then a row is flagged when its score
/// is strictly greater than the cut-off (Merlion's post-rule: calibrate, then threshold).
public protocol Threshold {
  /// The cut-off learned from `trainingScores` (fixed thresholds ignore them).
  func calibrate(trainingScores: [Float]) throws -> Float
}
