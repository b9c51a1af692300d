import Foundation
import SeismoCore

/// Extreme-value threshold: Streaming Peaks-Over-Threshold (SPOT), Siffer, Fontenelle, Marcus
/// and Bourdon, "Anomaly detection in streams with extreme value theory", KDD 2017.
///
/// Calibration (POT): t is the `initial_quantile` of the calibration scores; their excesses over
/// t are fitted with a generalized Pareto tail (Grimshaw's method, see `GeneralizedPareto`), and
/// the cut-off z is the score exceeded with probability `risk`:
/// z = t + σ/γ·((risk·n/Nₜ)^(−γ) − 1), with n scores of which Nₜ exceed t.
/// Streaming: each later score is compared with the current z (a score above it is flagged and
/// left out of the model); a score between t and z is a new peak, the tail is refitted and z moves;
/// every score counts in n. Row t's cut-off uses scores before t only. A saved model scoring its
/// own series again is calibrated on its training scores, and one scoring rows after them goes on
/// from their tail; a series that begins before or among the training rows (no calibration
/// scores) keeps the saved z fixed up to their end, then goes on from their tail.
public struct SPOTThreshold: Threshold, ConfigurablePlugin {
  static let risk = Parameter<Double>(
    "risk", 1e-12...0.5, default: 1e-4, help: "probability of a normal score exceeding the cut-off (q)")
  static let initialQuantile = Parameter<Double>(
    "initial_quantile", 0.5...0.9999, default: 0.98, help: "quantile of the calibration scores above which scores are peaks (t)")

  public static let descriptor = PluginDescriptor(
    kind: .threshold, name: "spot",
    summary: "extreme value: streaming peaks-over-threshold with a generalized Pareto tail (SPOT)",
    parameters: [
      Self.risk.spec,
      Self.initialQuantile.spec,
    ])

  public let risk: Double
  public let initialQuantile: Double

  public init(parameters: Parameters) throws {
    self.init(risk: parameters[Self.risk], initialQuantile: parameters[Self.initialQuantile])
  }

  public init(risk: Double, initialQuantile: Double = 0.98) {
    self.risk = risk
    self.initialQuantile = initialQuantile
  }

  /// The state after calibration: t, the peaks (excesses over t) and their fit, and the count
  /// of scores seen.
  struct State {
    var t: Double
    var peaks: ParetoTail
    var seen: Int
    var tail: GeneralizedPareto

    /// z: t plus the excess whose tail probability, among peaks, is risk·n/Nₜ.
    func cutoff(risk: Double) -> Double {
      t + tail.excess(exceededWithProbability: risk * Double(seen) / Double(peaks.excesses.count))
    }
  }

  func initialState(_ calibration: [Float]) throws -> State {
    guard calibration.count >= 10 else {
      throw SeismoError.invalidInput("the spot threshold needs at least 10 calibration scores, got \(calibration.count)")
    }
    let sorted = calibration.map(Double.init).sorted()
    let t = sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * initialQuantile))]
    let peaks = sorted.filter { $0 > t }.map { $0 - t }
    guard !peaks.isEmpty else {
      throw SeismoError.invalidInput(
        "the spot threshold found no calibration score above its initial quantile (\(t)); the scores are too uniform")
    }
    var tail = ParetoTail(peaks)
    return State(t: t, peaks: tail, seen: sorted.count, tail: tail.fit())
  }

  public func calibrate(trainingScores: [Float]) throws -> Float {
    Float(try initialState(trainingScores).cutoff(risk: risk))
  }

  public func cutoffStream(calibration: [Float], calibrated: Float) -> any CutoffStream {
    guard !calibration.isEmpty, let state = try? initialState(calibration) else { return ConstantCutoffs(calibrated) }
    return Stream(risk: risk, state: state, z: state.cutoff(risk: risk), calibrationLeft: calibration.count)
  }

  /// The streaming tail model: its state grows with the peaks (scores between t and z) only.
  struct Stream: CutoffStream {
    let risk: Double
    var state: State
    var z: Double
    /// Calibration scores still to be fed: they get z and are already in the model.
    var calibrationLeft: Int
    /// Tail fits made since calibration, each a few passes over the peaks (what a stored run's
    /// cut-offs spare a resumed stream).
    private(set) var fits = 0

    /// Refits the tail to the peaks and moves z.
    private mutating func refit() {
      state.tail = state.peaks.fit()
      fits += 1
      z = state.cutoff(risk: risk)
    }

    mutating func cutoffs(for chunk: ArraySlice<Float>) -> [Float] { feed(chunk, stored: nil)! }

    /// Feeds `chunk` as `cutoffs(for:)` does, reading from each score's stored cut-off
    /// (`Float(z)`) whether it was above z (`feed`). Where a z computed differs from its stored
    /// cut-off, they are not this rule's, and the chunk is fed again without them.
    mutating func advance(over chunk: ArraySlice<Float>, cutOff cutoffs: ArraySlice<Float>) {
      precondition(chunk.count == cutoffs.count, "one cut-off per score")
      let start = self
      if feed(chunk, stored: cutoffs) == nil {
        self = start
        advance(over: chunk)
      }
    }

    /// Feeds `chunk` and returns the cut-off z gave each score. Without `stored`, the tail is
    /// refitted at each peak. With `stored` (the cut-offs a run stored for these scores), whether
    /// a score was above z is read from its cut-off while peaks wait to be fitted: for a score
    /// x ≠ Float(z), x > Float(z) exactly when x > z. The tail is refitted only where that cannot
    /// tell (a score equal to its cut-off, or a cut-off that is not finite) and at the last score;
    /// a fit depends on the peaks alone, so a late one is the one each peak made. Each z computed
    /// is checked against its stored cut-off: nil (and a state to drop) where one differs, else
    /// no cut-offs.
    private mutating func feed(_ chunk: ArraySlice<Float>, stored: ArraySlice<Float>?) -> [Float]? {
      var cutoffs: [Float] = []
      if stored == nil { cutoffs.reserveCapacity(chunk.count) }
      var stale = false  // with `stored`: peaks were added since z was last computed
      for (k, score) in chunk.enumerated() {
        let given = stored.map { $0[$0.startIndex + k] }
        if stale, let given, score == given || !given.isFinite || k == chunk.count - 1 {
          refit()
          stale = false
        }
        if stored == nil { cutoffs.append(Float(z)) }
        if calibrationLeft > 0 {
          calibrationLeft -= 1
          continue
        }
        if let given, !stale, Float(z) != given { return nil }
        let x = Double(score)
        if stale ? score > given! : x > z { continue }  // an anomaly: not part of the normal tail
        state.seen += 1
        if x > state.t {
          state.peaks.add(x - state.t)
          if stored == nil { refit() } else { stale = true }
        } else if !stale {
          z = state.cutoff(risk: risk)
        }
      }
      if stale { refit() }
      return cutoffs
    }
  }
}
