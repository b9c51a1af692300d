import Foundation
import SeismoSupport
import Testing

@testable import Discord
@testable import SeismoCore

@Suite struct DiscordTests {
  func detector(_ values: [String: ParameterValue] = [:]) throws -> DiscordDetector {
    try DiscordDetector(parameters: Parameters(specs: DiscordDetector.descriptor.parameters, values: values))
  }

  func frame(_ values: [Float], features: Int = 1) throws -> Frame {
    try Frame(
      timestamps: (0..<(values.count / features)).map { Timestamp($0) }, timeKind: .index,
      featureNames: (0..<features).map { "f\($0)" }, values: values)
  }

  /// The left profile by brute force: every earlier window, every step, summed in full.
  func bruteForce(_ x: [Float], f: Int, m: Int, exclusion: Int, history: Int) -> [(Double, Int)] {
    let n = x.count / f - m + 1
    return (0..<n).map { s in
      var best = (Double.infinity, 0)
      for i in 0..<n where i <= s - exclusion && (history == 0 || s - i <= history) {
        var d = 0.0
        for k in 0..<m {
          for j in 0..<f {
            let e = Double(x[(s + k) * f + j]) - Double(x[(i + k) * f + j])
            d += e * e
          }
        }
        if d < best.0 { best = (d, i) }
      }
      return best
    }
  }

  @Test(arguments: [(1, 7, 7, 0), (2, 5, 3, 0), (2, 5, 5, 40), (1, 3, 3, 2000)])
  func diagonalsGiveTheBruteForceProfile(f: Int, m: Int, exclusion: Int, history: Int) {
    // 1,500 rows: past the diagonal's full recomputation every 1,024 pairs.
    var random = SeededGenerator(seed: 3)
    let x = (0..<(1500 * f)).map { _ in Float.random(in: -1..<1, using: &random) }
    let profile = LeftProfile(values: x, featureCount: f, window: m, exclusion: exclusion, history: history)
    let expected = bruteForce(x, f: f, m: m, exclusion: exclusion, history: history)
    #expect(profile.nearest.count == expected.count)
    for (s, (got, want)) in zip(profile.nearest, expected).enumerated() {
      if want.0.isInfinite {
        #expect(got.distance.isInfinite, "start \(s)")
      } else {
        #expect(abs(got.distance - want.0) <= 1e-9 * max(1, want.0) && got.start == want.1, "start \(s)")
      }
    }
  }

  /// Random shapes against brute force: series shorter than a block or than the exclusion zone,
  /// a history shorter than a block, scoring from a row inside a block or past the end, and
  /// any number of threads. Lanes past the history, or before their first pair, must never win.
  @Test(arguments: 0..<60)
  func randomShapesGiveTheBruteForceProfile(seed: Int) {
    var random = SeededGenerator(seed: UInt64(1000 + seed))
    let f = Int.random(in: 1...3, using: &random)
    let m = Int.random(in: 2...9, using: &random)
    let rows = Int.random(in: m...(m + 120), using: &random)
    let exclusion = Int.random(in: 1...15, using: &random)
    let history = Bool.random(using: &random) ? 0 : exclusion + Int.random(in: 0...20, using: &random)
    let from = Bool.random(using: &random) ? 0 : Int.random(in: 0...(rows + 3), using: &random)
    let threads = Int.random(in: 1...3, using: &random)
    let x = (0..<(rows * f)).map { _ in Float.random(in: -1..<1, using: &random) }
    let profile = LeftProfile(
      values: x, featureCount: f, window: m, exclusion: exclusion, history: history, from: from, threads: threads)
    let expected = bruteForce(x, f: f, m: m, exclusion: exclusion, history: history)
    let shape = "f \(f) m \(m) rows \(rows) exclusion \(exclusion) history \(history) from \(from) threads \(threads)"
    #expect(profile.nearest.count == expected.count, "\(shape)")
    for (s, (got, want)) in zip(profile.nearest, expected).enumerated() {
      if s < from || want.0.isInfinite {
        #expect(got.distance.isInfinite, "start \(s): \(shape)")
      } else {
        #expect(abs(got.distance - want.0) <= 1e-9 * max(1, want.0) && got.start == want.1, "start \(s): \(shape)")
      }
    }
  }

  /// A periodic series has many equally near windows: any number of threads keeps the same one
  /// (the latest), as one thread does.
  @Test func threadsDoNotChangeTheProfile() {
    let x = (0..<900).map { Float(($0 * 7) % 30) }
    let one = LeftProfile(values: x, featureCount: 1, window: 12, exclusion: 12, history: 0, threads: 1)
    for threads in [2, 3] {
      let many = LeftProfile(values: x, featureCount: 1, window: 12, exclusion: 12, history: 0, threads: threads)
      #expect(many.nearest.map(\.distance) == one.nearest.map(\.distance))
      #expect(many.nearest.map(\.start) == one.nearest.map(\.start), "\(threads) threads")
    }
    #expect(one.nearest[500].start == 470, "the latest of the exact twins, one period back")
  }

  /// Progress counts the pairs compared, as they are compared: with one thread every one, at
  /// each hundredth; with two, the first thread's counts rise to near all of them (from half of
  /// them at worst, when the second has done its half first: its blocks alternate). From the
  /// last window on (2,992 windows of 9 rows) there is none to count.
  @Test(arguments: [0, 700, 2992])
  func progressCountsThePairsCompared(from: Int) {
    var random = SeededGenerator(seed: 5)
    let x = (0..<3000).map { _ in Float.random(in: -1..<1, using: &random) }
    let (m, exclusion) = (9, 9)
    let n = 3000 - m + 1
    // Every pair (i, s) with i ≤ s − exclusion and s from `from` on.
    let pairs = (max(from, exclusion)..<n).reduce(0) { $0 + $1 - exclusion + 1 }
    for threads in [1, 2] {
      var counts: [ProgressCount] = []
      _ = LeftProfile(
        values: x, featureCount: 1, window: m, exclusion: exclusion, history: 0, from: from, threads: threads,
        progress: { counts.append($0) })
      #expect(counts.allSatisfy { $0.total == pairs && $0.unit == .windowPairs })
      #expect(zip(counts, counts.dropFirst()).allSatisfy { $0.done < $1.done }, "rising")
      guard pairs > 0 else {
        #expect(counts.isEmpty, "no pair to compare (from the last window on): nothing heard")
        continue
      }
      #expect(counts.count <= 100 && counts.count >= (threads == 1 ? 99 : 40), "\(counts.count) counts")
      if threads == 1 { #expect(counts.last?.done == pairs) }
    }
  }

  /// Exact twins on diagonals of one block (lags 3, 6 and 9 of a period of 3, run side by side):
  /// the latest is kept there too, alone (before the block's last lag) and together; on three
  /// features, feature by feature.
  @Test(arguments: [1, 3])
  func twinsInOneBlockKeepTheLatest(features: Int) {
    let x = (0..<(200 * features)).map { Float(($0 / features) % 3 + $0 % features) }
    let profile = LeftProfile(values: x, featureCount: features, window: 5, exclusion: 3, history: 0)
    for s in [3, 4, 9, 10, 11, 150] {
      #expect(profile.nearest[s].distance == 0 && profile.nearest[s].start == s - 3, "start \(s)")
    }
  }

  /// A saw-tooth that resets every 40 rows, with one novel bump: the resets, however steep, have
  /// earlier twins and score near 0; the bump has none.
  @Test func recurringShapesScoreLowAndANovelOneHigh() throws {
    var values = (0..<800).map { Float($0 % 40) / 4 }
    for t in 600..<606 { values[t] += 3 }
    let detector = try detector(["window": .integer(20)])
    _ = try detector.fit(try frame(Array(values.prefix(200))), observer: nil)
    let scores = try detector.score(try frame(values))
    #expect(scores.firstRow == 39)
    // Once a whole cycle has been seen (the first windows have no twin yet):
    let seen = scores.index(ofRow: 80)!
    let top = scores.values.indices.dropFirst(seen).max { scores.values[$0] < scores.values[$1] }!
    #expect((600..<626).contains(scores.row(top)), "the bump scores highest (row \(scores.row(top)))")
    let later = scores.values[(scores.index(ofRow: 100)!)..<(scores.index(ofRow: 590)!)]
    #expect(later.allSatisfy { $0 < 1e-4 }, "every recurring reset has an exact twin")
    // In standard deviations of the training rows: one step of the saw-tooth is 0.25 / 2.9 of one.
    #expect(scores.values[top] > 0.5)
  }

  @Test func appendingRowsLeavesEveryEarlierScoreUnchanged() throws {
    var random = SeededGenerator(seed: 9)
    let values = (0..<3000).map { _ in Float.random(in: 0..<1, using: &random) }
    let detector = try detector(["window": .integer(16), "transform": .text("diff")])
    _ = try detector.fit(try frame(Array(values.prefix(500))), observer: nil)
    let short = try detector.score(try frame(Array(values.prefix(2000))))
    let long = try detector.score(try frame(values))
    #expect(short.firstRow == long.firstRow && short.firstRow == 16 + 15 + 1)
    #expect(Array(long.values.prefix(short.values.count)) == short.values)
    #expect(Array(long.featureErrors.prefix(short.featureErrors.count)) == short.featureErrors)
  }

  /// Scoring from a row (a rolling walk-forward fold: the rows before are context) matches only
  /// the later windows, with every earlier one: the same scores as scoring every row, up to the
  /// running sums' rounding, and the same nearest windows (feature errors), from any row.
  @Test(arguments: [0, 60])
  func scoringFromARowGivesTheWholeScoresOfTheRowsAfter(history: Int) throws {
    var random = SeededGenerator(seed: 11)
    let values = (0..<2600).flatMap { _ in [Float.random(in: 0..<1, using: &random), Float.random(in: 0..<1, using: &random)] }
    let frame = try Frame(
      timestamps: (0..<2600).map { Timestamp($0) * 60 }, featureNames: ["a", "b"], values: values)
    let detector = try detector(["window": .integer(12), "history": .integer(history), "exclusion": .integer(5)])
    _ = try detector.fit(frame.rows(0..<400), observer: nil)
    let whole = try detector.score(frame)
    for row in [0, 5, 16, 17, 700, 1030, 2050, 2599, 2600] {
      let later = try detector.score(frame, from: row)
      let expected = whole.fromRow(row)
      #expect(later.firstRow == expected.firstRow && later.values.count == expected.values.count, "from \(row)")
      let far = zip(later.values, expected.values).filter { abs($0 - $1) > 1e-5 * max(1, abs($1)) }
      #expect(far.isEmpty, "from \(row): \(far.prefix(3))")
      #expect(zip(later.featureErrors, expected.featureErrors).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }
  }

  /// Under `log_return` a doubling series is one constant return (ln 2, exactly): every window is
  /// the same, so every score is 0; on levels the windows keep growing and no window has a twin.
  @Test func transformPreparesTheValuesItCompares() throws {
    let values = (0..<120).map { Float(pow(2, Double($0))) }
    for (transform, isZero) in [("log_return", true), ("level", false)] {
      let detector = try detector(["window": .integer(10), "transform": .text(transform)])
      _ = try detector.fit(try frame(Array(values.prefix(40))), observer: nil)
      let scores = try detector.score(try frame(values))
      #expect(scores.values.allSatisfy { $0 < 1e-3 } == isZero, "\(transform)")
    }
  }

  @Test func featureErrorsNameTheFeatureThatChanged() throws {
    // Two features repeating a cycle; at row 300 only the second breaks it.
    var values: [Float] = []
    for t in 0..<400 { values += [Float(t % 25), Float((t * 7) % 25) + (t >= 300 && t < 305 ? 9 : 0)] }
    let detector = try detector(["window": .integer(10)])
    _ = try detector.fit(try frame(Array(values.prefix(200)), features: 2), observer: nil)
    let scores = try detector.score(try frame(values, features: 2))
    let i = scores.index(ofRow: 304)!
    #expect(scores.values[i] > 0.1 && scores.topFeature(at: i) == 1)
    #expect(scores.featureErrors[i * 2] < 1e-6, "the first feature has an exact earlier twin")
  }

  /// Every pair of 1,000,000 windows would take minutes: refused at once, naming the
  /// history that fits; with it, the same rows are scored.
  @Test func aSearchTooLongIsRefusedWithTheHistoryThatFits() throws {
    let values = (0..<1_000_000).map { Float($0 % 97) }
    let unbounded = try detector(["window": .integer(10)])
    _ = try unbounded.fit(try frame(Array(values.prefix(500))), observer: nil)
    do {
      _ = try unbounded.score(try frame(values))
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains("3 minutes on one core); set history to bound the search (history: 240002 or less"))
    }
    let bounded = try detector(["window": .integer(10), "history": .integer(40)])
    _ = try bounded.fit(try frame(Array(values.prefix(500))), observer: nil)
    #expect(try bounded.score(try frame(values)).values.count == 1_000_000 - 19)
  }

  @Test func optionsStateAndErrors() throws {
    #expect(try detector(["window": .integer(10)]).warmupRows == 19)
    #expect(try detector(["window": .integer(10), "exclusion": .integer(3)]).warmupRows == 12)
    #expect(try detector(["window": .integer(10)]).historyRows == nil)
    #expect(try detector(["window": .integer(10), "history": .integer(100)]).historyRows == 109)
    #expect(throws: SeismoError.self) { try detector(["window": .integer(10), "history": .integer(5)]) }
    let fitted = try detector(["window": .integer(4)])
    #expect(throws: SeismoError.self) { try fitted.score(try frame([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])) }
    _ = try fitted.fit(try frame((0..<50).map { Float($0 % 7) }), observer: nil)
    let restored = try detector(["window": .integer(4)])
    try restored.importState(try fitted.exportState())
    let data = try frame((0..<90).map { Float(($0 * 3) % 11) })
    #expect(try restored.score(data) == (try fitted.score(data)))
    do {
      _ = try fitted.score(try frame([1, 2, 3, 4, 5, 6, 7]))
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains("the data has 7 rows; discord with window 4 and exclusion 4 needs at least 8"))
    }
  }
}
