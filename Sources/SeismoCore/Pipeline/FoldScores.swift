/// A walk-forward fold's own scores of its training rows: what its threshold was calibrated on.
///
/// A walk-forward run keeps each row's score from the model of the fold that scored it out of
/// sample, so a later fold's in-sample scores (its model on the rows it trained on) are not among
/// the run's scores. They are kept here, so the run can be re-thresholded as `detect` thresholded
/// it: each fold's rule calibrated on its own training scores (`seismo rethreshold`).
public struct FoldScores: Sendable, Equatable {
  /// Series row of `scores[0]`: the fold's first training row with a score.
  public var firstRow: Int
  /// The fold's model's scores of its training rows `firstRow ..< firstRow + scores.count` (the
  /// fold's out-of-sample rows follow them).
  public var scores: [Float]
  /// How many leading `scores` calibrated the threshold: the rest looked past the training rows
  /// (`Detector.lookahead`).
  public var calibrationCount: Int

  public init(firstRow: Int, scores: [Float], calibrationCount: Int) {
    self.firstRow = firstRow
    self.scores = scores
    self.calibrationCount = calibrationCount
  }

  /// A fold's model's `training` scores of its rows up to `trainEnd` (its first out-of-sample
  /// row): they are its last training rows' (the first rows have no score yet).
  public init(endingAt trainEnd: Int, _ training: SavedModel.TrainingScores) {
    self.init(firstRow: trainEnd - training.scores.count, scores: training.scores, calibrationCount: training.calibrationCount)
  }

  /// The series row after the fold's training rows: its first out-of-sample row.
  public var endRow: Int { firstRow + scores.count }

  /// The scores that calibrated the fold's rule: the first `calibrationCount`.
  public var calibrationScores: ArraySlice<Float> { scores.prefix(calibrationCount) }
}

extension Threshold {
  /// Calibrates on the first `calibrationCount` of one model's `scores` and gives every score
  /// its cut-off, as a fit thresholds its scores; `progress` hears how many have been cut.
  public func calibratedCutoffs(for scores: [Float], calibrationCount: Int, progress: ProgressObserver? = nil) throws
    -> (calibrated: Float, cutoffs: [Float])
  {
    let calibrated = try calibrate(trainingScores: Array(scores.prefix(calibrationCount)))
    return (calibrated, cutoffs(for: scores, calibrationCount: calibrationCount, calibrated: calibrated, progress: progress))
  }

  /// `calibratedCutoffs(for:calibrationCount:)`'s cut-offs given the first `known.count` of
  /// them (this rule's, as stored): the rule's stream is resumed over those scores with their
  /// cut-offs (`resumedStream`), where a rule may skip work (`spot` refits its tail at no peak it
  /// replays), and only the rest are computed.
  public func cutoffs(for scores: [Float], calibrationCount: Int, knowing known: ArraySlice<Float>) throws -> [Float] {
    try resumableCutoffs(for: scores, calibrationCount: calibrationCount, knowing: known).cutoffs
  }

  /// `cutoffs(for:calibrationCount:knowing:)`, with the rule's stream after the last score,
  /// which cuts the scores that follow them as a cut of them all would. `progress` hears how
  /// many of the scores after the known cut-offs have been cut.
  public func resumableCutoffs(
    for scores: [Float], calibrationCount: Int, knowing known: ArraySlice<Float>, progress: ProgressObserver? = nil
  ) throws -> ResumableCutoffs {
    try cutoffs(
      of: scores[...], fed: [], calibration: scores.prefix(calibrationCount), knowing: known, progress: progress)
  }

  /// The cut-offs of a walk-forward run's `scores` (series rows `firstRow…`, each scored by its
  /// fold's model) under this rule: each fold's rule calibrated on that fold's own training
  /// scores and run on through its out-of-sample rows, as `detect` does. The first fold's
  /// training rows are the first scores; the last fold's out-of-sample rows run to the end of
  /// `scores` (rows appended by incremental scoring belong to it). The first `known.count`
  /// cut-offs are given (this rule's, as stored): a fold they cover is not cut again, and the
  /// fold where they end resumes from them (`cutoffs(for:calibrationCount:knowing:)`).
  /// - Throws: when the folds do not tile `scores`.
  public func cutoffs(
    for scores: [Float], firstRow: Int, walkingForward folds: [FoldScores], knowing known: ArraySlice<Float> = []
  ) throws -> [Float] {
    try resumableCutoffs(for: scores, firstRow: firstRow, walkingForward: folds, knowing: known).cutoffs
  }

  /// `cutoffs(for:firstRow:walkingForward:knowing:)`, with the last fold's stream after the last
  /// score, which cuts the scores that follow them (until the next refit) as a cut of them all
  /// would. `progress` hears how far each fold that is cut has come.
  public func resumableCutoffs(
    for scores: [Float], firstRow: Int, walkingForward folds: [FoldScores], knowing known: ArraySlice<Float> = [],
    progress: ProgressObserver? = nil
  ) throws -> ResumableCutoffs {
    guard let first = folds.first, first.firstRow == firstRow else {
      throw SeismoError.state("the first fold's scores do not start at the run's first scored row \(firstRow)")
    }
    var cutoffs: [Float] = []
    cutoffs.reserveCapacity(scores.count)
    for (k, fold) in folds.enumerated() {
      let end = k + 1 < folds.count ? folds[k + 1].endRow : firstRow + scores.count
      guard firstRow <= fold.endRow, fold.endRow <= end, end <= firstRow + scores.count else {
        throw SeismoError.state("fold \(k + 1)'s rows (\(fold.firstRow)..<\(end)) do not fit the run's scored rows")
      }
      // The rows the fold cuts: its out-of-sample rows, after the first fold's training rows
      // (the run's first rows); a later fold's training rows are fed before them, uncut.
      let outOfSample = scores[(fold.endRow - firstRow)..<(end - firstRow)]
      let rows = k == 0 ? fold.scores + outOfSample : outOfSample
      let ahead = known.dropFirst(cutoffs.count).prefix(rows.count)
      if ahead.count == rows.count, k + 1 < folds.count {
        cutoffs += ahead
        continue
      }
      let cut = try self.cutoffs(
        of: rows, fed: k == 0 ? [] : fold.scores[...], calibration: fold.calibrationScores, knowing: ahead,
        progress: progress)
      guard k + 1 < folds.count else { return ResumableCutoffs(cutoffs: cutoffs + cut.cutoffs, stream: cut.stream) }
      cutoffs += cut.cutoffs
    }
    preconditionFailure("the last fold returns")
  }

  /// The cut-offs of `rows`, fed after `fed` (uncut) to this rule calibrated on `calibration`,
  /// the first `known.count` of them given, and the stream after them; `progress` hears how many
  /// of the others have been cut.
  private func cutoffs(
    of rows: ArraySlice<Float>, fed: ArraySlice<Float>, calibration: ArraySlice<Float>, knowing known: ArraySlice<Float>,
    progress: ProgressObserver?
  ) throws -> ResumableCutoffs {
    let calibration = Array(calibration)
    var stream = resumedStream(
      ThresholdReplay(calibration: calibration, fed: Array(fed + rows.prefix(known.count)), cutoffs: Array(known)),
      calibrated: try calibrate(trainingScores: calibration))
    let cutoffs = Array(known) + stream.cutoffs(for: rows.dropFirst(known.count), progress: progress)
    return ResumableCutoffs(cutoffs: cutoffs, stream: stream)
  }
}

/// A threshold rule's cut-offs of a run's scores, and its stream after the last of them: fed the
/// scores that follow, it cuts them as a cut of all the scores would (a per-row threshold
/// version goes on with the rows a watcher appends).
public struct ResumableCutoffs {
  public var cutoffs: [Float]
  public var stream: any CutoffStream
}
