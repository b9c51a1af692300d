import SeismoCore

/// The p-th percentile of the calibration scores: with p = 95, about 5 % of them score above it.
///
/// Interpolation is linear between closest ranks, NumPy's default (`method="linear"`): sort the
/// n scores ascending as x₀ … xₙ₋₁, let h = (n − 1)·p/100, then the cut-off is
/// x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). For example the 95th percentile of 1, 2, …, 10 is
/// 9 + 0.55·1 = 9.55.
///
/// `calibrate_on: training` uses every training row's score (in-sample for a detector that
/// learned those rows); `holdout` uses only the last `holdout_fraction` of them — the rows the
/// neural detectors keep out of their gradient steps as validation (`validation_split`, 10 % by
/// default) — so the cut-off reflects errors on rows the model did not fit.
public struct PercentileThreshold: Threshold, ConfigurablePlugin {
  static let percentile = Parameter<Double>("percentile", 0...100, default: 95, help: "p, from 0 to 100")
  static let calibrateOn = Parameter<Calibration>(
    "calibrate_on", default: .training,
    help: "training: every training row's score; holdout: only the last holdout_fraction of them")
  static let holdoutFraction = Parameter<Double>(
    "holdout_fraction", 0.01...1, default: 0.1,
    help: "share of the training rows, from the end, that calibrate with calibrate_on: holdout")

  public static let descriptor = PluginDescriptor(
    kind: .threshold, name: "percentile",
    summary: "the p-th percentile of training (or held-out) scores, linear interpolation as NumPy",
    parameters: [
      Self.percentile.spec,
      Self.calibrateOn.spec,
      Self.holdoutFraction.spec,
    ])

  /// Which training scores calibrate.
  public enum Calibration: String, CaseIterable, Sendable {
    case training
    case holdout
  }

  public let percentile: Double
  public let calibration: Calibration
  public let holdoutFraction: Double

  public init(parameters: Parameters) throws {
    percentile = parameters[Self.percentile]
    calibration = parameters[Self.calibrateOn]
    holdoutFraction = parameters[Self.holdoutFraction]
  }

  /// Beyond `init`'s checks: `holdout_fraction` is read with `calibrate_on: holdout` only.
  public static func checkConfiguration(_ parameters: Parameters) throws {
    let threshold = try Self(parameters: parameters)
    if threshold.calibration == .training, parameters.changesDefault(Self.holdoutFraction) {
      throw SeismoError.config(
        key: "threshold.holdout_fraction", location: nil,
        message: "not read here: calibrate_on training uses every training score; set calibrate_on: holdout or drop it")
    }
  }

  public init(percentile: Double, calibration: Calibration = .training, holdoutFraction: Double = 0.1) {
    self.percentile = percentile
    self.calibration = calibration
    self.holdoutFraction = holdoutFraction
  }

  public func calibrate(trainingScores: [Float]) throws -> Float {
    let used =
      calibration == .training
      ? trainingScores
      : Array(trainingScores.suffix(max(1, Int((Double(trainingScores.count) * holdoutFraction).rounded(.down)))))
    guard !used.isEmpty else {
      throw SeismoError.invalidInput("the percentile threshold needs at least one training score")
    }
    return Self.percentile(percentile, of: used)
  }

  /// The p-th percentile of non-empty `scores`, NumPy's linear interpolation.
  public static func percentile(_ p: Double, of scores: [Float]) -> Float {
    let sorted = scores.sorted()
    let h = Double(sorted.count - 1) * p / 100
    let low = Int(h.rounded(.down))
    let high = min(low + 1, sorted.count - 1)
    let fraction = h - Double(low)
    return Float(Double(sorted[low]) + fraction * (Double(sorted[high]) - Double(sorted[low])))
  }
}
