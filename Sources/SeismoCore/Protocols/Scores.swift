/// Anomaly scores for the rows of a frame, with the per-feature errors that explain them.
///
/// Row `firstRow + i` of the scored frame has score `values[i]`; rows before `firstRow` are the
/// warm-up a detector needs (a window's worth of history) and have no score. A windowed detector
/// attributes a window's score to the window's *last* step.
public struct Scores: Sendable, Equatable {
  /// Frame row of `values[0]`.
  public var firstRow: Int
  /// One score per scored row.
  public var values: [Float]
  /// Row-major `(values.count, featureCount)`: each feature's contribution to that row's score.
  public var featureErrors: [Float]
  public var featureCount: Int

  public init(firstRow: Int, values: [Float], featureErrors: [Float], featureCount: Int) {
    precondition(featureErrors.count == values.count * featureCount, "featureErrors must be values.count × featureCount")
    self.firstRow = firstRow
    self.values = values
    self.featureErrors = featureErrors
    self.featureCount = featureCount
  }

  /// Frame rows that have a score: `firstRow ..< firstRow + values.count`.
  public var rows: Range<Int> { firstRow..<(firstRow + values.count) }

  /// The frame row of scored index `i`.
  public func row(_ i: Int) -> Int { firstRow + i }

  /// The scored index of frame row `row`; nil for a warm-up row or a row past the last score.
  public func index(ofRow row: Int) -> Int? { rows.contains(row) ? row - firstRow : nil }

  /// The scores of the frame's rows from row `start` on, their rows counted from `start`.
  public func fromRow(_ start: Int) -> Scores {
    guard start > 0 else { return self }
    let dropped = min(values.count, max(0, start - firstRow))
    return Scores(
      firstRow: max(0, firstRow - start), values: Array(values[dropped...]),
      featureErrors: Array(featureErrors[(dropped * featureCount)...]), featureCount: featureCount)
  }

  /// The feature with the largest error at scored index `i`.
  public func topFeature(at i: Int) -> Int {
    let first = i * featureCount
    var top = 0
    for j in 1..<max(featureCount, 1) where featureErrors[first + j] > featureErrors[first + top] { top = j }
    return top
  }

  /// Mean score, used by permutation importance as the error level.
  public var mean: Double { values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count) }
}
