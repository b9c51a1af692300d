import Foundation
import Synchronization
import Testing

@testable import SeismoCore

@Suite struct EnsembleTests {
  @Test func combineTakesTheLargestMarginAndFlagsWhatAnyMemberFlags() {
    // Two features. Member a scores rows 1–3, member b rows 2–3 (a longer warm-up).
    let a = Ensemble.Flagged(
      scores: Scores(firstRow: 1, values: [2, 5, 1], featureErrors: [1, 0, 0, 5, 1, 0], featureCount: 2),
      cutoffs: [.infinity, 4, 4], typicalScore: 2)
    let b = Ensemble.Flagged(
      scores: Scores(firstRow: 2, values: [3, 1], featureErrors: [7, 0, 0, 9], featureCount: 2),
      cutoffs: [.infinity, -2], typicalScore: 3)
    let (scores, cutoffs, members) = Ensemble.combine([a, b])
    #expect(scores.firstRow == 1)
    // Each member's own score and cut-off of rows 1–3: b has neither at row 1.
    #expect(members.scores[0] == [2, 5, 1] && members.cutoffs[0] == [.infinity, 4, 4])
    #expect(members.scores[1][0].isNaN && members.scores[1].dropFirst() == [3, 1])
    #expect(members.cutoffs[1] == [.infinity, .infinity, -2])
    #expect(
      members.fromFirstScore(of: 1)?.first == 1 && members.fromFirstScore(of: 1)?.scores == [3, 1]
        && members.fromFirstScore(of: 0)?.first == 0)
    // Row 1: no member has a cut-off → margin −1, no cut-off, a's errors.
    // Row 2: a (5 − 4)/max(4, 2) = 0.25; b has no cut-off yet.
    // Row 3: a (1 − 4)/4 = −0.75; b (1 − (−2))/max(2, 3) = 1 (its typical score is the floor).
    #expect(scores.values == [-1, 0.25, 1])
    #expect(cutoffs == [.infinity, 0, 0])
    #expect(scores.featureErrors == [1, 0, 0, 5, 0, 9], "each row explained by the member with the largest margin")
    // Flagged (margin > 0) exactly where a member's score is above its own cut-off.
    #expect(zip(scores.values, cutoffs).map { $0 > $1 } == [false, true, true])
  }

  @Test func aRowIsFlaggedWhenAnyMemberFlagsIt() throws {
    let series = #"source: { plugin: constant, series: ["1", "9", "3", "4", "50", "6"] }"# + "\nsplit: { train_fraction: 0.5 }\n"
    let first = "detector: { plugin: absolute, lag: 1 }\nthreshold: { plugin: fixed, value: 8 }\n"
    let second = "{ plugin: absolute, lag: 2 }"
    func run(_ yaml: String) throws -> RunResult {
      let config = try RunConfig.parse(yaml: series + yaml, origin: "c", registry: testRegistry)
      var lines: [String] = []
      let result = try DetectionPipeline(registry: testRegistry, config: config).run(log: { lines.append($0) })
      #expect(lines.contains { $0.hasPrefix("ensemble of") } == (config.ensemble != nil))
      return result
    }
    let alone = try run(first)
    #expect(alone.anomalies.map(\.row) == [1, 4])
    let other = try run("detector: \(second)\nthreshold: { plugin: fixed, value: 5 }\n")
    #expect(other.anomalies.map(\.row) == [4, 5])
    let both = try run(first + "ensemble:\n  - detector: \(second)\n    threshold: { plugin: fixed, value: 5 }\n")
    #expect(both.anomalies.map(\.row) == [1, 4, 5])
    // Row 1: only the first member scores it: (9 − 8) / max(8, mean of its training scores 9 and 3).
    #expect(both.scores.firstRow == 1 && both.scores.values.first == 0.125)
    #expect(both.threshold == 0 && both.cutoffs.allSatisfy { $0 == 0 })
    #expect(both.detectorState == nil)
    // Its model keeps both members, each with its cut-off and typical score, through a file.
    let model = try SavedModel.decode(try SavedModel(run: both).encode(), origin: "m")
    #expect(model.members.map(\.detector.plugin) == ["absolute", "absolute"] && model.ensemble.count == 1)
    #expect(model.members.map(\.thresholdValue) == [8, 5] && model.typicalScore == 6)
  }

  /// Resuming an ensemble's stream (`score --new-rows`) scores the rows before again only with
  /// the members whose cut-offs move with their scores, whose rules it replays: a member under
  /// a fixed rule has no state to replay.
  @Test func resumingAnEnsembleScoresTheHistoryOnlyForRulesThatMove() throws {
    var registry = testRegistry
    registry.register(detector: CountingDetector.self)
    registry.register(threshold: RunningMaxCut.self)
    let series = (0..<40).map { "\"\(($0 * 7) % 11)\"" }.joined(separator: ", ")
    let config = try RunConfig.parse(
      yaml: """
        source: { plugin: constant, series: [\(series)] }
        split: { train_fraction: 0.5 }
        detector: { plugin: counting, lag: 1 }
        threshold: { plugin: running-max }
        ensemble:
          - detector: { plugin: counting, lag: 2 }
            threshold: { plugin: fixed, value: 5 }
        """, origin: "c", registry: registry)
    let pipeline = DetectionPipeline(registry: registry, config: config)
    let run = try pipeline.run(log: { _ in })
    let model = try SavedModel.decode(try SavedModel(run: run).encode(), origin: "m")
    let frame = try pipeline.source().load().frame
    func resumed(stored: MemberScores?) throws -> (stream: ScoreStream, scored: [Int: Int]) {
      var stream = try ScoreStream(model, config: config, registry: registry, keepFlags: 0)
      CountingDetector.rowsScored.withLock { $0 = [:] }
      try stream.resumeMembers(scoring: frame.rows(0..<30), stored: stored, storedFrom: run.scores.firstRow)
      return (stream, CountingDetector.rowsScored.withLock { $0 })
    }
    let (scoring, scored) = try resumed(stored: nil)
    #expect(scored == [1: 30], "only the running-max member scored the 30 rows")
    #expect(scoring.members.map { $0.cutoffs?.isConstant } == [false, true])

    // With the members' own scores and cut-offs of the rows before row 30, as the run stored
    // them, no member scores the history, and the running-max member's rule goes on as the
    // run's did: its cut-offs of rows 30–39 are the run's.
    let own = try #require(run.memberScores)
    let before = 30 - run.scores.firstRow
    let stored = MemberScores(
      scores: own.scores.map { Array($0[..<before]) }, cutoffs: own.cutoffs.map { Array($0[..<before]) })
    let (replaying, none) = try resumed(stored: stored)
    #expect(none.isEmpty, "no member scored the history")
    var cut = try #require(replaying.members[0].cutoffs)
    #expect(cut.cutoffs(for: own.scores[0][before...], at: frame.timestamps[30...]) == Array(own.cutoffs[0][before...]))
    // A member's own scores with a gap (a run stored before they were kept) are scored again.
    var gap = stored
    gap.scores[0][before - 3] = .nan
    #expect(try resumed(stored: gap).scored == [1: 30])
  }

  @Test func membersAreReadWithTheirKeyPaths() throws {
    let head = "source: { plugin: constant }\ndetector: { plugin: absolute }\n"
    func message(_ yaml: String, overrides: [String] = []) -> String {
      do {
        _ = try RunConfig.parse(yaml: head + yaml, origin: "c.yaml", overrides: overrides, registry: testRegistry)
        return "no error"
      } catch { return "\(error)" }
    }
    let config = try RunConfig.parse(
      yaml: head
        + "ensemble:\n  - detector: { plugin: absolute, lag: 3 }\n  - detector: { plugin: absolute, lag: 4 }\n    threshold: { plugin: fixed, value: 2 }\n",
      origin: "c.yaml", overrides: ["ensemble[1].detector.scale=2"], registry: testRegistry)
    #expect(config.members.count == 3)
    #expect(config.ensemble?[0].detector.parameters[AbsoluteDetector.lag] == 3)
    #expect(config.ensemble?[0].detector.parameters[AbsoluteDetector.scale] == 2, "--set reaches a member")
    #expect(config.ensemble?[0].threshold.plugin == "percentile", "a member's threshold defaults as the run's does")
    #expect(config.ensemble?[1].threshold.parameters[FixedCut.value] == 2)

    #expect(
      message("ensemble:\n  - detector: { plugin: absolute, lagg: 3 }\n")
        == "c.yaml:4:41: ensemble[1].detector.lagg: unknown parameter for plugin 'absolute' (did you mean 'lag'?); known: lag, scale, verbose, mode"
    )
    #expect(
      message("ensemble:\n  - detectr: { plugin: absolute }\n")
        == "c.yaml:4:5: ensemble[1].detectr: unknown key (did you mean 'detector'?); a member has a detector and a threshold")
    #expect(
      message("ensemble:\n  - threshold: { plugin: fixed, value: 1 }\n")
        == "c.yaml:4:5: ensemble[1].detector: missing; choose a detector plugin")
    #expect(
      message("ensemble: { detector: { plugin: absolute } }\n")
        == "c.yaml:3:11: ensemble: expected a list of members, each a mapping with a detector and a threshold")
    #expect(
      message("ensemble:\n  - detector: { plugin: absolute }\n", overrides: ["ensemble[2].detector.lag=1"]).contains(
        "unknown section"))
    // Each member's problems are named, past a member that cannot be read, a detector's apart
    // from its threshold's.
    #expect(
      message(
        """
        ensemble:
          - detector: { plugin: absolute, lagg: 3 }
            threshold: { plugin: fixed, valu: 1 }
          - detectr: { plugin: absolute }
          - detector: { plugin: absolute, lag: 99 }
          - detector: { plugin: absolute }
        """
      ).split(separator: "\n").map(String.init) == [
        "c.yaml:4:41: ensemble[1].detector.lagg: unknown parameter for plugin 'absolute' (did you mean 'lag'?); known: lag, scale, verbose, mode",
        "c.yaml:5:39: ensemble[1].threshold.valu: unknown parameter for plugin 'fixed' (did you mean 'value'?); known: value",
        "c.yaml:6:5: ensemble[2].detectr: unknown key (did you mean 'detector'?); a member has a detector and a threshold",
        "c.yaml:7:40: ensemble[3].detector.lag: expected an integer in 0...10, got '99'",
      ])
  }

  /// `events.min_margin` prunes an ensemble's events by their margins, which are already in units
  /// of each member's cut-off: an event alerts once a row's margin is at least min_margin.
  @Test func anEnsemblesEventsArePrunedByTheirMargins() throws {
    // By hand: flagged rows 1–2 (margins 0.2, 0.3), 4 (0.6) and 6–7 (0.1, 0.5); at 0.5 the first
    // never clears and is dropped, the last alerts on row 7.
    let margins: [Float] = [-1, 0.2, 0.3, -0.5, 0.6, -1, 0.1, 0.5]
    let zeros = [Float](repeating: 0, count: margins.count)
    #expect(
      EventRule(minMargin: 0.5, scoresAreMargins: true).events(scores: margins, cutoffs: zeros) == [
        EventRule.Event(start: 4, end: 4, alert: 4, flagged: 1), EventRule.Event(start: 6, end: 7, alert: 7, flagged: 2),
      ])
    #expect(EventRule(minMargin: 0.5).events(scores: margins, cutoffs: zeros).count == 3, "m·|0| prunes nothing")
    // Two identical members cut at 8, above their typical score (the training scores 2, 3 and 9
    // average 4.7): margins (s − 8)/8, so they alert where one alone alerts with the same
    // min_margin. Flagged: 9, 14 and 11, margins 0.125, 0.75 and 0.375.
    let series = #"source: { plugin: constant, series: ["1", "2", "3", "9", "4", "14", "2", "11", "3"] }"#
    let alone = "split: { train_fraction: 0.5 }\ndetector: { plugin: absolute }\nthreshold: { plugin: fixed, value: 8 }\n"
    let twin = "ensemble:\n  - detector: { plugin: absolute }\n    threshold: { plugin: fixed, value: 8 }\n"
    func alerts(_ yaml: String, margin: Double) throws -> [Int] {
      let config = try RunConfig.parse(
        yaml: series + "\n" + yaml + "events: { min_margin: \(margin) }\n", origin: "c", registry: testRegistry)
      let run = try DetectionPipeline(registry: testRegistry, config: config).run()
      return run.events.map { run.scores.row($0.alert) }
    }
    #expect(try alerts(alone, margin: 0) == [3, 5, 7] && alerts(alone + twin, margin: 0) == [3, 5, 7])
    #expect(try alerts(alone, margin: 0.3) == [5, 7])
    #expect(try alerts(alone + twin, margin: 0.3) == [5, 7])
    #expect(try alerts(alone + twin, margin: 0.5) == [5])
  }

  @Test func storedConfigsKeepTheirMembersAndOlderOnesHaveNone() throws {
    let config = try RunConfig.parse(
      yaml:
        "source: { plugin: constant }\ndetector: { plugin: absolute }\nensemble:\n  - detector: { plugin: absolute, lag: 2 }\n",
      origin: "c", registry: testRegistry)
    let json = try JSONEncoder().encode(config)
    #expect(try RunConfig.stored(json, origin: "job 1", registry: testRegistry) == config)
    var single = config
    single.ensemble = nil
    let older = try JSONEncoder().encode(single)
    #expect(!String(decoding: older, as: UTF8.self).contains("ensemble"))
    #expect(try RunConfig.stored(older, origin: "job 2", registry: testRegistry).ensemble == nil)
  }
}

/// `absolute` that counts the rows it scores, by its lag.
private final class CountingDetector: Detector, ConfigurablePlugin {
  static let descriptor = PluginDescriptor(
    kind: .detector, name: "counting", summary: "|x|, counting the rows scored", parameters: [AbsoluteDetector.lag.spec])
  static let rowsScored = Mutex<[Int: Int]>([:])
  let scores: AbsoluteDetector
  init(parameters: Parameters) throws {
    let lag = parameters[AbsoluteDetector.lag]
    scores = try AbsoluteDetector(
      parameters: Parameters(specs: AbsoluteDetector.descriptor.parameters, values: ["lag": .integer(lag)]))
  }
  var warmupRows: Int { scores.warmupRows }
  func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport { TrainingReport() }
  func exportState() throws -> DetectorState { try scores.exportState() }
  func importState(_ state: DetectorState) throws {}
  func score(_ frame: Frame) throws -> Scores {
    Self.rowsScored.withLock { $0[scores.lag, default: 0] += frame.rowCount }
    return try scores.score(frame)
  }
}

/// Cuts each score at the largest score before it (the calibrated value at first): a rule whose
/// cut-offs move with the scores.
private struct RunningMaxCut: Threshold, ConfigurablePlugin {
  static let descriptor = PluginDescriptor(
    kind: .threshold, name: "running-max", summary: "the largest score before", parameters: [])
  init(parameters: Parameters) throws {}
  func calibrate(trainingScores: [Float]) throws -> Float { trainingScores.max() ?? 0 }
  func cutoffStream(calibration: [Float], calibrated: Float) -> any CutoffStream { Stream(cutoff: calibrated) }

  struct Stream: CutoffStream {
    var cutoff: Float
    mutating func cutoffs(for chunk: ArraySlice<Float>) -> [Float] {
      chunk.map { score in
        defer { cutoff = max(cutoff, score) }
        return cutoff
      }
    }
  }
}
