/// The training data of a next-row forecaster: each window of `length` consecutive rows and the
/// row after it.
///
/// Pair i is input rows `i ..< i + length` and target row `i + length`, so `rows` rows give
/// `rows − length` pairs. Inputs are laid out `(pair, time, feature)` — NLD — and targets
/// `(pair, feature)`. With `relativeToFirst`, every value of a pair is expressed relative to its
/// window's first value of the same feature (`RelativeToFirst`, the univariate seed's per-window
/// normalisation).
public struct ForecastPairs: Sendable {
  public let inputs: [Float]
  public let targets: [Float]
  public let count: Int

  /// - Throws: with fewer than `length + 1` rows, or, with `relativeToFirst`, a window whose
  ///   first value is 0 (naming its row; `context` names the data).
  public init(values: [Float], featureCount f: Int, length: Int, relativeToFirst: Bool, context: String) throws {
    let rows = values.count / f
    guard rows > length else {
      throw SeismoError.invalidInput("\(context) has \(rows) rows; a window of \(length) and its next row need \(length + 1)")
    }
    count = rows - length
    var inputs = [Float](repeating: 0, count: count * length * f)
    var targets = [Float](repeating: 0, count: count * f)
    for i in 0..<count {
      for j in 0..<f {
        let p0 = values[i * f + j]
        if relativeToFirst && p0 == 0 {
          throw SeismoError.invalidInput(
            "\(context): normalization 'window' divides by each window's first value, and row \(i + 1) is 0")
        }
        let base = relativeToFirst ? p0 : 1
        let offset: Float = relativeToFirst ? 1 : 0
        for t in 0..<length { inputs[(i * length + t) * f + j] = values[(i + t) * f + j] / base - offset }
        targets[i * f + j] = values[(i + length) * f + j] / base - offset
      }
    }
    self.inputs = inputs
    self.targets = targets
  }
}

/// Values relative to a window's first row, p / p₀ − 1 per feature, and back.
public enum RelativeToFirst {
  /// `window`, row-major `(rows, features)`, relative to its first row.
  public static func apply(_ window: [Float], featureCount f: Int) -> [Float] {
    window.enumerated().map { $0.element / window[$0.offset % f] - 1 }
  }

  /// Relative values of one row back in the units of `base` (a window's first row): p₀·(y + 1).
  public static func restore(_ relative: [Float], base: ArraySlice<Float>) -> [Float] {
    zip(relative, base).map { $1 * ($0 + 1) }
  }
}
