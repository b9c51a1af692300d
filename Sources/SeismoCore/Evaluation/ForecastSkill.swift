/// How well a forecaster forecast the test rows, against the naive forecast that repeats each
/// last value (no change, for a model of changes): the mean absolute scaled error (MASE,
/// Hyndman and Koehler 2006) of each feature and of all, the forecaster's absolute errors summed
/// over the naive forecast's. Under 1, it beat the naive forecast; at 1 or more its errors,
/// which are its scores, are at least the row's own change, and its flags mark where it
/// forecast badly as much as where the data is unusual.
public struct ForecastSkill: Sendable, Equatable, Codable {
  /// Each feature's absolute forecast errors, summed over the test rows (the model's units: its
  /// scaled values or changes).
  public var errors: [Double]
  /// The naive forecast's, in the same units.
  public var naiveErrors: [Double]
  /// The test rows counted.
  public var rows: Int

  public init(errors: [Double], naiveErrors: [Double], rows: Int) {
    self.errors = errors
    self.naiveErrors = naiveErrors
    self.rows = rows
  }

  /// The skill over the rows `rows` of scored indices of `scores` (a forecaster's errors) and
  /// `naive` (the naive forecast's, `Detector.naiveErrors`).
  public init(scores: Scores, naive: Scores, rows: Range<Int>) {
    let f = scores.featureCount
    var (errors, naiveErrors) = ([Double](repeating: 0, count: f), [Double](repeating: 0, count: f))
    for i in rows {
      for j in 0..<f {
        errors[j] += Double(scores.featureErrors[i * f + j])
        naiveErrors[j] += Double(naive.featureErrors[i * f + j])
      }
    }
    self.init(errors: errors, naiveErrors: naiveErrors, rows: rows.count)
  }

  /// This skill with `other`'s rows added (a walk-forward run's folds, each in its own units).
  public func adding(_ other: ForecastSkill) -> ForecastSkill {
    ForecastSkill(
      errors: zip(errors, other.errors).map(+), naiveErrors: zip(naiveErrors, other.naiveErrors).map(+),
      rows: rows + other.rows)
  }

  /// The MASE of all features; nil when the naive forecast made no error.
  public var ratio: Double? { Self.ratio(errors.reduce(0, +), naiveErrors.reduce(0, +)) }

  /// Feature j's MASE; nil when the naive forecast of it made no error (a constant feature).
  public func ratio(ofFeature j: Int) -> Double? { Self.ratio(errors[j], naiveErrors[j]) }

  private static func ratio(_ errors: Double, _ naive: Double) -> Double? { naive > 0 ? errors / naive : nil }

  /// The MASE from which a run warns: errors twice the naive forecast's are mostly the model's own.
  public static let warnedFrom = 2.0

  /// The warning for a MASE of `warnedFrom` or more, naming the worst features (of `names`) and,
  /// for `detector`, a model of levels (`learnsLevels`), the transform that models changes; nil
  /// below it.
  public func warning(names: [String], detector: String, learnsLevels: Bool) -> String? {
    guard let ratio, ratio >= Self.warnedFrom else { return nil }
    let worst = names.indices.compactMap { j in self.ratio(ofFeature: j).map { (names[j], $0) } }
      .sorted { $0.1 > $1.1 }.prefix(3).map { "\($0.0) \(String(format: "%.1f", $0.1))" }
    let features = names.count > 1 ? "; \(worst.joined(separator: ", "))\(names.count > 3 ? ", …" : "")" : ""
    let advice =
      learnsLevels
      ? ": transform: diff or log_return models the changes, which a model of levels cannot forecast beyond the levels it was fitted on"
      : ""
    return
      "warning: \(detector)'s forecast errors on the \(rows) test rows are \(String(format: "%.1f", ratio)) times those of repeating each last value (MASE\(features)): its scores are its own failures to forecast more than the data's surprises, so its flags mark where it forecasts badly\(advice)"
  }
}
