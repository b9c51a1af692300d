import Foundation
import SeismoCore

/// A fast non-neural baseline: how many standard deviations each value lies from the mean of
/// the `window` rows before it, per feature; the row's score is the largest over features.
///
/// For row t ≥ window and feature j, with μ and σ the mean and population standard deviation of
/// rows t − window … t − 1: error(t, j) = |x(t, j) − μ| / max(σ, min_std). Rows before `window`
/// are warm-up and get no score. With `transform: diff` or `log_return`, the detector looks at
/// changes (see `SeriesTransform`) instead of levels, so it needs one more row of history.
/// Nothing is learned in `fit`; it only checks there is enough history.
public final class RollingZScoreDetector: Detector, ConfigurablePlugin {
  static let window = Parameter<Int>("window", 2...100_000, default: 20, help: "rows of history for mean and std")
  static let minStd = Parameter<Double>(
    "min_std", 0...Double.greatestFiniteMagnitude, default: 1e-6,
    help: "floor on the rolling std, so flat stretches do not divide by zero")

  public static let descriptor = PluginDescriptor(
    kind: .detector, name: "rolling-zscore",
    summary: "baseline: |x − rolling mean| / rolling std per feature, max over features",
    parameters: [
      RollingZScoreDetector.window.spec,
      SeriesTransform.parameter.spec,
      RollingZScoreDetector.minStd.spec,
    ])

  public let window: Int
  public let transform: SeriesTransform
  public let minStd: Double

  public init(parameters: Parameters) throws {
    window = parameters[Self.window]
    transform = parameters[SeriesTransform.parameter]
    minStd = parameters[Self.minStd]
  }

  /// Rows of history before the first score.
  public var warmupRows: Int { window + transform.lostRows }

  public func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport {
    guard train.rowCount > warmupRows else {
      throw SeismoError.invalidInput(
        "the training part has \(train.rowCount) rows; rolling-zscore with window \(window) needs at least \(warmupRows + 1)")
    }
    return TrainingReport()
  }

  /// Nothing is learned: the parameters are the whole state.
  public func exportState() throws -> DetectorState { DetectorState() }

  public func importState(_ state: DetectorState) throws {
    guard state.tensors.isEmpty else {
      throw SeismoError.state("rolling-zscore: the saved state holds weights; it is another detector's")
    }
  }

  public func score(_ frame: Frame) throws -> Scores {
    guard frame.rowCount > warmupRows else {
      throw SeismoError.invalidInput(
        "the data has \(frame.rowCount) rows; rolling-zscore with window \(window) needs at least \(warmupRows + 1)")
    }
    let f = frame.featureCount
    let series = try transform.apply(to: frame)
    let count = series.count / f - window
    // Each feature's errors are its own pass, so features go to the cores at once: 8 features
    // of 1M rows took 70 ms on one.
    let errors = [Float](unsafeUninitializedCapacity: count * f) { errors, initialized in
      let shared = UnsafeTransfer(errors)
      let (window, minStd) = (window, minStd)
      series.withUnsafeBufferPointer { series in
        let series = UnsafeTransfer(series)
        let parts = count * f < 1 << 16 ? 1 : f
        DispatchQueue.concurrentPerform(iterations: parts) { part in
          for j in stride(from: part, to: f, by: parts) {
            Self.errors(of: series.value, feature: j, featureCount: f, window: window, minStd: minStd, into: shared.value)
          }
        }
      }
      initialized = count * f
    }
    var scores = [Float](repeating: 0, count: count)
    for i in 0..<count { scores[i] = errors[i * f..<(i + 1) * f].max() ?? 0 }
    return Scores(firstRow: warmupRows, values: scores, featureErrors: errors, featureCount: f)
  }

  /// Writes feature `j`'s errors, row-major `(rows − window, featureCount)` as `errors` holds
  /// them, from `series`, row-major `(rows, featureCount)`.
  private static func errors(
    of series: UnsafeBufferPointer<Float>, feature j: Int, featureCount f: Int, window: Int, minStd: Double,
    into errors: UnsafeMutableBufferPointer<Float>
  ) {
    let rows = series.count / f
    // Running sums of values shifted by the first value, to limit cancellation.
    let shift = Double(series[j])
    var sum = 0.0
    var squares = 0.0
    for r in 0..<window {
      let v = Double(series[r * f + j]) - shift
      sum += v
      squares += v * v
    }
    let n = Double(window)
    for t in window..<rows {
      let mean = sum / n
      let variance = max(squares / n - mean * mean, 0)
      let x = Double(series[t * f + j]) - shift
      errors[(t - window) * f + j] = Float(abs(x - mean) / max(variance.squareRoot(), minStd))
      let old = Double(series[(t - window) * f + j]) - shift
      sum += x - old
      squares += x * x - old * old
    }
  }
}
