import SeismoCore

/// A rule whose cut-offs come from streaming over the scores themselves (likelihood, dynamic):
/// the calibration scores are just its first history, and its calibrated value is the cut-off it
/// would give the row after them (infinity when they are too few).
protocol StreamingThreshold: Threshold {}

extension StreamingThreshold {
  public func calibrate(trainingScores: [Float]) throws -> Float {
    cutoffs(for: trainingScores + [0], calibrationCount: trainingScores.count, calibrated: 0).last ?? .infinity
  }
}
