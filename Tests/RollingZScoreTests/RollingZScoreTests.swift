import Testing

@testable import RollingZScore
@testable import SeismoCore

@Suite struct RollingZScoreTests {
  func detector(window: Int, transform: String = "level") throws -> RollingZScoreDetector {
    try RollingZScoreDetector(
      parameters: Parameters(
        specs: RollingZScoreDetector.descriptor.parameters,
        values: ["window": .integer(window), "transform": .text(transform)]))
  }

  func frame(_ columns: [[Float]]) throws -> Frame {
    let rows = columns[0].count
    let values = (0..<rows).flatMap { r in columns.map { $0[r] } }
    return try Frame(
      timestamps: (0..<rows).map(Timestamp.init), timeKind: .index,
      featureNames: columns.indices.map { "f\($0)" }, values: values)
  }

  @Test func matchesHandComputedZScores() throws {
    // Window 4 before row 4: 1, 2, 3, 6 → mean 3, population std √3.5. Row 4 = 10 → z = 7/√3.5.
    let f = try frame([[1, 2, 3, 6, 10, 3], [5, 5, 5, 5, 5, 5]])
    let s = try detector(window: 4).score(f)
    #expect(s.firstRow == 4)
    #expect(s.values.count == 2)
    #expect(abs(s.featureErrors[0] - Float(7 / 3.5.squareRoot())) < 1e-4)
    #expect(s.featureErrors[1] == 0, "a flat feature equal to its mean has zero error")
    #expect(s.values[0] == s.featureErrors[0], "the score is the max over features")
    // Row 5 = 3 against 2, 3, 6, 10: mean 5.25, variance (10.5625 + 5.0625 + 0.5625 + 22.5625) / 4.
    let std5 = Float(((10.5625 + 5.0625 + 0.5625 + 22.5625) / 4.0).squareRoot())
    #expect(abs(s.featureErrors[2] - 2.25 / std5) < 1e-4)
    #expect(s.topFeature(at: 0) == 0)
  }

  /// A long frame's features are scored at once, a core each: each feature's errors are those
  /// it has scored alone (5 features of 20,000 rows, over the 2^16 errors that split them).
  @Test func featuresScoredAtOnceAreScoredAsAlone() throws {
    var g = SeededGenerator(seed: 11)
    let columns = (0..<5).map { j in (0..<20_000).map { _ in Float(g.nextGaussian()) * Float(j + 1) + 100 } }
    let detector = try detector(window: 30, transform: "log_return")
    let together = try detector.score(frame(columns))
    for (j, column) in columns.enumerated() {
      let alone = try detector.score(frame([column]))
      #expect(stride(from: j, to: together.featureErrors.count, by: 5).map { together.featureErrors[$0] } == alone.featureErrors)
    }
    #expect(together.values == (0..<together.values.count).map { i in (0..<5).map { together.featureErrors[i * 5 + $0] }.max()! })
  }

  @Test func diffTransformNeedsOneMoreRow() throws {
    let f = try frame([[1, 2, 3, 4, 5, 20, 7]])
    let s = try detector(window: 3, transform: "diff").score(f)
    #expect(s.firstRow == 4)
    // Differences 1 1 1 1 15 −13: row 4's diff 1 vs (1,1,1) → 0; row 5's diff 15 → huge.
    #expect(s.values[0] == 0)
    #expect(s.values[1] > 1000)
  }

  @Test func findsInjectedSpikesInNoise() throws {
    var g = SeededGenerator(seed: 3)
    var series = (0..<2000).map { _ in Float(g.nextGaussian()) }
    let spikes = [300, 900, 1500, 1800]
    for s in spikes { series[s] += 9 }
    let result = try detector(window: 50).score(frame([series]))
    let top = result.values.indices.sorted { result.values[$0] > result.values[$1] }.prefix(4).map { $0 + result.firstRow }
    #expect(Set(top) == Set(spikes))
  }

  @Test func tooFewRowsIsAClearError() throws {
    let f = try frame([[1, 2, 3]])
    #expect(
      throws: SeismoError.invalidInput("the training part has 3 rows; rolling-zscore with window 5 needs at least 6")
    ) {
      try detector(window: 5).fit(f, observer: nil)
    }
  }
}
