/// What a run's training rows say before any detector is fitted (`DetectionPipeline.run` warns
/// of it, and keeps it in summary.json).
extension DetectionPipeline {
  /// What the folds' training rows of `frame` say before any fit: test rows (from `trainRows`)
  /// spaced otherwise than the first fold's training rows, and features with one value in every
  /// training row of a fold, of which that fold's detector learns nothing and whose later changes
  /// it judges against no spread (a rolling refit over years of a policy rate at its floor);
  /// more than three constant in the same rows share one warning.
  static func trainingWarnings(_ frame: Frame, folds: [Range<Int>], trainRows: Int) -> [String] {
    guard let first = folds.first else { return [] }
    var said: [String] = []
    if let training = RowSpacing(of: frame, rows: first), let test = RowSpacing(of: frame, rows: trainRows..<frame.rowCount),
      let warning = training.warning(test: test)
    {
      said.append(warning)
    }
    // Each constant feature with its value, by the training rows it is constant in.
    var constant: [String: [(name: String, value: Float)]] = [:]
    var order: [String] = []
    for j in 0..<frame.featureCount {
      let found = constantFolds(of: j, in: frame, folds: folds)
      guard let k = found.first else { continue }
      let rows = folds[k]
      let span =
        "\(frame.formatTimestamp(frame.timestamps[rows.lowerBound])) – \(frame.formatTimestamp(frame.timestamps[rows.upperBound - 1]))"
      let more = found.count - 1
      let which =
        folds.count == 1
        ? "every training row (\(span))"
        : "every training row of fold \(k + 1) of \(folds.count) (\(span))\(more > 0 ? ", and one value in those of \(more) later fold\(more == 1 ? "" : "s")" : "")"
      if constant[which] == nil { order.append(which) }
      constant[which, default: []].append((frame.featureNames[j], frame[rows.lowerBound, j]))
    }
    // More than `LevelDrift.listedApart` constant in the same rows share one warning.
    for which in order {
      let features = constant[which]!
      guard features.count > LevelDrift.listedApart else {
        said += features.map {
          "warning: \($0.name) has one value (\($0.value)) in \(which): the detector learns nothing of it, and judges any later change against no spread"
        }
        continue
      }
      said.append(
        "warning: \(features.count) of \(frame.featureCount) features have one value each in \(which): the detector learns nothing of them, and judges any later change against no spread: \(EditDistance.listing(features.map { "\($0.name) (\($0.value))" }))"
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
