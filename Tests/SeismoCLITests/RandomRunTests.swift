import Foundation
import SeismoSupport
import Testing

@testable import SeismoCLI
@testable import SeismoCore

/// Runs of random configurations (detector, transform, threshold rule, events, walk-forward,
/// ensembles) over random series, checked against themselves, for combinations no one wrote a
/// test for: what a run says of row t must not change when rows after t are added (point in
/// time), a saved model scores alike whole and as a stream, and `--each` runs each indicator as
/// a run of it alone. (Hundreds to 1,500 seeds of each were run by hand, all agreeing; the suite
/// runs a few dozen.)
@Suite struct RandomRunTests {
  /// A random configuration of the fast detectors, with every threshold rule and event setting.
  static func config(_ random: inout SeededGenerator, path: String) -> String {
    func pick<T>(_ values: [T]) -> T { values.randomElement(using: &random)! }
    let transform = pick(["level", "diff"])
    let detectors = [
      "{ plugin: rolling-zscore, window: \(pick([5, 12, 30])), transform: \(transform) }",
      "{ plugin: discord, window: \(pick([4, 8, 16])), history: \(pick([0, 60])), transform: \(transform) }",
      "{ plugin: lstm-forecaster, window: 5, units: [4], epochs: 2, "
        + (transform == "level" && Bool.random(using: &random) ? "normalization: window }" : "transform: \(transform) }"),
      "{ plugin: lstm-autoencoder, window: 5, units: 4, epochs: 2, transform: \(transform), attribution: \(pick(["last_step", "last_row"])) }",
    ]
    let detector = pick(detectors + detectors.prefix(2))  // the fast ones twice as often
    let neural = detector.contains("lstm")
    let threshold = "{ " + Self.threshold(&random).map { "\($0): \($1)" }.joined(separator: ", ") + " }"
    let refit = pick(["", "", "refit_every: 40, ", "refit_every: 25d, "])
    let window =
      refit.isEmpty
      ? ""
      : "refit_window: \(pick(["expanding", "rolling"])), "
        + (neural && Bool.random(using: &random) ? "warm_start: true, refit_epochs: \(pick(["1", "0.5"])), " : "")
    let member = pick(["", "", "", "ensemble: [{ detector: \(detectors[0]), threshold: { plugin: fixed, value: 3 } }]"])
    return """
      source: { plugin: csv, path: \(path), gaps: ffill }
      split: { \(refit)\(window)train_fraction: 0.9, max_train_rows: 80 }
      detector: \(detector)
      threshold: \(threshold)
      events: { merge_gap: \(pick([0, 3, 10])), min_length: \(pick([1, 1, 3])), min_margin: \(pick([0, 0, 0.2])) }
      \(member)
      """
  }

  /// A random threshold rule with its settings, as (key, value) pairs, the plugin first.
  static func threshold(_ random: inout SeededGenerator) -> [(String, String)] {
    func pick<T>(_ values: [T]) -> String { "\(values.randomElement(using: &random)!)" }
    let rules: [[(String, String)]] = [
      [("plugin", "percentile"), ("percentile", pick([90, 97.5, 99.5])), ("calibrate_on", pick(["training", "holdout"]))],
      [("plugin", "fixed"), ("value", pick([0.5, 2, 3]))],
      [
        ("plugin", "likelihood"), ("short_window", pick([1, 5])), ("long_window", pick([40, 120])),
        ("min_history", pick([10, 30])), ("tail_probability", pick([0.01, 0.0001])),
      ],
      [
        ("plugin", "dynamic"), ("window", pick([40, 150])), ("smoothing_span", pick([1, 5, 20])),
        ("refresh", pick([1, 7, 25])), ("min_history", pick([10, 30])),
      ],
      [("plugin", "spot"), ("risk", pick([0.01, 0.001])), ("initial_quantile", pick([0.9, 0.98]))],
    ]
    return rules.randomElement(using: &random)!
  }

  /// A random walk of two features, a few rows empty, a few spikes.
  static func series(rows: Int, _ random: inout SeededGenerator) -> String {
    var (a, b) = (100.0, 50.0)
    var text = "date,a,b\n"
    for r in 0..<rows {
      a += Double.random(in: -1...1, using: &random)
      b += Double.random(in: -0.5...0.5, using: &random)
      let spike = Double.random(in: 0..<1, using: &random) < 0.02 ? Double.random(in: -15...15, using: &random) : 0
      let empty = r > 0 && Double.random(in: 0..<1, using: &random) < 0.03  // the first row full: none dropped
      text += "\(date(18_262 + r)),\(String(format: "%.3f", a + spike)),\(empty ? "" : String(format: "%.3f", b))\n"
    }
    return text
  }

  /// Scores or cut-offs equal up to the rounding of products cut at other rows.
  static func near(_ a: Float, _ b: Float) -> Bool { a == b || abs(a - b) <= 1e-5 * max(1, abs(a)) }

  /// The rows whose score is above its cut-off.
  static func flags(_ scores: [Float], _ cutoffs: [Float]) -> [Int] {
    zip(scores, cutoffs).enumerated().filter { $0.element.0 > $0.element.1 }.map(\.offset)
  }

  @Test(arguments: 0..<60)
  func whatARunSaysOfARowDoesNotChangeWithLaterRows(seed: Int) throws {
    var random = SeededGenerator(seed: UInt64(seed) &+ 77)
    let scratch = try Scratch()
    let rows = Int.random(in: 160...260, using: &random)
    let text = Self.series(rows: rows, &random)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let kept = rows - Int.random(in: 1...40, using: &random)
    let full = try scratch.write("full.csv", text)
    let head = try scratch.write("head.csv", lines.prefix(kept + 1).joined(separator: "\n") + "\n")
    let yaml = Self.config(&random, path: "PATH")
    func run(_ path: String) throws -> RunResult {
      let config = try RunConfig.parse(
        yaml: yaml.replacingOccurrences(of: "PATH", with: path), origin: "random.yaml", registry: StandardPlugins.registry)
      return try DetectionPipeline(registry: StandardPlugins.registry, config: config).run()
    }
    let (short, long) = (try run(head), try run(full))
    let context = "seed \(seed), \(kept) of \(rows) rows:\n\(yaml)"
    #expect(short.frame.rowCount == kept && short.scores.firstRow == long.scores.firstRow, "\(context)")
    let n = short.scores.values.count
    #expect(short.scores.values == Array(long.scores.values.prefix(n)), "scores: \(context)")
    let moved = zip(short.cutoffs, long.cutoffs).enumerated().filter { $0.element.0 != $0.element.1 }
    #expect(moved.isEmpty, "cut-offs of rows \(moved.prefix(5).map(\.offset)) moved: \(context)")
    let alerts = { (run: RunResult) in run.events.map(\.alert).filter { $0 < n } }  // rows of the scores
    #expect(alerts(short) == alerts(long), "alerts \(alerts(short)) against \(alerts(long)): \(context)")
  }

  /// A model saved by a random run (an ensemble's too) scores a series the same way whole and as a
  /// stream in pieces, and scores the run's own series as the run did
  /// of random size: the same flags and alerts, scores and cut-offs equal up to the rounding of
  /// products cut at the pieces.
  @Test(arguments: 0..<40)
  func aModelScoresAlikeWholeAndInPieces(seed: Int) throws {
    var random = SeededGenerator(seed: UInt64(seed) &+ 5_000)
    let scratch = try Scratch()
    let rows = Int.random(in: 160...300, using: &random)
    let path = try scratch.write("data.csv", Self.series(rows: rows, &random))
    // Only a bounded history streams: discord looks back `history` rows at most.
    let yaml = Self.config(&random, path: path).replacingOccurrences(of: "history: 0,", with: "history: 60,")
    let config = try RunConfig.parse(yaml: yaml, origin: "random.yaml", registry: StandardPlugins.registry)
    let run = try DetectionPipeline(registry: StandardPlugins.registry, config: config).run()
    let saved = try SavedModel(run: run)
    let scoring = try ScoreCommand.config(for: saved, data: [path])
    let whole = try DetectionPipeline.score(saved, config: scoring, registry: StandardPlugins.registry).scoredRows
    let pieceRows = Int.random(in: 1...90, using: &random)
    var (scores, cutoffs, alerts) = ([Float](), [Float](), Set<Int>())
    _ = try DetectionPipeline.scoreStream(
      saved, config: scoring, registry: StandardPlugins.registry, runID: "random", pieceRows: pieceRows,
      write: { piece in
        let offset = scores.count
        scores += piece.scores.values
        cutoffs += piece.cutoffs
        alerts.formUnion(piece.alerts.map { $0 + offset })
      })
    let context = "seed \(seed), pieces of \(pieceRows):\n\(yaml)"
    #expect(scores.count == whole.scores.values.count, "\(context)")
    let far = zip(scores, whole.scores.values).enumerated().filter { !Self.near($0.element.0, $0.element.1) }
    #expect(far.isEmpty, "scores of rows \(far.prefix(5).map(\.offset)): \(context)")
    let moved = zip(cutoffs, whole.cutoffs).enumerated().filter { !Self.near($0.element.0, $0.element.1) }
    #expect(moved.isEmpty, "cut-offs of rows \(moved.prefix(5).map(\.offset)): \(context)")
    #expect(Self.flags(scores, cutoffs) == Self.flags(whole.scores.values, whole.cutoffs), "flags: \(context)")
    #expect(alerts == whole.alerts, "alerts \(alerts.sorted()) against \(whole.alerts.sorted()): \(context)")
    // The run's own data, read again, is cut as the run cut it: every rule calibrated on the
    // training scores the model keeps (before, spot kept its calibrated cut-off on every row).
    // A walk-forward run's model is its last fold's: the rows that fold scored are cut as the
    // run cut them, going on from its training scores (before, a rolling fold's started afresh).
    try #require(whole.cutoffs.count == run.cutoffs.count, "\(context)")
    let from = run.folds.count > 1 ? try #require(run.folds.last).trainEnd - run.scores.firstRow : 0
    let cutAgain = zip(whole.cutoffs[from...], run.cutoffs[from...]).enumerated().filter {
      !Self.near($0.element.0, $0.element.1)
    }
    #expect(cutAgain.isEmpty, "the run's cut-offs, rows \(cutAgain.prefix(5).map { from + $0.offset }): \(context)")
    #expect(
      Self.flags(Array(whole.scores.values[from...]), Array(whole.cutoffs[from...]))
        == Self.flags(Array(run.scores.values[from...]), Array(run.cutoffs[from...])), "the run's flags: \(context)")
  }

  /// A model saved by a random run (walking forward or not, an ensemble or not) scores the rows
  /// after its training rows as the run scored them, whole and as a stream: the scores, and the cut-offs of every
  /// threshold rule, adaptive ones going on from the training scores the model keeps, equal up to
  /// the rounding of products cut elsewhere; the same flags. The file scored starts with the rows
  /// of warm-up its first score needs, so that first score is the first row after the training
  /// rows, or, in half the seeds, up to 20 rows before (training rows, cut afresh, then the rows
  /// after them as the run cut them). (Discord, whose scores look back `history` rows past its
  /// warm-up, is left out.)
  @Test(arguments: 0..<40)
  func aModelScoresTheRowsAfterItsTrainingAsTheRunDid(seed: Int) throws {
    var random = SeededGenerator(seed: UInt64(seed) &+ 31_000)
    let scratch = try Scratch()
    let rows = Int.random(in: 160...260, using: &random)
    let text = Self.series(rows: rows, &random)
    let path = try scratch.write("data.csv", text)
    var yaml = ""
    while yaml.isEmpty || yaml.contains("discord") { yaml = Self.config(&random, path: path) }
    let config = try RunConfig.parse(yaml: yaml, origin: "random.yaml", registry: StandardPlugins.registry)
    let run = try DetectionPipeline(registry: StandardPlugins.registry, config: config).run()
    let saved = try SavedModel(run: run)
    let trainEnd = try #require(run.folds.last?.trainEnd)
    // The first row of the file: every member's first score is row trainEnd's or earlier, in
    // half the seeds up to 20 rows earlier: a training row's, whose cut-offs start afresh until
    // the rows after the training rows (so do an ensemble's members of shorter warm-ups).
    let warmup =
      try saved.members.map {
        try DetectionPipeline(registry: StandardPlugins.registry, config: config).rebuild($0).0.warmupRows
      }.max() ?? 0
    let lead = min(Int.random(in: 0...1, using: &random) * Int.random(in: 1...20, using: &random), trainEnd - warmup)
    let start = trainEnd - warmup - lead
    // The file's first row takes b's last value where it has none, as the run's gap policy did.
    var lines = text.split(separator: "\n").map(String.init)
    let carried = lines[1...(start + 1)].last { !$0.hasSuffix(",") }.map { String($0.split(separator: ",")[2]) }
    if lines[start + 1].hasSuffix(","), let carried { lines[start + 1] += carried }
    let tail = try scratch.write("tail.csv", ([lines[0]] + lines[(start + 1)...]).joined(separator: "\n") + "\n")
    let scoring = try ScoreCommand.config(for: saved, data: [tail])
    let whole = try DetectionPipeline.score(saved, config: scoring, registry: StandardPlugins.registry).scoredRows
    var (streamed, streamedCutoffs) = ([Float](), [Float]())
    _ = try DetectionPipeline.scoreStream(
      saved, config: scoring, registry: StandardPlugins.registry, runID: "random",
      pieceRows: Int.random(in: 1...90, using: &random),
      write: { piece in
        streamed += piece.scores.values
        streamedCutoffs += piece.cutoffs
      })
    let from = trainEnd - run.scores.firstRow  // the run's scores from row trainEnd
    let (scores, cutoffs) = (Array(run.scores.values[from...]), Array(run.cutoffs[from...]))
    let context = "seed \(seed), rows \(trainEnd - lead)–\(rows):\n\(yaml)"
    for (name, (all, allCutoffs)) in [("whole", (whole.scores.values, whole.cutoffs)), ("stream", (streamed, streamedCutoffs))] {
      // The file's scores from row trainEnd: each member's first score may come later.
      let skip = all.count - scores.count
      try #require(skip >= lead, "\(name): \(all.count) scores against \(scores.count): \(context)")
      let (own, ownCutoffs) = (Array(all.dropFirst(skip)), Array(allCutoffs.dropFirst(skip)))
      let far = zip(own, scores).enumerated().filter { !Self.near($0.element.0, $0.element.1) }
      #expect(far.isEmpty, "\(name): scores of rows \(far.prefix(5).map(\.offset)): \(context)")
      let moved = zip(ownCutoffs, cutoffs).enumerated().filter { !Self.near($0.element.0, $0.element.1) }
      #expect(moved.isEmpty, "\(name): cut-offs of rows \(moved.prefix(5).map(\.offset)): \(context)")
      #expect(Self.flags(own, ownCutoffs) == Self.flags(scores, cutoffs), "\(name): flags: \(context)")
    }
  }

  /// `detect --each` runs each indicator as a run of that column alone does: the same rows (a
  /// column's gaps are its own), scores, cut-offs, flags and alerts.
  @Test(arguments: 0..<16)
  func eachIndicatorRunsAsItsOwnRun(seed: Int) throws {
    var random = SeededGenerator(seed: UInt64(seed) &+ 21_000)
    let scratch = try Scratch()
    try scratch.write("data.csv", Self.series(rows: Int.random(in: 160...240, using: &random), &random))
    // The fast detectors: a network's training differs with the threads each indicator gets.
    var config = ""
    while config.isEmpty || config.contains("lstm") { config = Self.config(&random, path: "data.csv") }
    try scratch.write("run.yaml", config)
    let each = try CLI.run(["detect", "run.yaml", "--each", "--out", "each", "--quiet"], in: scratch.url)
    try #require(each.status == 0, "\(each.stderr)")
    for column in ["a", "b"] {
      let alone = try CLI.run(
        ["detect", "run.yaml", "--set", "source.columns=[\(column)]", "--out", "alone-\(column)", "--quiet"], in: scratch.url)
      try #require(alone.status == 0, "\(alone.stderr)")
      let (a, b) = (try scratch.read("each/\(column)/scores.csv"), try scratch.read("alone-\(column)/scores.csv"))
      #expect(a == b, "seed \(seed), \(column):\n\(config)")
    }
  }
}
