/// Scores the rows of a frame: what feature importance asks of a model. A fitted `Detector` is
/// one; so is an ensemble's margins over its members' cut-offs (`EnsembleMargins`).
public protocol FrameScorer {
  /// Scores every row of `frame` that has enough history (see `Scores.firstRow`).
  func score(_ frame: Frame) throws -> Scores
}
