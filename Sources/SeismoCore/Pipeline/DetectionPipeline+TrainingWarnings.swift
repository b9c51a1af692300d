/// What a run's training rows say before any detector is fitted (`DetectionPipeline.run` warns
/// of it, and keeps it in summary.json).
extension DetectionPipeline {
  /// What the folds' training rows of `frame` say before any fit: test rows (from `trainRows`)
  /// spaced otherwise than the first fold's training rows, and features with one value in every
  /// training row of a fold, of which that fold's detector learns nothing and whose later changes
  /// it judges against no spread (a rolling refit over years of a policy rate at its floor).
  static func trainingWarnings(_ frame: Frame, folds: [Range<Int>], trainRows: Int) -> [String] {
    guard let first = folds.first else { return [] }
    var said: [String] = []
    if let training = RowSpacing(of: frame, rows: first), let test = RowSpacing(of: frame, rows: trainRows..<frame.rowCount),
      let warning = training.warning(test: test)
    {
      said.append(warning)
    }
    for j in 0..<frame.featureCount {
      let constant = constantFolds(of: j, in: frame, folds: folds)
      guard let k = constant.first else { continue }
      let rows = folds[k]
      let span =
        "\(frame.formatTimestamp(frame.timestamps[rows.lowerBound])) – \(frame.formatTimestamp(frame.timestamps[rows.upperBound - 1]))"
      let more = constant.count - 1
      let which =
        folds.count == 1
        ? "every training row (\(span))"
        : "every training row of fold \(k + 1) of \(folds.count) (\(span))\(more > 0 ? ", and one value in those of \(more) later fold\(more == 1 ? "" : "s")" : "")"
      said.append(
        "warning: \(frame.featureNames[j]) has one value (\(frame[rows.lowerBound, j])) in \(which): the detector learns nothing of it, and judges any later change against no spread"
      )
    }
    return said
  }

  /// The indices of the folds (training rows of 2 or more, ends in order) in whose every
  /// training row feature `j` has one value: one pass over the rows, keeping where the current
  /// run of one value began.
  static func constantFolds(of j: Int, in frame: Frame, folds: [Range<Int>]) -> [Int] {
    var constant: [Int] = []
    var runStart = 0
    var k = 0
    for r in 0..<frame.rowCount where k < folds.count {
      if r > 0, frame[r, j] != frame[r - 1, j] { runStart = r }
      while k < folds.count, folds[k].upperBound - 1 <= r {
        if folds[k].count >= 2, runStart <= folds[k].lowerBound { constant.append(k) }
        k += 1
      }
    }
    return constant
  }
}
