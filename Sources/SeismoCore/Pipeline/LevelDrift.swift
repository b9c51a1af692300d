import Foundation

/// How many test rows of a feature lie outside the range its training rows span. A detector that
/// learns levels (`Detector.learnsLevels`) has never seen such values, and may flag them for
/// that alone: a price that trends out of its training range looks anomalous every day after.
struct LevelDrift: Equatable {
  var feature: Int
  /// Test rows above or below the training range, of `testRows`.
  var outside: Int
  var testRows: Int
  /// The training rows' smallest and largest value.
  var range: ClosedRange<Float>

  /// The share of test rows outside the range worth a warning.
  static let noticed = 0.25

  /// The features of `frame` with at least `noticed` of the rows after `trainRows` outside the
  /// range of the rows before.
  static func of(_ frame: Frame, trainRows: Int) -> [LevelDrift] {
    let testRows = frame.rowCount - trainRows
    guard trainRows > 0, testRows > 0 else { return [] }
    return (0..<frame.featureCount).compactMap { j in
      var low = Float.infinity
      var high = -Float.infinity
      for r in 0..<trainRows {
        low = min(low, frame[r, j])
        high = max(high, frame[r, j])
      }
      let outside = (trainRows..<frame.rowCount).count { !(low...high).contains(frame[$0, j]) }
      guard Double(outside) >= noticed * Double(testRows) else { return nil }
      return LevelDrift(feature: j, outside: outside, testRows: testRows, range: low...high)
    }
  }

  /// The warning for `detector`, naming the feature of `frame`.
  func warning(_ frame: Frame, detector: String) -> String {
    "warning: \(frame.featureNames[feature]): \(outside) of \(testRows) test rows lie outside its training range (\(Self.shown(range.lowerBound)) to \(Self.shown(range.upperBound))); \(detector) models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes"
  }

  /// `x` with 4 significant digits, as the run prints scores.
  static func shown(_ x: Float) -> String {
    let magnitude = abs(x)
    return magnitude >= 1e5 || (magnitude < 1e-3 && x != 0)
      ? String(format: "%.3e", Double(x)) : String(format: "%.4g", Double(x))
  }
}
