import Testing

@testable import SeismoCore

/// An adaptive rule for the tests: each row's cut-off is the largest score fed before it (0 for
/// the first), so a fold's cut-offs depend on every score its stream saw.
struct RunningMax: Threshold, ConfigurablePlugin {
  static let descriptor = PluginDescriptor(
    kind: .threshold, name: "running-max", summary: "largest earlier score", parameters: [])
  init() {}
  init(parameters: Parameters) throws {}
  func calibrate(trainingScores: [Float]) throws -> Float { trainingScores.max() ?? 0 }
  func cutoffStream(calibration: [Float], calibrated: Float) -> any CutoffStream { Stream() }

  struct Stream: CutoffStream {
    var largest: Float = 0
    mutating func cutoffs(for chunk: ArraySlice<Float>) -> [Float] {
      chunk.map { score in
        defer { largest = max(largest, score) }
        return largest
      }
    }
  }
}

/// A walk-forward run keeps each fold's own training scores, and a rule re-cuts the run from
/// them fold by fold, as `detect` cut it (what `seismo rethreshold` does with stored runs).
@Suite struct FoldScoresTests {
  /// Series 1 2 3 4 50 6 7 8 9 10, the `absolute` detector (lag 1, so scores start at row 1),
  /// the first 4 rows train, refit every 2 rows.
  func run(window: String, threshold: String, detector: String = "{ plugin: absolute, lag: 1 }") throws -> RunResult {
    var registry = testRegistry
    registry.register(threshold: RunningMax.self)
    registry.register(detector: LookingAheadDetector.self)
    let config = try RunConfig.parse(
      yaml: """
        source: { plugin: constant, series: ["1", "2", "3", "4", "50", "6", "7", "8", "9", "10"] }
        detector: \(detector)
        split: { train_fraction: 0.4, refit_every: 2, refit_window: \(window) }
        threshold: { plugin: \(threshold) }
        """, origin: "c", registry: registry)
    return try DetectionPipeline(registry: registry, config: config).run()
  }

  @Test func eachFoldKeepsItsOwnTrainingScores() throws {
    let expanding = try run(window: "expanding", threshold: "percentile")
    #expect(expanding.foldScores.map(\.firstRow) == [1, 1, 1])
    #expect(expanding.foldScores.map(\.scores) == [[2, 3, 4], [2, 3, 4, 50, 6], [2, 3, 4, 50, 6, 7, 8]])
    #expect(expanding.foldScores.map(\.calibrationCount) == [3, 5, 7])
    // Rolling: folds 2 and 3 train on rows 2–5 and 4–7, scored from rows 3 and 5.
    let rolling = try run(window: "rolling", threshold: "percentile")
    #expect(
      rolling.foldScores == [
        FoldScores(firstRow: 1, scores: [2, 3, 4], calibrationCount: 3),
        FoldScores(firstRow: 3, scores: [4, 50, 6], calibrationCount: 3),
        FoldScores(firstRow: 5, scores: [6, 7, 8], calibrationCount: 3),
      ])
    #expect(rolling.foldScores.map(\.endRow) == rolling.folds.map(\.trainEnd))
  }

  @Test func scoresThatLookAheadAreKeptButDoNotCalibrate() throws {
    // Each fold's last training score saw a row after the training rows: kept, not calibrating.
    let ahead = try run(window: "rolling", threshold: "percentile", detector: "{ plugin: looking-ahead, lookahead: 1 }")
    #expect(ahead.foldScores.map(\.calibrationCount) == [2, 2, 2])
    #expect(ahead.foldScores.map(\.scores.count) == [3, 3, 3])
    #expect(ahead.folds.map(\.threshold) == [3, 50, 7])
    let recut = try MaxThreshold(parameters: Parameters(specs: [])).cutoffs(
      for: ahead.scores.values, firstRow: 1, walkingForward: ahead.foldScores)
    #expect(recut == ahead.cutoffs)
  }

  @Test func eachFoldsCutoffsAreHeardAsTheyAreCut() throws {
    var registry = testRegistry
    registry.register(threshold: RunningMax.self)
    let config = try RunConfig.parse(
      yaml: """
        source: { plugin: constant, series: ["1", "2", "3", "4", "50", "6", "7", "8", "9", "10"] }
        detector: { plugin: absolute, lag: 1 }
        split: { train_fraction: 0.4, refit_every: 2 }
        threshold: { plugin: running-max }
        """, origin: "c", registry: registry)
    var heard: [ProgressCount] = []
    let run = try DetectionPipeline(registry: registry, config: config).run(cutting: { heard.append($0) })
    // Each fold cuts the scores of the rows up to its last, in one chunk: 5, 7 and 9 scores.
    #expect(run.folds.count == 3)
    #expect(heard == [5, 7, 9].map { ProgressCount($0, of: $0, .scores) })
  }

  @Test func aSingleFitKeepsNone() throws {
    let config = try RunConfig.parse(
      yaml: "source: { plugin: constant }\ndetector: { plugin: absolute, lag: 1 }\nsplit: { train_fraction: 0.5 }",
      origin: "c", registry: testRegistry)
    #expect(try DetectionPipeline(registry: testRegistry, config: config).run().foldScores.isEmpty)
  }

  @Test func recuttingWithTheRunsOwnRuleGivesItsCutoffs() throws {
    for window in ["expanding", "rolling"] {
      for rule in ["percentile", "running-max"] {
        let run = try run(window: window, threshold: rule)
        let threshold: any Threshold = rule == "percentile" ? try MaxThreshold(parameters: Parameters(specs: [])) : RunningMax()
        let recut = try threshold.cutoffs(for: run.scores.values, firstRow: run.scores.firstRow, walkingForward: run.foldScores)
        #expect(recut == run.cutoffs, "\(window), \(rule)")
      }
    }
  }

  @Test func anotherRuleRecutsEachFoldFromItsOwnScores() throws {
    // A rolling run cut by the max rule, re-cut by the running max. Each fold's stream starts
    // afresh on its own training scores, then runs through its out-of-sample rows:
    //   fold 1: [2 3 4] + [50 6] → 0 2 3 4 50 (every row);
    //   fold 2: [4 50 6] + [7 8] → … 50 50 (rows 6, 7);
    //   fold 3: [6 7 8] + [9 10] → … 8 9 (rows 8, 9).
    // One stream over the stored scores would give rows 8 and 9 the cut-off 50.
    let run = try run(window: "rolling", threshold: "percentile")
    let recut = try RunningMax().cutoffs(for: run.scores.values, firstRow: 1, walkingForward: run.foldScores)
    #expect(recut == [0, 2, 3, 4, 50, 50, 50, 8, 9])
    // Rows appended after the run (incremental scoring) belong to the last fold.
    let appended = try RunningMax().cutoffs(
      for: run.scores.values + [11], firstRow: 1, walkingForward: run.foldScores)
    #expect(appended == recut + [10])
  }

  /// A re-cut hears the scores each fold cuts (`seismo rethreshold`'s progress): none of those
  /// whose cut-offs are given.
  @Test func aRecutHearsTheScoresItCuts() throws {
    let run = try run(window: "rolling", threshold: "percentile")
    var heard: [ProgressCount] = []
    let rule = RunningMax()
    _ = try rule.resumableCutoffs(
      for: run.scores.values, firstRow: 1, walkingForward: run.foldScores, progress: { heard.append($0) })
    // Fold 1 cuts its training scores and its own 2 rows; folds 2 and 3, their 2 rows each.
    #expect(heard == [5, 2, 2].map { ProgressCount($0, of: $0, .scores) })
    heard = []
    _ = try rule.resumableCutoffs(
      for: run.scores.values, firstRow: 1, walkingForward: run.foldScores, knowing: [-1, -1, -1, -1, -1, -1, -1],
      progress: { heard.append($0) })
    #expect(heard == [ProgressCount(2, of: 2, .scores)])
    heard = []
    _ = try rule.resumableCutoffs(
      for: Array(1...10).map(Float.init), calibrationCount: 4, knowing: [0, 1, 2], progress: { heard.append($0) })
    #expect(heard == [ProgressCount(7, of: 7, .scores)])
  }

  /// Cut-offs of the first rows given (a stored version's) are kept as given, a fold they cover
  /// is not cut again, and the rest are cut from them: the whole re-cut, when they are its own.
  @Test func knownCutoffsAreKeptAndTheRestCutFromThem() throws {
    let run = try run(window: "rolling", threshold: "percentile")
    let rule = RunningMax()
    let whole = try rule.cutoffs(for: run.scores.values, firstRow: 1, walkingForward: run.foldScores)
    for known in 0...whole.count {
      #expect(
        try rule.cutoffs(for: run.scores.values, firstRow: 1, walkingForward: run.foldScores, knowing: whole.prefix(known))
          == whole, "\(known) known")
    }
    // Folds 1 and 2 given (rows 1–7) are not cut again; fold 3 is cut from its own scores. Six
    // given end inside fold 2, whose stream resumes over its training scores and those rows.
    let given: [Float] = [-1, -1, -1, -1, -1, -1, -1]
    #expect(
      try rule.cutoffs(for: run.scores.values, firstRow: 1, walkingForward: run.foldScores, knowing: given[...])
        == given + [8, 9])
    #expect(
      try rule.cutoffs(for: run.scores.values, firstRow: 1, walkingForward: run.foldScores, knowing: given.prefix(6))
        == given.prefix(6) + [50, 8, 9])
    // One fit: calibrated on the first scores, resumed after those given.
    let scores: [Float] = [1, 5, 2, 7, 3, 9]
    let fit = try rule.calibratedCutoffs(for: scores, calibrationCount: 2).cutoffs
    for known in 0...scores.count {
      #expect(try rule.cutoffs(for: scores, calibrationCount: 2, knowing: fit.prefix(known)) == fit, "\(known) known")
    }
    #expect(try rule.cutoffs(for: scores, calibrationCount: 2, knowing: [-1, -1, -1]) == [-1, -1, -1, 5, 7, 7])
  }

  @Test func foldsThatDoNotTileTheScoresAreRefused() throws {
    let run = try run(window: "rolling", threshold: "percentile")
    #expect(throws: SeismoError.self) {
      try RunningMax().cutoffs(for: run.scores.values, firstRow: 0, walkingForward: run.foldScores)
    }
    #expect(throws: SeismoError.self) {
      try RunningMax().cutoffs(for: Array(run.scores.values.prefix(5)), firstRow: 1, walkingForward: run.foldScores)
    }
    #expect(throws: SeismoError.self) { try RunningMax().cutoffs(for: [1, 2], firstRow: 1, walkingForward: []) }
  }
}
