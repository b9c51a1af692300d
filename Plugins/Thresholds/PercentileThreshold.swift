import SeismoCore

/// The p-th percentile of the training scores: with p = 95, about 5 % of training rows score
/// above it.
///
/// Interpolation is linear between closest ranks, NumPy's default (`method="linear"`): sort the
/// n scores ascending as x₀ … xₙ₋₁, let h = (n − 1)·p/100, then the cut-off is
/// x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). For example the 95th percentile of 1, 2, …, 10 is
/// 9 + 0.55·1 = 9.55.
public struct PercentileThreshold: Threshold, ConfigurablePlugin {
  public static let descriptor = PluginDescriptor(
    kind: .threshold, name: "percentile",
    summary: "the p-th percentile of training scores (linear interpolation, as NumPy)",
    parameters: [ParameterSpec("percentile", .number(0...100), default: .number(95), help: "p, from 0 to 100")])

  public let percentile: Double

  public init(parameters: Parameters) throws { percentile = parameters.number("percentile") }

  public init(percentile: Double) { self.percentile = percentile }

  public func calibrate(trainingScores: [Float]) throws -> Float {
    guard !trainingScores.isEmpty else {
      throw SeismoError.invalidInput("the percentile threshold needs at least one training score")
    }
    let sorted = trainingScores.sorted()
    let h = Double(sorted.count - 1) * percentile / 100
    let low = Int(h.rounded(.down))
    let high = min(low + 1, sorted.count - 1)
    let fraction = h - Double(low)
    return Float(Double(sorted[low]) + fraction * (Double(sorted[high]) - Double(sorted[low])))
  }
}
