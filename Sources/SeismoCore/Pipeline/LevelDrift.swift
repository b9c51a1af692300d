import Foundation

/// How many rows of a feature lie outside the range its training rows span. A detector that
/// learns levels (`Detector.learnsLevels`) has never seen such values, and may flag them for
/// that alone: a price that trends out of its training range looks anomalous every day after.
struct LevelDrift: Equatable {
  var feature: Int
  /// Rows above or below the training range, of `rows` judged (a run's test rows, or the rows a
  /// saved model scores).
  var outside: Int
  var rows: Int
  /// The training rows' smallest and largest value; nil when each fold of a walk-forward run
  /// judged its test rows by its own training rows.
  var range: ClosedRange<Float>?

  /// The share of rows outside the range worth a warning.
  static let noticed = 0.25

  /// Each feature's smallest and largest value over `rows` of `frame` (which must not be empty).
  static func ranges(of frame: Frame, rows: Range<Int>) -> [ClosedRange<Float>] {
    (0..<frame.featureCount).map { j in
      var low = Float.infinity
      var high = -Float.infinity
      for r in rows {
        low = min(low, frame[r, j])
        high = max(high, frame[r, j])
      }
      return low...high
    }
  }

  /// The features of `frame` with at least `noticed` of `rows` outside their `ranges`.
  static func of(_ frame: Frame, rows: Range<Int>, outside ranges: [ClosedRange<Float>]) -> [LevelDrift] {
    var tally = Tally(ranges: ranges)
    tally.count(frame, rows: rows)
    return tally.drifts
  }

  /// The features of `frame` with at least `noticed` of the folds' test rows outside the range
  /// of the rows their fold trained on. One fold is judged as `of(_:rows:outside:)` judges it;
  /// walk-forward folds each by their own range, so a price that keeps making new highs is named
  /// though every refit moves the range along.
  static func of(_ frame: Frame, folds: [Fold]) -> [LevelDrift] {
    let fitted = folds.filter { $0.trainEnd > $0.trainStart }
    if fitted.count == 1, let fold = fitted.first {
      return of(
        frame, rows: fold.trainEnd..<fold.scoreEnd, outside: ranges(of: frame, rows: fold.trainStart..<fold.trainEnd))
    }
    let rows = fitted.reduce(0) { $0 + $1.scoreEnd - $1.trainEnd }
    guard rows > 0 else { return [] }
    return (0..<frame.featureCount).compactMap { j in
      var outside = 0
      for (fold, range) in zip(fitted, foldRanges(of: frame, feature: j, folds: fitted)) {
        outside += (fold.trainEnd..<fold.scoreEnd).count { !range.contains(frame[$0, j]) }
      }
      guard Double(outside) >= noticed * Double(rows) else { return nil }
      return LevelDrift(feature: j, outside: outside, rows: rows, range: nil)
    }
  }

  /// Feature `j`'s smallest and largest value over each fold's training rows, whose starts and
  /// ends never move back from fold to fold: one pass, with the rows that may still be a
  /// window's minimum (or maximum) kept in order, O(rows) in all however many folds.
  static func foldRanges(of frame: Frame, feature j: Int, folds: [Fold]) -> [ClosedRange<Float>] {
    var lows: [Int] = []  // rows with increasing values, each the minimum of the rows after it
    var highs: [Int] = []  // rows with decreasing values
    var (lowHead, highHead) = (0, 0)
    var next = 0
    return folds.map { fold in
      while next < fold.trainEnd {
        while lows.count > lowHead, frame[lows[lows.count - 1], j] >= frame[next, j] { lows.removeLast() }
        while highs.count > highHead, frame[highs[highs.count - 1], j] <= frame[next, j] { highs.removeLast() }
        lows.append(next)
        highs.append(next)
        next += 1
      }
      while lows[lowHead] < fold.trainStart { lowHead += 1 }
      while highs[highHead] < fold.trainStart { highHead += 1 }
      return frame[lows[lowHead], j]...frame[highs[highHead], j]
    }
  }

  /// Rows outside each feature's range, counted over one or more pieces of a series.
  struct Tally: Sendable {
    /// The ranges the next rows are counted against: the model's, or since a refit its last fold's.
    private(set) var ranges: [ClosedRange<Float>]
    /// Whether some rows were counted against another fold's ranges (`refit(to:)`), so that no
    /// one range is theirs.
    private(set) var refitted = false
    /// Per feature, the rows counted outside its range.
    var outside: [Int]
    var rows = 0

    init(ranges: [ClosedRange<Float>]) {
      self.ranges = ranges
      outside = Array(repeating: 0, count: ranges.count)
    }

    /// Counts `rows` of `frame`; a frame whose features the ranges do not fit counts nothing.
    mutating func count(_ frame: Frame, rows: Range<Int>) {
      guard ranges.count == frame.featureCount else { return }
      for (j, range) in ranges.enumerated() {
        outside[j] += rows.count { !range.contains(frame[$0, j]) }
      }
      self.rows += rows.count
    }

    /// Counts the next rows against `ranges` (a refitted model's), keeping the rows counted.
    mutating func refit(to ranges: [ClosedRange<Float>]) {
      guard ranges.count == self.ranges.count else { return }
      self.ranges = ranges
      refitted = true
    }

    /// The features with at least `noticed` of the rows counted outside their range.
    var drifts: [LevelDrift] {
      guard rows > 0 else { return [] }
      return ranges.indices.compactMap { j in
        guard Double(outside[j]) >= noticed * Double(rows) else { return nil }
        return LevelDrift(feature: j, outside: outside[j], rows: rows, range: refitted ? nil : ranges[j])
      }
    }
  }

  /// The most features warned of one by one: more share one warning, so that a wide set's do
  /// not bury the others.
  static let listedApart = 3

  /// The warnings for `drifts` of a `detector` of `names.count` features (`names[feature]`),
  /// whose rows were judged together (`judged` says which: "test rows", "scored rows"): one per
  /// feature, or one naming them all when more than `listedApart` drift.
  static func warnings(_ drifts: [LevelDrift], names: [String], detector: String, judged: String) -> [String] {
    let advice =
      "\(detector) models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes"
    guard drifts.count > listedApart, let rows = drifts.first?.rows else {
      return drifts.map {
        "warning: \(names[$0.feature]): \($0.outside) of \($0.rows) \(judged) lie outside \($0.outsideWhat); \(advice)"
      }
    }
    let listed = drifts.map { drift in
      "\(names[drift.feature]) \(drift.outside)\(drift.range.map { " (\(Self.shown($0)))" } ?? "")"
    }
    let outsideWhat = drifts[0].range == nil ? Self.foldsRange : "their training range"
    return [
      "warning: \(drifts.count) of \(names.count) features have a quarter or more of their \(rows) \(judged) outside \(outsideWhat): \(listed.joined(separator: ", ")); \(advice)"
    ]
  }

  /// Where the rows lie outside: `its training range (2.155 to 4.832)`, or `foldsRange`.
  var outsideWhat: String { range.map { "its training range (\(Self.shown($0)))" } ?? Self.foldsRange }

  /// Where a walk-forward run's rows lie outside.
  static let foldsRange = "the training range of the fold that scored them"

  /// `range` as the warnings show it: `2.155 to 4.832`.
  static func shown(_ range: ClosedRange<Float>) -> String { "\(shown(range.lowerBound)) to \(shown(range.upperBound))" }

  /// `x` with 4 significant digits, as the run prints scores.
  static func shown(_ x: Float) -> String {
    let magnitude = abs(x)
    return magnitude >= 1e5 || (magnitude < 1e-3 && x != 0)
      ? String(format: "%.3e", Double(x)) : String(format: "%.4g", Double(x))
  }
}
