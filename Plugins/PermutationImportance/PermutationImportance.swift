import SeismoCore

/// Permutation importance: how much worse the detector's error gets (an ensemble's margin grows)
/// when one feature's column is shuffled, breaking its relation to time and to the other features.
///
/// For feature j and each of `repeats` seeded shuffles, the frame is re-scored with column j
/// permuted; the increase is mean(score) − mean(baseline score) over the scored rows. The
/// result is the mean and (population) standard deviation of the increases, ranked by mean,
/// largest first. A feature the detector ignores scores about 0.
public struct PermutationImportance: FeatureImportance, ConfigurablePlugin {
  static let repeats = Parameter<Int>("repeats", 1...1000, default: 5, help: "shuffles per feature")
  static let seed = Parameter<Int>("seed", Int.min...Int.max, default: 42, help: "random seed for the shuffles")

  public static let descriptor = PluginDescriptor(
    kind: .importance, name: "permutation",
    summary: "increase in mean score (an ensemble's margin) when a feature's column is shuffled (seeded, repeated)",
    parameters: [
      Self.repeats.spec,
      Self.seed.spec,
    ])

  public let repeats: Int
  public let seed: Int

  public init(parameters: Parameters) throws {
    repeats = parameters[Self.repeats]
    seed = parameters[Self.seed]
  }

  public func explain(_ scorer: any FrameScorer, on frame: Frame, baseline: Scores, progress: ProgressObserver?) throws
    -> [FeatureImportanceEntry]
  {
    let base = baseline.mean
    let total = frame.featureCount * repeats
    var entries: [FeatureImportanceEntry] = []
    for j in 0..<frame.featureCount {
      var generator = SeededGenerator(seed: UInt64(bitPattern: Int64(seed)) &+ UInt64(j) &* 0x9E37_79B9)
      let column = frame.column(j)
      var increases: [Double] = []
      for _ in 0..<repeats {
        let shuffled = column.shuffled(using: &generator)
        increases.append(try scorer.score(frame.replacingColumn(j, with: shuffled)).mean - base)
        progress?(ProgressCount(j * repeats + increases.count, of: total, .scorings))
      }
      let mean = increases.reduce(0, +) / Double(repeats)
      let variance = increases.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(repeats)
      entries.append(FeatureImportanceEntry(feature: frame.featureNames[j], mean: mean, std: variance.squareRoot()))
    }
    return entries.sorted { $0.mean > $1.mean }
  }
}
