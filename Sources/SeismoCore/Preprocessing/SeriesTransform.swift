import Foundation

/// What a detector looks at: the values themselves, or their change from one row to the next.
///
/// Prices trend: a model fitted on the levels of 2000–2015 sees every level of 2017 as new. Day-to-
/// day changes (`diff`) or log returns (`log_return`, ln(xₜ / xₜ₋₁)) keep the same scale over the
/// years. A transformed series has one row fewer; the change at row t belongs to row t.
public enum SeriesTransform: String, Sendable, CaseIterable {
  case level
  case diff
  case logReturn = "log_return"

  /// The parameter every detector declares for it.
  public static let parameter = Parameter<SeriesTransform>(
    "transform", default: .level,
    help: "what the detector sees: level (the values), diff (change from the previous row) or log_return (ln(x/x_prev))")

  /// Rows lost at the start.
  public var lostRows: Int { self == .level ? 0 : 1 }

  /// `frame`'s values transformed, as `apply(_:featureCount:)`; a value `log_return` cannot take
  /// is named by its column and timestamp.
  public func apply(to frame: Frame) throws -> [Float] {
    let f = frame.featureCount
    return try apply(frame.values, featureCount: f) { bad in
      "'\(frame.featureNames[bad % f])' is \(frame.values[bad]) at \(frame.formatTimestamp(frame.timestamps[bad / f])) (transform: diff takes any sign)"
    }
  }

  /// Row-major `(rows, featureCount)` values transformed; `rows − lostRows` rows.
  /// - Parameter describing: how an error names the value at an index (default: its row and
  ///   feature numbers).
  /// - Throws: for `log_return` when a value is not positive.
  public func apply(_ values: [Float], featureCount f: Int, describing: ((Int) -> String)? = nil) throws -> [Float] {
    switch self {
    case .level:
      return values
    case .diff:
      return Self.changes(of: values, featureCount: f) { $1 - $0 }
    case .logReturn:
      if let bad = values.firstIndex(where: { $0 <= 0 }) {
        let value = describing?(bad) ?? "row \(bad / f + 1), feature \(bad % f + 1) is \(values[bad])"
        throw SeismoError.invalidInput("transform log_return needs positive values; \(value)")
      }
      return Self.changes(of: values, featureCount: f) { Float(log(Double($1) / Double($0))) }
    }
  }

  /// `change(x₋₁, x)` of each value of row-major `(rows, featureCount)` values and the value a
  /// row before it: `rows − 1` rows. A long series is cut into a piece a core, computed at once
  /// (`log` of 8M values took 70 ms on one core); each value is computed as alone.
  private static func changes(
    of values: [Float], featureCount f: Int, _ change: @escaping @Sendable (Float, Float) -> Float
  ) -> [Float] {
    let count = max(values.count - f, 0)
    let parts = count < 1 << 18 ? 1 : ProcessInfo.processInfo.activeProcessorCount
    return [Float](unsafeUninitializedCapacity: count) { changes, initialized in
      values.withUnsafeBufferPointer { values in
        let shared = UnsafeTransfer((values, changes))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
          let (values, changes) = shared.value
          for i in count * part / parts..<count * (part + 1) / parts { changes[i] = change(values[i], values[i + f]) }
        }
      }
      initialized = count
    }
  }

  /// The row of values after `last` (one row) whose transformed value is `change`: `apply`
  /// undone for one step (last + change, last · e^change; a level is its own value).
  public func row(after last: ArraySlice<Float>, change: [Float]) -> [Float] {
    switch self {
    case .level: change
    case .diff: zip(last, change).map { $0 + $1 }
    case .logReturn: zip(last, change).map { Float(Double($0) * exp(Double($1))) }
    }
  }
}
