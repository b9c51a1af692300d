import Foundation
import SeismoCore

/// The anomaly likelihood of Numenta's HTM detector as a threshold rule: a row is flagged when
/// the short-term average of the scores is improbably high for the scores' recent distribution.
///
/// Source: S. Ahmad, A. Lavin, S. Purdy, Z. Agha, "Unsupervised real-time anomaly detection for
/// streaming data", Neurocomputing 262 (2017), section 4.3. For each row t:
/// - aₜ = mean of the last `short_window` scores (sₜ₋ₛ₊₁ … sₜ);
/// - μ, σ = mean and population standard deviation of a₍ₖ₎ over the `long_window` rows before t
///   (σ floored at `min_std`);
/// - the likelihood is 1 − Q((aₜ − μ) / σ), Q the Gaussian tail; t is flagged when the tail
///   probability Q falls below `tail_probability`, i.e. when aₜ > μ + z·σ with z = Q⁻¹(p).
///
/// Because aₜ is linear in sₜ, that condition is a cut-off on the raw score itself:
/// sₜ > s·(μ + z·σ) − (sₜ₋ₛ₊₁ + … + sₜ₋₁), with s the number of scores averaged. That is the
/// per-row cut-off this rule reports; it uses only scores before t (point in time). Until
/// `min_history` averages are known there is no cut-off (never flagged), like HTM's learning
/// period. The rule adapts as the series drifts: the distribution is re-estimated at every row.
public struct LikelihoodThreshold: StreamingThreshold, ConfigurablePlugin {
  static let shortWindow = Parameter<Int>("short_window", 1...10_000, default: 10, help: "scores averaged for each row")
  static let longWindow = Parameter<Int>(
    "long_window", 2...1_000_000, default: 2000, help: "rows of averaged scores whose mean and std define normal")
  static let minHistory = Parameter<Int>(
    "min_history", 2...1_000_000, default: 300, help: "averaged scores needed before the first cut-off (HTM's learning period)")
  static let tailProbability = Parameter<Double>(
    "tail_probability", 1e-15...0.5, default: 1e-4,
    help: "flag when the Gaussian tail probability of the short-term mean is below this")
  static let minStd = Parameter<Double>(
    "min_std", 0...Double.greatestFiniteMagnitude, default: 1e-6, help: "floor on the trailing std, in score units")

  public static let descriptor = PluginDescriptor(
    kind: .threshold, name: "likelihood",
    summary: "adaptive: HTM anomaly likelihood of the short-term mean score against a trailing window",
    parameters: [
      Self.shortWindow.spec,
      Self.longWindow.spec,
      Self.minHistory.spec,
      Self.tailProbability.spec,
      Self.minStd.spec,
    ])

  public let shortWindow: Int
  public let longWindow: Int
  public let minHistory: Int
  public let tailProbability: Double
  public let minStd: Double

  public init(parameters: Parameters) throws {
    self.init(
      shortWindow: parameters[Self.shortWindow], longWindow: parameters[Self.longWindow],
      minHistory: parameters[Self.minHistory], tailProbability: parameters[Self.tailProbability],
      minStd: parameters[Self.minStd])
  }

  public init(shortWindow: Int, longWindow: Int, minHistory: Int, tailProbability: Double, minStd: Double = 1e-6) {
    self.shortWindow = shortWindow
    self.longWindow = longWindow
    self.minHistory = min(minHistory, longWindow)
    self.tailProbability = tailProbability
    self.minStd = minStd
  }

  /// z such that the standard Gaussian tail beyond z is `tailProbability`.
  public var z: Double { Gaussian.upperQuantile(tailProbability) }

  /// Streams over every score: the calibration scores are simply its first history.
  public func cutoffs(for scores: [Float], calibrationCount: Int, calibrated: Float) -> [Float] {
    let z = self.z
    var cutoffs = [Float](repeating: .infinity, count: scores.count)
    var averages = [Double](repeating: 0, count: scores.count)
    var shortSum = 0.0  // sum of the last `shortWindow` scores before t
    var longSum = 0.0  // sums of averages[t − longWindow ..< t]
    var longSquares = 0.0
    for t in scores.indices {
      let available = min(t, shortWindow - 1)  // earlier scores averaged with sₜ
      let n = min(t, longWindow)
      if n >= minHistory {
        let mean = longSum / Double(n)
        let std = max((max(longSquares / Double(n) - mean * mean, 0)).squareRoot(), minStd)
        let recent = shortSum - (t >= shortWindow ? Double(scores[t - shortWindow]) : 0)
        cutoffs[t] = Float(Double(available + 1) * (mean + z * std) - recent)
      }
      // Move the windows past t.
      shortSum += Double(scores[t])
      if t >= shortWindow { shortSum -= Double(scores[t - shortWindow]) }
      averages[t] = shortSum / Double(min(t + 1, shortWindow))
      longSum += averages[t]
      longSquares += averages[t] * averages[t]
      if t >= longWindow {
        longSum -= averages[t - longWindow]
        longSquares -= averages[t - longWindow] * averages[t - longWindow]
      }
    }
    return cutoffs
  }
}

/// The standard Gaussian's tail and its inverse.
enum Gaussian {
  /// Q(z) = P(Z > z).
  static func tail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

  /// z with Q(z) = p, for p in (0, 0.5]: bisection on the monotone tail, to 1e-12.
  static func upperQuantile(_ p: Double) -> Double {
    var low = 0.0
    var high = 40.0
    for _ in 0..<200 {
      let mid = (low + high) / 2
      if tail(mid) > p { low = mid } else { high = mid }
      if high - low < 1e-12 { break }
    }
    return (low + high) / 2
  }
}
