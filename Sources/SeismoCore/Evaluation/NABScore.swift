import Foundation

/// The Numenta Anomaly Benchmark's score of one series' detections against its label windows.
///
/// Source: A. Lavin, S. Ahmad, "Evaluating real-time anomaly detection algorithms — the Numenta
/// Anomaly Benchmark", IEEE ICMLA 2015, and NAB 1.x's scorer (`sweeper.py`). Rows are indexed
/// 0 ..< rows; a window is a closed range of rows. The rules:
/// - The first min(⌊0.15·rows⌋, 750) rows are probationary: detections there are ignored, and a
///   window lying wholly inside them is not counted.
/// - σ(x) = 2 / (1 + e^(5x)) − 1 is the scaled sigmoid (−1 from x ≥ 3 on).
/// - A window with no detection scores −A_FN. A window with detections scores its best one: a
///   detection at row i of window [s, e] (width w = e − s + 1) earns A_TP·σ(−(e − i + 1)/w)/σ(−1),
///   A_TP at the window's first row, less towards its end.
/// - A detection outside every window costs A_FP·σ(|i − e′| / (w′ − 1)) after the last window
///   [s′, e′] that ended before it (about −A_FP far from it, less right after it), and −A_FP
///   when no window precedes it.
///
/// Over a corpus the raw scores are summed and normalised: 100·(S − S_null)/(S_perfect −
/// S_null), where the null detector flags nothing (−A_FN per window) and the perfect one flags
/// each window's first row (A_TP per window).
public struct NABScore: Sendable, Codable, Equatable {
  /// NAB's application profiles: the weights of true positives, false positives and misses.
  public struct Profile: Sendable, Codable, Equatable {
    public var name: String
    public var truePositive: Double
    public var falsePositive: Double
    public var falseNegative: Double

    public static let standard = Profile(name: "standard", truePositive: 1, falsePositive: 0.11, falseNegative: 1)
    public static let rewardLowFP = Profile(
      name: "reward_low_FP_rate", truePositive: 1, falsePositive: 0.22, falseNegative: 1)
    public static let rewardLowFN = Profile(
      name: "reward_low_FN_rate", truePositive: 1, falsePositive: 0.11, falseNegative: 2)
    public static let all = [standard, rewardLowFP, rewardLowFN]

    enum CodingKeys: String, CodingKey {
      case name
      case truePositive = "tp_weight"
      case falsePositive = "fp_weight"
      case falseNegative = "fn_weight"
    }
  }

  public var profile: String
  /// The raw score S.
  public var raw: Double
  /// S of the null and of the perfect detector on the same windows.
  public var null: Double
  public var perfect: Double
  /// Windows counted (not wholly probationary), windows detected, detections outside windows.
  public var windows: Int
  public var detectedWindows: Int
  public var falsePositives: Int

  enum CodingKeys: String, CodingKey {
    case profile, raw, null, perfect, windows
    case detectedWindows = "detected_windows"
    case falsePositives = "false_positives"
  }

  /// 100·(raw − null)/(perfect − null); 0 when there is no window to find.
  public var normalized: Double { perfect > null ? 100 * (raw - null) / (perfect - null) : 0 }

  /// NAB's probationary rows for a series of `rows` rows.
  public static func probationaryRows(_ rows: Int) -> Int { min(Int((0.15 * Double(rows)).rounded(.down)), 750) }

  static func scaledSigmoid(_ x: Double) -> Double { x >= 3 ? -1 : 2 / (1 + exp(5 * x)) - 1 }

  /// Scores `detections` (one per row) against `windows` (sorted, disjoint, in rows).
  public init(detections: [Bool], windows: [ClosedRange<Int>], profile: Profile) {
    let rows = detections.count
    let probation = Self.probationaryRows(rows)
    let maxTP = Self.scaledSigmoid(-1)
    var best = [Double](repeating: -profile.falseNegative, count: windows.count)
    var detected = [Bool](repeating: false, count: windows.count)
    var falsePositiveScore = 0.0
    var falsePositives = 0
    var w = 0  // the first window not yet behind row i
    for i in probation..<max(rows, probation) where detections[i] {
      while w < windows.count, windows[w].upperBound < i { w += 1 }
      if w < windows.count, windows[w].contains(i) {
        let window = windows[w]
        let position = -Double(window.upperBound - i + 1) / Double(window.count)
        best[w] = max(best[w], Self.scaledSigmoid(position) * profile.truePositive / maxTP)
        detected[w] = true
      } else {
        falsePositives += 1
        if w > 0 {
          let previous = windows[w - 1]
          let position = previous.count > 1 ? Double(i - previous.upperBound) / Double(previous.count - 1) : 3
          falsePositiveScore += Self.scaledSigmoid(position) * profile.falsePositive
        } else {
          falsePositiveScore -= profile.falsePositive
        }
      }
    }
    // A window wholly inside the probationary rows is not counted.
    let counted = windows.indices.filter { windows[$0].upperBound >= probation }
    self.profile = profile.name
    raw = counted.map { best[$0] }.reduce(0, +) + falsePositiveScore
    null = -profile.falseNegative * Double(counted.count)
    perfect = profile.truePositive * Double(counted.count)
    self.windows = counted.count
    detectedWindows = counted.filter { detected[$0] }.count
    self.falsePositives = falsePositives
  }

  init(profile: String, raw: Double, null: Double, perfect: Double, windows: Int, detectedWindows: Int, falsePositives: Int) {
    self.profile = profile
    self.raw = raw
    self.null = null
    self.perfect = perfect
    self.windows = windows
    self.detectedWindows = detectedWindows
    self.falsePositives = falsePositives
  }

  /// A corpus total: raw, null and perfect scores summed, so `normalized` is NAB's corpus score.
  public static func total(_ scores: [NABScore]) -> NABScore {
    NABScore(
      profile: scores.first?.profile ?? "", raw: scores.map(\.raw).reduce(0, +), null: scores.map(\.null).reduce(0, +),
      perfect: scores.map(\.perfect).reduce(0, +), windows: scores.map(\.windows).reduce(0, +),
      detectedWindows: scores.map(\.detectedWindows).reduce(0, +),
      falsePositives: scores.map(\.falsePositives).reduce(0, +))
  }
}
