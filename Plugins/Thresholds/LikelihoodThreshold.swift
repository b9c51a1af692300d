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
    "min_history", 2...1_000_000, default: 300,
    help: "averaged scores needed before the first cut-off (HTM's learning period; at most long_window)")
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

  /// Beyond `init`'s checks: a `min_history` a config gives above `long_window` would be cut to
  /// it (the default is, silently: `long_window: 104` alone needs no `min_history`).
  public static func checkConfiguration(_ parameters: Parameters) throws {
    _ = try Self(parameters: parameters)
    let (history, window) = (parameters[minHistory], parameters[longWindow])
    if parameters.changesDefault(minHistory), history > window {
      throw SeismoError.config(
        key: "threshold.min_history", location: nil,
        message: "\(history) is more than long_window \(window), the averaged scores the rule keeps; give at most \(window)")
    }
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
  public func cutoffStream(calibration: [Float], calibrated: Float) -> any CutoffStream { Stream(rule: self, z: z) }

  /// The rule's state: the last `short_window` scores and `long_window` averages, in rings.
  struct Stream: CutoffStream {
    let rule: LikelihoodThreshold
    let z: Double
    var t = 0  // scores fed
    var recentScores: [Double]  // score k at k % shortWindow
    var averages: [Double]  // average k at k % longWindow
    var shortSum = 0.0  // sum of the last `shortWindow` scores before t
    var longSum = 0.0  // sums of the last `longWindow` averages before t
    var longSquares = 0.0

    init(rule: LikelihoodThreshold, z: Double) {
      self.rule = rule
      self.z = z
      recentScores = [Double](repeating: 0, count: rule.shortWindow)
      averages = [Double](repeating: 0, count: rule.longWindow)
    }

    mutating func cutoffs(for chunk: ArraySlice<Float>) -> [Float] {
      let (shortWindow, longWindow) = (rule.shortWindow, rule.longWindow)
      var cutoffs = [Float](repeating: .infinity, count: chunk.count)
      for (k, score) in chunk.enumerated() {
        let available = min(t, shortWindow - 1)  // earlier scores averaged with sₜ
        let n = min(t, longWindow)
        let leaving = t >= shortWindow ? recentScores[t % shortWindow] : 0  // sₜ₋ₛ
        if n >= rule.minHistory {
          let mean = longSum / Double(n)
          let std = max((max(longSquares / Double(n) - mean * mean, 0)).squareRoot(), rule.minStd)
          cutoffs[k] = Float(Double(available + 1) * (mean + z * std) - (shortSum - leaving))
        }
        // Move the windows past t.
        shortSum += Double(score)
        shortSum -= leaving
        recentScores[t % shortWindow] = Double(score)
        let average = shortSum / Double(min(t + 1, shortWindow))
        longSum += average
        longSquares += average * average
        if t >= longWindow {
          let old = averages[t % longWindow]
          longSum -= old
          longSquares -= old * old
        }
        averages[t % longWindow] = average
        t += 1
      }
      return cutoffs
    }
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
