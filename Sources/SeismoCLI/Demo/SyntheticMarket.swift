import Foundation
import SeismoCore

/// A realistic synthetic daily market, with anomalies injected at known dates.
///
/// Four indicators on business days (weekends skipped):
/// - `index`: an equity index whose daily log-returns follow GARCH(1,1), so volatility clusters;
/// - `vix`: its annualised volatility in points, which jumps when the index falls;
/// - `treasury_30y`: a mean-reverting yield in percent, mildly correlated with the index;
/// - `gold`: a price with its own volatility, slightly negatively correlated with the index.
///
/// Injected anomalies are one-day dislocations that revert the next day (a bad print, a flash
/// crash, a yield spike), the kind of event a detector should flag on the day itself.
struct SyntheticMarket {
  /// One injected anomaly.
  struct Injection: Equatable {
    var row: Int
    var feature: String
    var description: String
  }

  static let featureNames = ["index", "vix", "treasury_30y", "gold"]

  var days = 2520
  var seed: UInt64 = 7
  /// First trading day (a Monday).
  var start = CivilTime.days(year: 2015, month: 1, day: 5)

  /// The frame and the injected anomalies (in row order).
  func generate() throws -> (frame: Frame, injections: [Injection]) {
    var random = SeededGenerator(seed: seed)
    var timestamps: [Timestamp] = []
    var day = start
    while timestamps.count < days {
      let weekday = ((day % 7) + 10) % 7  // 0 = Monday (1970-01-01, day 0, was a Thursday)
      if weekday < 5 { timestamps.append(Timestamp(day) * 86_400) }
      day += 1
    }

    var values = [Float](repeating: 0, count: days * 4)
    var variance = 5e-5
    var logIndex = log(2000.0)
    var vix = 15.0
    var yield = 3.0
    var logGold = log(1200.0)
    for t in 0..<days {
      let shock = random.nextGaussian()
      let r = 0.0003 + variance.squareRoot() * shock
      logIndex += r
      variance = 1e-6 + 0.08 * r * r + 0.9 * variance
      let annualVol = (variance * 252).squareRoot() * 100
      vix = 0.85 * vix + 0.15 * annualVol + 0.6 * random.nextGaussian() + 250 * max(-r, 0)
      yield += 0.05 * (3.0 - yield) / 20 + 0.035 * (0.3 * shock + 0.95 * random.nextGaussian())
      logGold += 0.0001 + 0.009 * (-0.2 * shock + 0.98 * random.nextGaussian())
      values[t * 4 + 0] = Float(exp(logIndex))
      values[t * 4 + 1] = Float(max(vix, 8))
      values[t * 4 + 2] = Float(yield)
      values[t * 4 + 3] = Float(exp(logGold))
    }

    // One-day dislocations, spread over the whole history (training and test parts).
    let plan: [(fraction: Double, feature: Int, factor: Float, what: String)] = [
      (0.12, 0, 0.90, "index flash crash −10 %"),
      (0.27, 1, 2.20, "VIX spike ×2.2 without an index move"),
      (0.41, 2, 1.18, "30-year yield jumps 18 %"),
      (0.55, 3, 1.09, "gold bad print +9 %"),
      (0.68, 0, 1.08, "index spike +8 %"),
      (0.84, 3, 0.91, "gold bad print −9 %"),
      (0.90, 1, 0.45, "VIX collapses to 45 % for a day"),
      (0.96, 2, 0.83, "30-year yield drops 17 %"),
    ]
    var injections: [Injection] = []
    for item in plan {
      let row = Int(Double(days) * item.fraction)
      values[row * 4 + item.feature] *= item.factor
      injections.append(Injection(row: row, feature: Self.featureNames[item.feature], description: item.what))
    }
    let frame = try Frame(timestamps: timestamps, featureNames: Self.featureNames, values: values, source: "demo market")
    return (frame, injections)
  }

  /// The frame as CSV text with a `date` column.
  static func csv(_ frame: Frame) -> String {
    var text = CSVText.line(["date"] + frame.featureNames) + "\n"
    for r in 0..<frame.rowCount {
      text += frame.formatTimestamp(frame.timestamps[r])
      for j in 0..<frame.featureCount { text += "," + String(frame[r, j]) }
      text += "\n"
    }
    return text
  }
}
