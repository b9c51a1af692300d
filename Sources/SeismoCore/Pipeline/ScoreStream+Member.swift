extension ScoreStream {
  /// One detector of the stream's model (an ensemble has several), with its threshold rule's
  /// stream of cut-offs.
  struct Member {
    let detector: Detector
    let rule: any Threshold
    /// The member's model, whose training scores its cut-offs go on from when its first scored
    /// row comes after its training rows (`SavedModel.cutoffs(of:seriesStart:firstScored:)`).
    let model: SavedModel
    /// Set at the member's first scored row, or by `resume` (an ensemble's by `resumeMembers`).
    var cutoffs: ModelCutoffs?

    init(_ model: SavedModel, pipeline: DetectionPipeline) throws {
      (detector, rule) = try pipeline.rebuild(model)
      self.model = model
    }

    /// The member's scores of the rows of `frame` after its first `contextRows` (scored with
    /// the piece before), and their cut-offs, its rule started at its first scored row of a
    /// series whose first row is at `seriesStart`.
    mutating func scoreAndCut(_ frame: Frame, contextRows: Int, seriesStart: Timestamp?, detectorName: String) throws -> (
      all: Scores, own: Ensemble.Flagged
    ) {
      let scores = try detector.score(frame)
      try DetectionPipeline.requireFinite(scores, of: frame, detector: detectorName)
      guard scores.firstRow == detector.warmupRows else {
        throw SeismoError.state(
          "the detector's first score is at row \(scores.firstRow), not after its warm-up of \(detector.warmupRows) rows")
      }
      // The context rows' own scores were written with the piece before.
      let skip = max(0, contextRows - scores.firstRow)
      let f = scores.featureCount
      let own = Scores(
        firstRow: max(0, scores.firstRow - contextRows), values: Array(scores.values[skip...]),
        featureErrors: Array(scores.featureErrors[(skip * f)...]), featureCount: f)
      let times = frame.timestamps.dropFirst(contextRows + own.firstRow)
      var cutoffs = self.cutoffs ?? model.cutoffs(of: rule, seriesStart: seriesStart, firstScored: times.first)
      let cut = cutoffs.cutoffs(for: own.values[...], at: times)
      if !own.values.isEmpty { self.cutoffs = cutoffs }
      return (scores, Ensemble.Flagged(scores: own, cutoffs: cut, typicalScore: model.typicalScore ?? 1))
    }
  }
}
