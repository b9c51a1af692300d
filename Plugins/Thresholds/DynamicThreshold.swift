import CSeismoKernels
import Foundation
import SeismoCore

/// The nonparametric dynamic threshold of telemanom: Hundman, Constantinou, Laporte, Colwell and
/// Soderstrom, "Detecting spacecraft anomalies using LSTMs and nonparametric dynamic
/// thresholding", KDD 2018, section 3.2.
///
/// Scores are smoothed with an exponentially weighted moving average (span h, α = 2/(h + 1)):
/// eₜ = α·sₜ + (1 − α)·eₜ₋₁. Over the `window` smoothed scores E before a row, with mean μ and
/// standard deviation σ, each candidate ε = μ + z·σ (z from `z_min` to `z_max` by `z_step`) is
/// judged by
///   (Δμ/μ + Δσ/σ) / (|Eₐ| + |E_seq|²),
/// where Eₐ are the smoothed scores above ε, E_seq their runs of consecutive rows, and Δμ, Δσ how
/// much the mean and standard deviation drop when Eₐ is removed. The best ε wins: the threshold
/// that removes the most variation with the fewest, most compact anomalies. (telemanom then prunes
/// sequences whose peaks are close to the threshold; here that is left to the events stage.)
///
/// Point in time: ε is chosen on smoothed scores before row t (re-chosen every `refresh` rows),
/// and row t is flagged when its smoothed score exceeds it; since eₜ is linear in sₜ, that is the
/// per-row cut-off on the raw score (ε − (1 − α)·eₜ₋₁)/α. Until `min_history` scores are known
/// there is no cut-off.
public struct DynamicThreshold: StreamingThreshold, ConfigurablePlugin {
  static let window = Parameter<Int>("window", 10...1_000_000, default: 2000, help: "smoothed scores ε is chosen on")
  static let smoothingSpan = Parameter<Int>(
    "smoothing_span", 1...100_000, default: 30, help: "EWMA span h of the smoothing (1: none)")
  static let zMin = Parameter<Double>("z_min", 0...100, default: 2.5, help: "smallest z tried in ε = μ + zσ")
  static let zMax = Parameter<Double>("z_max", 0...100, default: 12, help: "largest z tried")
  static let zStep = Parameter<Double>("z_step", 0.01...10, default: 0.5, help: "step between the z tried")
  static let refresh = Parameter<Int>("refresh", 1...1_000_000, default: 100, help: "rows between two choices of ε")
  static let minHistory = Parameter<Int>(
    "min_history", 2...1_000_000, default: 300, help: "scores needed before the first cut-off")

  public static let descriptor = PluginDescriptor(
    kind: .threshold, name: "dynamic",
    summary: "adaptive: telemanom's nonparametric dynamic threshold on EWMA-smoothed scores",
    parameters: [
      Self.window.spec,
      Self.smoothingSpan.spec,
      Self.zMin.spec,
      Self.zMax.spec,
      Self.zStep.spec,
      Self.refresh.spec,
      Self.minHistory.spec,
    ])

  public let window: Int
  public let smoothingSpan: Int
  public let candidates: [Double]
  public let refresh: Int
  public let minHistory: Int

  public init(parameters: Parameters) throws {
    let low = parameters[Self.zMin]
    let high = parameters[Self.zMax]
    guard low <= high else {
      throw SeismoError.config(key: "threshold.z_min", location: nil, message: "z_min \(low) is above z_max \(high)")
    }
    self.init(
      window: parameters[Self.window], smoothingSpan: parameters[Self.smoothingSpan],
      candidates: Array(stride(from: low, through: high + 1e-9, by: parameters[Self.zStep])),
      refresh: parameters[Self.refresh], minHistory: parameters[Self.minHistory])
  }

  public init(
    window: Int, smoothingSpan: Int, candidates: [Double] = Array(stride(from: 2.5, through: 12, by: 0.5)),
    refresh: Int = 100, minHistory: Int = 300
  ) {
    self.window = window
    self.smoothingSpan = smoothingSpan
    self.candidates = candidates
    self.refresh = refresh
    self.minHistory = minHistory
  }

  var alpha: Double { 2 / (Double(smoothingSpan) + 1) }

  /// ε chosen on `smoothed` (telemanom's criterion); nil when no candidate flags anything. Every
  /// candidate's scores above and below it are tallied in one pass (`seismo_threshold_tally`),
  /// adding the same scores in the same order as a pass per candidate: that took half of a
  /// 1M-row `detect`'s time under this rule.
  func epsilon(_ smoothed: ArraySlice<Double>) -> Double? {
    let n = Double(smoothed.count)
    let mean = smoothed.reduce(0, +) / n
    let std = (smoothed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    guard std > 0, mean != 0 else { return nil }
    let epsilons = candidates.map { mean + $0 * std }
    let c = epsilons.count
    var tallies = [Double](repeating: 0, count: 5 * c)  // above, runs, below: count, sum, squares
    smoothed.withUnsafeBufferPointer { scores in
      tallies.withUnsafeMutableBufferPointer { t in
        let at = t.baseAddress!
        seismo_threshold_tally(scores.baseAddress, scores.count, epsilons, c, at, at + c, at + 2 * c, at + 3 * c, at + 4 * c)
      }
    }
    var best: (score: Double, epsilon: Double)?
    for (k, epsilon) in epsilons.enumerated() {
      let (above, runs, count) = (Int(tallies[k]), Int(tallies[c + k]), tallies[2 * c + k])
      guard above > 0, count > 0 else { continue }
      let belowMean = tallies[3 * c + k] / count
      let belowStd = max(tallies[4 * c + k] / count - belowMean * belowMean, 0).squareRoot()
      let score = ((mean - belowMean) / mean + (std - belowStd) / std) / Double(above + runs * runs)
      if best == nil || score > best!.score { best = (score, epsilon) }
    }
    return best?.epsilon
  }

  /// Streams over every score: the calibration scores are simply its first history.
  public func cutoffStream(calibration: [Float], calibrated: Float) -> any CutoffStream { Stream(rule: self) }

  /// The rule's state: the smoothed scores ε is chosen on (at most twice `window` kept).
  struct Stream: CutoffStream {
    let rule: DynamicThreshold
    var t = 0  // scores fed
    var smoothed: [Double] = []  // the last smoothed scores, eₜ₋₁ last
    var epsilon: Double?

    mutating func cutoffs(for chunk: ArraySlice<Float>) -> [Float] {
      let alpha = rule.alpha
      var cutoffs = [Float](repeating: .infinity, count: chunk.count)
      for (k, score) in chunk.enumerated() {
        if t >= rule.minHistory {
          if (t - rule.minHistory) % rule.refresh == 0 { chooseEpsilon() }
          if let epsilon { cutoffs[k] = Float((epsilon - (1 - alpha) * smoothed[smoothed.count - 1]) / alpha) }
        }
        feed(score)
      }
      return cutoffs
    }

    /// Feeds `chunk` to the state `cutoffs(for:)` leaves, choosing ε only at the chunk's last
    /// choice: each choice replaces the one before, and the smoothed scores stand there as they
    /// would. A resumed run's history costs its smoothing only, not a choice every `refresh` rows.
    mutating func advance(over chunk: ArraySlice<Float>) {
      let last = t + chunk.count - 1  // the last score's t
      let lastChoice = last >= rule.minHistory ? last - (last - rule.minHistory) % rule.refresh : nil
      for score in chunk {
        if t == lastChoice { chooseEpsilon() }
        feed(score)
      }
    }

    /// ε chosen on the last `window` smoothed scores.
    private mutating func chooseEpsilon() { epsilon = rule.epsilon(smoothed[max(0, smoothed.count - rule.window)...]) }

    /// Adds `score`'s smoothed value (keeping at most twice `window`) and counts it.
    private mutating func feed(_ score: Float) {
      let (alpha, s) = (rule.alpha, Double(score))
      smoothed.append(t == 0 ? s : alpha * s + (1 - alpha) * smoothed[smoothed.count - 1])
      if smoothed.count >= 2 * rule.window { smoothed.removeFirst(smoothed.count - rule.window) }
      t += 1
    }
  }
}
