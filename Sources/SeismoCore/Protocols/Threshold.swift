/// A threshold rule with two verbs, as Merlion's post-rules and PyOD's `threshold_` have them:
/// `calibrate` learns from the calibration scores (the training rows' scores), then `cutoffs`
/// gives every scored row its own cut-off. A row is an anomaly when its score is **strictly
/// greater** than its cut-off.
///
/// Point in time: the cut-off of score t may use scores 0 … t − 1 and the calibrated value, never
/// score t itself or later ones, so appending rows never changes an earlier flag. A fixed or
/// percentile rule gives every row the calibrated value; an adaptive rule (likelihood) moves with
/// the scores. `Float.infinity` means "no cut-off yet" (an adaptive rule's warm-up): never flagged.
public protocol Threshold {
  /// The rule's summary cut-off, learned from `trainingScores` (fixed rules ignore them). For
  /// adaptive rules this is the cut-off in force after the last calibration score.
  func calibrate(trainingScores: [Float]) throws -> Float

  /// One cut-off per score, in order. The first `calibrationCount` scores are the ones
  /// `calibrate` saw (0 when a saved model scores new data); `calibrated` is what it returned.
  func cutoffs(for scores: [Float], calibrationCount: Int, calibrated: Float) -> [Float]
}

extension Threshold {
  /// A static rule: the calibrated value for every row.
  public func cutoffs(for scores: [Float], calibrationCount: Int, calibrated: Float) -> [Float] {
    [Float](repeating: calibrated, count: scores.count)
  }
}
