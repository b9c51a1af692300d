/// The rows a saved model of levels scores, counted against its training ranges for the
/// `LevelDrift` warning: at once (`score`), or piece by piece as rows arrive (`score --stream`,
/// `score --new-rows`, `watch`), where a price trends out of the range the model learned.
public struct LevelDriftCounter: Sendable {
  /// The model's detector plugin, as the warning names it.
  let detector: String
  let features: [String]
  var tally: LevelDrift.Tally

  /// The counter of `model`'s rows; nil when its detector does not learn levels
  /// (`Detector.learnsLevels`) or the model keeps no training ranges (saved before they were).
  public init?(_ model: SavedModel, learnsLevels: Bool) {
    guard learnsLevels, let ranges = model.trainingRanges, ranges.count == model.features.count else { return nil }
    detector = model.detector.plugin
    features = model.features
    tally = LevelDrift.Tally(ranges: ranges)
  }

  /// Counts `rows` of `frame`, whose features are the model's.
  public mutating func count(_ frame: Frame, rows: Range<Int>) {
    tally.count(frame, rows: rows)
  }

  /// Counts `rows` of `frame` (a walk-forward run's series, grown) as `detect` over it judges
  /// them: the rows before `refit`'s first new fold against the model's ranges, and each new
  /// fold's rows against the range of the rows that fold trained on. The rows counted next are
  /// judged by the last new fold's, the model's from now on.
  public mutating func count(_ frame: Frame, rows: Range<Int>, refit: Refit) {
    count(frame, rows: rows.clamped(to: 0..<refit.firstRow))
    for fold in refit.folds[refit.storedCount...] {
      tally.refit(to: LevelDrift.ranges(of: frame, rows: fold.trainStart..<fold.trainEnd))
      count(frame, rows: rows.clamped(to: fold.trainEnd..<fold.scoreEnd))
    }
  }

  /// The warnings for the rows counted so far, of the features with at least a quarter of them
  /// outside their range, but those `besides` (one per feature, or one for them all:
  /// `LevelDrift.warnings`), and those features; `judged` names the rows ("scored rows", "new rows").
  public func warnings(judged: String, besides: Set<String> = []) -> (features: [String], texts: [String]) {
    let drifts = tally.drifts.filter { !besides.contains(features[$0.feature]) }
    return (
      drifts.map { features[$0.feature] },
      LevelDrift.warnings(drifts, names: features, detector: detector, judged: judged)
    )
  }
}
