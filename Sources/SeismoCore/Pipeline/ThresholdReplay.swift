/// What a stored run's threshold rule ran through, to resume it where the run left it
/// (`Threshold.resumedStream(_:calibrated:)`).
public struct ThresholdReplay: Sendable {
  /// The scores the rule was calibrated on.
  public let calibration: [Float]
  /// Every score it was then fed, the calibration's first, as `detect` fed them; the next score
  /// it cuts is the one after the last.
  public let fed: [Float]
  /// The cut-offs the rule gave `fed`'s last `cutoffs.count` scores, as the run stored them (a
  /// walk-forward fold's training scores, cut by an earlier fold, have none here).
  public let cutoffs: [Float]

  public init(calibration: [Float], fed: [Float], cutoffs: [Float] = []) {
    precondition(cutoffs.count <= fed.count, "more cut-offs than scores fed")
    self.calibration = calibration
    self.fed = fed
    self.cutoffs = cutoffs
  }
}
