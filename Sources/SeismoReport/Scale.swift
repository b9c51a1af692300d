import Foundation
import SeismoCore

/// A linear map from data values to SVG pixels, with readable tick values.
struct LinearScale {
  var domain: ClosedRange<Double>
  var range: ClosedRange<Double>
  /// True when the pixel axis points the other way (SVG's y grows downwards).
  var flipped = false

  init(domain: ClosedRange<Double>, range: ClosedRange<Double>, flipped: Bool = false, padding: Double = 0) {
    var low = domain.lowerBound
    var high = domain.upperBound
    if high - low < 1e-12 {
      low -= 1
      high += 1
    }
    let pad = (high - low) * padding
    self.domain = (low - pad)...(high + pad)
    self.range = range
    self.flipped = flipped
  }

  func callAsFunction(_ value: Double) -> Double {
    let fraction = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
    let f = flipped ? 1 - fraction : fraction
    return range.lowerBound + f * (range.upperBound - range.lowerBound)
  }

  /// About `count` round tick values (1, 2 or 5 × 10ⁿ apart) inside the domain.
  func ticks(_ count: Int = 4) -> [Double] {
    let span = domain.upperBound - domain.lowerBound
    let raw = span / Double(max(count, 1))
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
    var ticks: [Double] = []
    var t = (domain.lowerBound / step).rounded(.up) * step
    while t <= domain.upperBound + step * 1e-9 {
      ticks.append(abs(t) < step * 1e-9 ? 0 : t)
      t += step
    }
    return ticks
  }
}

/// Tick positions and labels for a time axis: years, months or days, whichever gives 3–12 ticks.
enum TimeTicks {
  static func ticks(from start: Timestamp, to end: Timestamp, kind: Frame.TimeKind) -> [(Timestamp, String)] {
    guard kind == .calendar else {
      return LinearScale(domain: Double(start)...Double(end), range: 0...1).ticks(6).map { (Timestamp($0), String(Int($0))) }
    }
    let first = CivilTime.date(days: Int(start / 86_400))
    let last = CivilTime.date(days: Int(end / 86_400))
    let years = last.year - first.year
    func day(_ y: Int, _ m: Int, _ d: Int) -> Timestamp { Timestamp(CivilTime.days(year: y, month: m, day: d)) * 86_400 }
    var out: [(Timestamp, String)] = []
    if years >= 3 {
      let step = max(1, Int((Double(years) / 8).rounded(.up)))
      for y in stride(from: first.year + 1, through: last.year, by: step) { out.append((day(y, 1, 1), String(y))) }
    } else {
      let months = years * 12 + last.month - first.month
      if months >= 3 {
        let step = max(1, Int((Double(months) / 8).rounded(.up)))
        var (y, m) = (first.year, first.month + 1)
        while day(y, min(m, 12), 1) <= end {
          if m > 12 {
            y += 1
            m -= 12
            continue
          }
          out.append((day(y, m, 1), String(format: "%04d-%02d", y, m)))
          m += step
        }
      } else {
        let days = Int((end - start) / 86_400)
        let step = max(1, days / 8)
        for d in stride(from: Int(start / 86_400), through: Int(end / 86_400), by: step) {
          let c = CivilTime.date(days: d)
          out.append((Timestamp(d) * 86_400, String(format: "%02d-%02d", c.month, c.day)))
        }
      }
    }
    return out.filter { $0.0 >= start && $0.0 <= end }
  }
}

/// Keeps at most four points per pixel column — first, lowest, highest, last — so a line chart
/// of 100,000 points looks the same as the full series at a fraction of the size.
enum Downsampling {
  /// Indices in `range` to draw, in order: per pixel column (`x(i)` in pixels, ascending), its
  /// first, lowest, highest and last point, so spikes survive. Reads the points through `x` and
  /// `y`, so a chart over millions of rows copies none of them.
  static func indices(_ range: Range<Int>, x: (Int) -> Double, y: (Int) -> Double) -> [Int] {
    guard range.count > 4 else { return Array(range) }
    var keep: [Int] = []
    var bucketStart = range.lowerBound
    var column = Int(x(bucketStart))
    func flush(_ end: Int) {
      var (low, lowest) = (bucketStart, y(bucketStart))
      var (high, highest) = (low, lowest)
      for i in (bucketStart + 1)..<end {
        let v = y(i)
        if v < lowest { (low, lowest) = (i, v) }
        if v > highest { (high, highest) = (i, v) }
      }
      keep += Set([bucketStart, low, high, end - 1]).sorted()
    }
    for i in (range.lowerBound + 1)..<range.upperBound {
      let c = Int(x(i))
      guard c != column else { continue }
      flush(i)
      bucketStart = i
      column = c
    }
    flush(range.upperBound)
    return keep
  }
}

/// Number formatting for axes and tables.
enum Format {
  /// Labels for evenly spaced axis `ticks`, each with the decimals their spacing needs (98, 100,
  /// 102; 0.5, 1.0, 1.5), so that one axis reads in one format, and row counts as whole numbers;
  /// an axis of very large or very small values in e-notation, as `number` writes them.
  static func ticks(_ ticks: [Double]) -> [String] {
    guard ticks.count >= 2 else { return ticks.map(number) }
    let step = abs(ticks[1] - ticks[0])
    let largest = ticks.map(abs).max() ?? 0
    guard step > 0, largest < 100_000, step >= 0.001 else { return ticks.map(number) }
    let decimals = max(0, -Int(log10(step).rounded(.down)))
    return ticks.map { String(format: "%.\(decimals)f", $0) }
  }

  /// A data value as the table of anomalies shows it: 6 significant digits, what a Float holds
  /// with room to spare (4769.83, 14.911, 0.0634; e-notation beyond), not cut to an axis's
  /// rounding (4770).
  static func value(_ v: Float) -> String { String(format: "%.6g", Double(v)) }

  /// `v` with one decimal, as `String(format: "%.1f", v)` writes it: the nearest to the double's
  /// exact value, ties to even, `-0.0` for a negative one that rounds to 0. Without Foundation's
  /// formatter, which was a third of drawing a 1M-row run's charts (`perf`): they write a pair of
  /// coordinates for every point and flag they draw, tens of thousands.
  static func tenths(_ v: Double) -> String {
    let a = abs(v)
    guard a < 1e15 else { return String(format: "%.1f", v) }  // and NaN, infinity
    // a·10 = p + e exactly (fma gives the product's rounding error), rounded to a whole number
    // by the sign of the exact remainder past the floor, less a half.
    let p = a * 10
    let e = (-p).addingProduct(a, 10)
    var floor = p.rounded(.down)
    if p == floor, e < 0 { floor -= 1 }
    let past = p - floor - 0.5  // exact: p and floor are within 1 of each other
    let n = UInt64(floor) + (past > -e || (past == -e && UInt64(floor) % 2 == 1) ? 1 : 0)
    return (v.sign == .minus ? "-" : "") + String(n / 10) + "." + String(n % 10)
  }

  static func number(_ v: Double) -> String {
    let a = abs(v)
    if a == 0 { return "0" }
    if a >= 100_000 || a < 0.001 { return String(format: "%.2e", v) }
    if a >= 100 { return String(format: "%.0f", v) }
    if a >= 1 { return String(format: "%.2f", v) }
    return String(format: "%.3f", v)
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
