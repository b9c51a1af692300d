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

  /// How many of `count` training scores calibrate: all, or the last `holdout_fraction` (one at least).
  func scoresUsed(of count: Int) -> Int {
    calibration == .training ? count : max(1, Int((Double(count) * holdoutFraction).rounded(.down)))
  }

  /// The fewest scores of which one lies above the p-th percentile: 100 / (100 − p), rounded up
  /// (20 for the 95th); nil for p = 100, the largest by definition.
  var fewestScores: Int? {
    percentile < 100 ? Int((100 / (100 - percentile) - 1e-9).rounded(.up)) : nil
  }

  /// `percentile 99 of 59 scores (every training row's) …`: fewer than `fewestScores`, the cut-off
  /// is their largest score or near it, whatever p says.
  public func calibrationWarning(scores count: Int) -> String? {
    let used = scoresUsed(of: count)
    guard let fewest = fewestScores, used < fewest else { return nil }
    func shown(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
    let which =
      calibration == .training
      ? "every training row's" : "calibrate_on: holdout, the last \(shown(holdoutFraction * 100)) % of \(count) training scores"
    return
      "percentile \(shown(percentile)) is taken of \(used) score\(used == 1 ? "" : "s") (\(which)), fewer than the \(fewest) that put one above it, so the cut-off is their largest or near it: give more training rows\(calibration == .holdout ? ", a larger holdout_fraction" : ""), or a lower percentile"
  }

  public func calibrate(trainingScores: [Float]) throws -> Float {
    let used = Array(trainingScores.suffix(scoresUsed(of: trainingScores.count)))
    guard !used.isEmpty else {
      throw SeismoError.invalidInput("the percentile threshold needs at least one training score")
    }
    return Self.percentile(percentile, of: used)
  }

  /// The p-th percentile of non-empty `scores`, NumPy's linear interpolation.
  ///
  /// It needs only the two order statistics around the percentile, so it selects them rather
  /// than sorting every score (a sort of 200,000 scores took 18 ms); scores with a NaN, which has
  /// no order, are sorted as before.
  public static func percentile(_ p: Double, of scores: [Float]) -> Float {
    let h = Double(scores.count - 1) * p / 100
    let low = Int(h.rounded(.down))
    let (a, b): (Float, Float)
    if scores.contains(where: \.isNaN) {
      let sorted = scores.sorted()
      (a, b) = (sorted[low], sorted[min(low + 1, sorted.count - 1)])
    } else {
      var values = scores
      a = select(low, in: &values)
      b = low + 1 < values.count ? values[(low + 1)...].min()! : a
    }
    let fraction = h - Double(low)
    return Float(Double(a) + fraction * (Double(b) - Double(a)))
  }

  /// The `k`-th smallest of `values` (from 0), which has no NaN: `sorted()[k]`. Leaves `values`
  /// reordered so that none before index `k` is larger and none after it smaller.
  static func select(_ k: Int, in values: inout [Float]) -> Float {
    values.withUnsafeMutableBufferPointer { v in
      var (low, high) = (0, v.count - 1)
      var rounds = 0
      while low < high {
        rounds += 1
        guard rounds <= 64 else {  // pivots that keep missing (a crafted order): sort what is left
          v[low...high].sort()
          break
        }
        let middle = low + (high - low) / 2
        let pivot = max(min(v[low], v[middle]), min(max(v[low], v[middle]), v[high]))  // the median of three
        var (i, j) = (low, high)
        while i <= j {
          while v[i] < pivot { i += 1 }
          while v[j] > pivot { j -= 1 }
          if i <= j {
            v.swapAt(i, j)
            (i, j) = (i + 1, j - 1)
          }
        }
        if k <= j {
          high = j
        } else if k >= i {
          low = i
        } else {
          break  // between j and i every value equals the pivot
        }
      }
      return v[k]
    }
  }
}
