import Testing

@testable import PermutationImportance
@testable import SeismoCore

/// Scores row t by |x₀ − x₁|; feature 2 is ignored.
final class GapDetector: Detector {
  var warmupRows: Int { 0 }
  func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport { TrainingReport() }
  func exportState() throws -> DetectorState { DetectorState(tensors: [:], metadata: [:]) }
  func importState(_ state: DetectorState) throws {}
  func score(_ frame: Frame) throws -> Scores {
    let values = (0..<frame.rowCount).map { abs(frame[$0, 0] - frame[$0, 1]) }
    let errors = values.flatMap { v -> [Float] in [v, v, 0] }
    return Scores(firstRow: 0, values: values, featureErrors: errors, featureCount: 3)
  }
}

@Suite struct PermutationImportanceTests {
  let x: [Float] = [1, 4, 2, 8, 5, 7, 3, 6]

  func frame() throws -> Frame {
    try Frame(
      timestamps: x.indices.map { Int64($0) * 86_400 }, featureNames: ["a", "b", "ignored"],
      values: x.flatMap { [$0, $0, 100 + $0] })
  }

  func importance(repeats: Int, seed: Int, progress: ProgressObserver? = nil) throws -> [FeatureImportanceEntry] {
    let frame = try frame()
    let detector = GapDetector()
    let explainer = try PermutationImportance(
      parameters: Parameters(
        specs: PermutationImportance.descriptor.parameters,
        values: ["repeats": .integer(repeats), "seed": .integer(seed)]))
    return try explainer.explain(detector, on: frame, baseline: try detector.score(frame), progress: progress)
  }

  /// The increases computed by hand from the documented shuffles: baseline mean 0 (a = b), so
  /// each increase is mean |shuffled − x|.
  func expected(feature j: Int, repeats: Int, seed: Int) -> (mean: Double, std: Double) {
    var generator = SeededGenerator(seed: UInt64(seed) &+ UInt64(j) &* 0x9E37_79B9)
    let increases = (0..<repeats).map { _ -> Double in
      let shuffled = x.shuffled(using: &generator)
      return zip(shuffled, x).map { Double(abs($0 - $1)) }.reduce(0, +) / Double(x.count)
    }
    let mean = increases.reduce(0, +) / Double(repeats)
    let variance = increases.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(repeats)
    return (mean, variance.squareRoot())
  }

  @Test func eachScoringIsCountedForProgress() throws {
    // 3 features × 2 repeats: a count after each of the 6 scorings of a shuffled frame.
    var heard: [ProgressCount] = []
    _ = try importance(repeats: 2, seed: 7) { heard.append($0) }
    #expect(heard == (1...6).map { ProgressCount($0, of: 6, .scorings) })
  }

  @Test func increasesMatchHandComputedShufflesAndRankLargestFirst() throws {
    let entries = try importance(repeats: 2, seed: 7)
    #expect(entries.map(\.feature).last == "ignored")
    let ignored = entries.first { $0.feature == "ignored" }!
    #expect(ignored.mean == 0 && ignored.std == 0, "a feature the detector ignores scores exactly 0")
    for (j, name) in ["a", "b"].enumerated() {
      let entry = entries.first { $0.feature == name }!
      let hand = expected(feature: j, repeats: 2, seed: 7)
      #expect(abs(entry.mean - hand.mean) < 1e-6 && abs(entry.std - hand.std) < 1e-6, "\(name): \(entry) vs \(hand)")
      #expect(entry.mean > 0)
    }
    #expect(entries[0].mean >= entries[1].mean && entries[1].mean >= entries[2].mean)
  }

  /// An ensemble is explained by its margins, each member cut at the cut-offs the run gave it.
  /// Two members score |a − b| (0 on the frame, where a = b). Member 1 is cut at 10 on every row
  /// (typical score 1): margin (s − 10)/10. Member 2 has no cut-off before row 4, then 2 (typical
  /// score 4): margin (s − 2)/4, the larger for any s ≥ 0. So the baseline margins are −1 on rows
  /// 0–3 and −0.5 on rows 4–7, and a shuffle's increase is (Σ_{t<4} s_t/10 + Σ_{t≥4} s_t/4)/8.
  @Test func anEnsembleIsExplainedByItsMarginsAtTheRunsCutoffs() throws {
    let frame = try frame()
    let run = try GapDetector().score(frame)
    let margins = EnsembleMargins(members: [
      (GapDetector(), Ensemble.Flagged(scores: run, cutoffs: Array(repeating: 10, count: 8), typicalScore: 1)),
      (
        GapDetector(),
        Ensemble.Flagged(
          scores: run, cutoffs: Array(repeating: .infinity, count: 4) + Array(repeating: 2, count: 4), typicalScore: 4)
      ),
    ])
    let baseline = try margins.score(frame)
    #expect(baseline.firstRow == 0 && baseline.values == [-1, -1, -1, -1, -0.5, -0.5, -0.5, -0.5])
    let explainer = try PermutationImportance(
      parameters: Parameters(
        specs: PermutationImportance.descriptor.parameters, values: ["repeats": .integer(3), "seed": .integer(7)]))
    let entries = try explainer.explain(margins, on: frame, baseline: baseline, progress: nil)
    #expect(entries.map(\.feature).last == "ignored" && entries.last?.mean == 0 && entries.last?.std == 0)
    for (j, name) in ["a", "b"].enumerated() {
      var generator = SeededGenerator(seed: 7 &+ UInt64(j) &* 0x9E37_79B9)
      let increases = (0..<3).map { _ -> Double in
        let s = zip(x.shuffled(using: &generator), x).map { Double(abs($0 - $1)) }
        return (s[..<4].reduce(0, +) / 10 + s[4...].reduce(0, +) / 4) / 8
      }
      let mean = increases.reduce(0, +) / 3
      let std = (increases.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
      let entry = try #require(entries.first { $0.feature == name })
      #expect(abs(entry.mean - mean) < 1e-6 && abs(entry.std - std) < 1e-6, "\(name): \(entry) vs \(mean) ± \(std)")
      #expect(mean > 0)
    }
  }

  @Test func repeatsAndSeedAreUsed() throws {
    let one = try importance(repeats: 1, seed: 7)
    #expect(one.allSatisfy { $0.std == 0 }, "one shuffle has no spread")
    let three = try importance(repeats: 3, seed: 7)
    #expect(three.contains { $0.std > 0 }, "three shuffles of eight rows differ")
    let other = try importance(repeats: 3, seed: 8)
    #expect(other.map(\.mean) != three.map(\.mean), "the seed picks the shuffles")
  }
}
