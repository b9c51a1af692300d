import Foundation
import Testing

@testable import SeismoCLI
@testable import SeismoCore

/// `detect --save-model` then `score --model`: the same scores without retraining.
@Suite struct SavedModelTests {
  static let config = """
    source: { plugin: csv, path: data.csv }
    split: { train_fraction: 0.7 }
    detector: { plugin: lstm-forecaster, window: 6, units: [8], epochs: 3, activation: tanh }
    threshold: { plugin: percentile, percentile: 98 }
    """

  /// Column `name` of a scores.csv, as strings.
  func column(_ csv: String, _ name: String) -> [Substring] {
    let lines = csv.split(separator: "\n")
    let header = lines[0].split(separator: ",")
    let index = header.firstIndex(of: Substring(name))!
    return lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[index] }
  }

  /// Discord without a `history` compares each row with every earlier row: a rolling fold's
  /// rows too, not only those from its training start, so the saved model (the last fold's)
  /// gives the last fold's rows the scores the run gave them, as it does the rows `score
  /// --new-rows` appends. (The fold compared them with its own rows only, from row 180.)
  @Test func aRollingDiscordRunsLastFoldScoresAsItsModelDoes() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [100, 280]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.3, refit_every: 60, refit_window: rolling }
      detector: { plugin: discord, window: 8 }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let score = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "s", "--quiet"], in: scratch.url)
    try #require(score.status == 0, "\(score.stderr)")
    let summary = try RunSummary.read(from: Data(try scratch.read("a/summary.json").utf8), path: "a")
    let last = try #require(summary.folds?.last)
    #expect(summary.folds?.count == 4 && last.trainStart == 180, "\(summary.folds ?? [])")
    let (run, model) = (column(try scratch.read("a/scores.csv"), "score"), column(try scratch.read("s/scores.csv"), "score"))
    let rows = last.trainEnd..<last.scoreEnd
    #expect(rows.allSatisfy { run[$0] == model[$0] }, "\(rows.filter { run[$0] != model[$0] }.prefix(5))")
  }

  @Test(arguments: ["lstm-forecaster", "lstm-autoencoder", "rolling-zscore"])
  func scoresEqualTheSavingRun(_ detector: String) throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 160, spikes: [140]))
    var config = Self.config
    if detector == "lstm-autoencoder" {
      config = config.replacingOccurrences(
        of: "{ plugin: lstm-forecaster, window: 6, units: [8], epochs: 3, activation: tanh }",
        with: "{ plugin: lstm-autoencoder, window: 6, units: 8, epochs: 2 }")
    } else if detector == "rolling-zscore" {
      config = config.replacingOccurrences(
        of: "{ plugin: lstm-forecaster, window: 6, units: [8], epochs: 3, activation: tanh }", with: "{ plugin: rolling-zscore }")
    }
    try scratch.write("run.yaml", config)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let score = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "b", "--quiet"], in: scratch.url)
    #expect(score.status == 0, "\(score.stderr)")
    let a = try scratch.read("a/scores.csv")
    let b = try scratch.read("b/scores.csv")
    #expect(column(a, "score") == column(b, "score"))
    #expect(column(a, "threshold") == column(b, "threshold"))
    #expect(column(a, "is_anomaly") == column(b, "is_anomaly"))
    #expect(column(a, "error_b") == column(b, "error_b"))
    #expect(Set(column(b, "part")) == ["test"])
    // Without DATA, the model reads its own source again: the same file.
    let again = try CLI.run(["score", "--model", "m.seismo", "--out", "c", "--quiet"], in: scratch.url)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(column(try scratch.read("c/scores.csv"), "score") == column(a, "score"))
    // A forecaster's scoring measures its skill on every scored row, as detect does on its test
    // rows; worked from scores.csv: the naive forecast's scaled error is each row's change over
    // the feature's range in the 112 training rows (min-max scaling).
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(try scratch.read("b/summary.json").utf8)) as? [String: Any])
    let skill = summary["forecast_skill"] as? [String: Any]
    guard detector == "lstm-forecaster" else {
      #expect(skill == nil)
      return
    }
    let features = try #require(skill?["features"] as? [[String: Any]])
    #expect(skill?["rows"] as? Int == 154)
    for (j, name) in ["a", "b"].enumerated() {
      let values = column(b, "value_\(name)").map { Double($0)! }
      let errors = column(b, "error_\(name)").map { Double($0) }
      let range = values.prefix(112).max()! - values.prefix(112).min()!
      let (forecast, naive) = (1..<values.count).reduce((0.0, 0.0)) { sums, r in
        guard let error = errors[r] else { return sums }
        return (sums.0 + error, sums.1 + abs(values[r] - values[r - 1]) / range)
      }
      let mase = try #require(features[j]["mase"] as? Double)
      #expect(abs(mase - forecast / naive) <= 1e-4 * mase, "\(name): \(mase) against \(forecast / naive)")
    }
  }

  /// A saved model scoring the rows after its training rows goes on from its threshold rule's
  /// state where the training scores left it, as `detect` went on into its test rows: scoring
  /// the test part alone (with the rows before it that its first score needs) gives detect's
  /// cut-offs and flags, row for row. Before, an adaptive rule started afresh on the file's own
  /// scores: `spot` kept its calibrated cut-off for ever, `dynamic` and `likelihood` set no
  /// cut-off until their `min_history` scores had come (here, 60 of the 200 rows).
  @Test(arguments: [
    "{ plugin: spot, risk: 0.01, initial_quantile: 0.9 }", "{ plugin: dynamic, window: 100, min_history: 60 }",
    "{ plugin: likelihood, long_window: 100, min_history: 60, tail_probability: 0.01 }",
  ])
  func aModelGoesOnFromItsTrainingScores(_ threshold: String) throws {
    let scratch = try Scratch()
    let csv = syntheticCSV(rows: 400, spikes: [260, 330, 390])
    try scratch.write("data.csv", csv)
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.5 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: \(threshold)
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let a = try scratch.read("a/scores.csv")
    // The test part from row 200, after the rows of warm-up its first score needs.
    let warmup = try #require(column(a, "score").firstIndex { !$0.isEmpty })
    let lines = csv.split(separator: "\n")
    try scratch.write("test.csv", ([lines[0]] + lines[(1 + 200 - warmup)...]).joined(separator: "\n") + "\n")
    let score = try CLI.run(["score", "--model", "m.seismo", "test.csv", "--out", "b", "--quiet"], in: scratch.url)
    try #require(score.status == 0, "\(score.stderr)")
    let b = try scratch.read("b/scores.csv")
    for name in ["score", "threshold", "is_anomaly"] {
      #expect(Array(column(b, name).dropFirst(warmup)) == Array(column(a, name).dropFirst(200)), "\(name)")
    }
    #expect(column(b, "is_anomaly").contains("1"), "some test row is flagged")
    // The same file as a stream, in pieces, goes on from the same state.
    let stream = try CLI.run(
      ["score", "--model", "m.seismo", "test.csv", "--stream", "--piece-rows", "37", "--out", "c", "--quiet"], in: scratch.url)
    try #require(stream.status == 0, "\(stream.stderr)")
    #expect(column(try scratch.read("c/scores.csv"), "threshold") == column(b, "threshold"))
    // Rows the model was fitted on start afresh: 50 of them give dynamic and likelihood fewer
    // scores than their min_history, and the scoring says no row could be flagged.
    try scratch.write("head.csv", lines.prefix(51).joined(separator: "\n") + "\n")
    let head = try CLI.run(["score", "--model", "m.seismo", "head.csv", "--out", "d", "--quiet"], in: scratch.url)
    let none =
      "set no cut-off on any scored row, so none could be flagged: it needs more scores before its first than the run has (min_history 60)"
    #expect(head.status == 0 && head.stderr.contains(none) == !threshold.contains("spot"), "\(head.stderr)")
  }

  /// A file of the day's rows, shorter than the model's window, is refused with what to add: the
  /// rows before them that the window needs. With those, each of the day's rows has a score.
  @Test func aFileShorterThanTheModelsWindowSaysWhatToAdd() throws {
    let scratch = try Scratch()
    let csv = syntheticCSV(rows: 200, spikes: [])
    try scratch.write("data.csv", csv)
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 20 }\nthreshold: { plugin: fixed, value: 10 }\n"
    )
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let lines = csv.split(separator: "\n")
    try scratch.write("day.csv", ([lines[0]] + lines.suffix(5)).joined(separator: "\n") + "\n")
    let short = try CLI.run(["score", "--model", "m.seismo", "day.csv", "--out", "b", "--quiet"], in: scratch.url)
    #expect(
      short.status == 1
        && short.stderr
          == "error: day.csv has 5 rows, and the model (rolling-zscore) scores a row with the 20 rows before it: give the data the 20 rows before these as well (those are scored too; --fail-on-anomalies --in-last 5 counts only the last 5)\n",
      "\(short.stderr)")
    try scratch.write("day.csv", ([lines[0]] + lines.suffix(25)).joined(separator: "\n") + "\n")
    let enough = try CLI.run(
      ["score", "--model", "m.seismo", "day.csv", "--out", "c", "--fail-on-anomalies", "--in-last", "5", "--quiet"],
      in: scratch.url)
    #expect(enough.status == 0, "\(enough.stderr)")
    #expect(column(try scratch.read("c/scores.csv"), "score").filter { !$0.isEmpty }.count == 5)
  }

  @Test func scoreTakesTheModelOneWay() throws {
    let scratch = try Scratch()
    for arguments in [["score"], ["score", "--model", "m.seismo", "--run", "r1"]] {
      let result = try CLI.run(arguments, in: scratch.url)
      #expect(result.status == 64 && result.stderr.contains("give the model as --model FILE or --run RUN_ID"))
    }
  }

  /// `score --set source.KEY=VALUE` reads new data written another way (here ';' and day-first
  /// dates) and scores it as the model's own format; only source settings may change.
  @Test func scoreReadsDataWrittenAnotherWay() throws {
    let scratch = try Scratch()
    let csv = syntheticCSV(rows: 160, spikes: [140])
    try scratch.write("data.csv", csv)
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    #expect(
      try CLI.run(["detect", "run.yaml", "--out", "d", "--quiet", "--save-model", "m.seismo"], in: scratch.url).status == 0)
    // The same rows, separated by ';' with dates written DD/MM/YYYY.
    let european =
      csv.split(separator: "\n").enumerated().map { i, line -> String in
        var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if i > 0 {
          let ymd = fields[0].split(separator: "-")
          fields[0] = "\(ymd[2])/\(ymd[1])/\(ymd[0])"
        }
        return fields.joined(separator: ";")
      }.joined(separator: "\n") + "\n"
    try scratch.write("eu.csv", european)
    let plain = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "plain", "--quiet"], in: scratch.url)
    try #require(plain.status == 0, "\(plain.stderr)")
    let unset = try CLI.run(["score", "--model", "m.seismo", "eu.csv", "--out", "u", "--quiet"], in: scratch.url)
    #expect(unset.status == 1 && unset.stderr.contains("set delimiter: ';'"), "\(unset.stderr)")
    for stream in [[], ["--stream"]] {
      let eu = try CLI.run(
        [
          "score", "--model", "m.seismo", "eu.csv", "--out", "eu\(stream.count)", "--quiet", "--set", "source.delimiter=;",
          "--set", "source.time_format=%d/%m/%Y",
        ] + stream, in: scratch.url)
      try #require(eu.status == 0, "\(eu.stderr)")
      #expect(try scratch.read("eu\(stream.count)/scores.csv") == scratch.read("plain/scores.csv"), "\(stream)")
    }
    for fixed in ["detector.window=3", "source.as=[x, y]"] {
      let refused = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--set", fixed], in: scratch.url)
      #expect(refused.status == 64 && refused.stderr.contains("its detector and threshold stay as trained"), "\(refused.stderr)")
    }
    let typo = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--set", "source.delimitr=;"], in: scratch.url)
    #expect(typo.status == 1 && typo.stderr.contains("(did you mean 'delimiter'?)"), "\(typo.stderr)")

    // A file whose columns have other names (b's values under 'Close', a's under 'Gold', in
    // that order) is read with source.columns naming the model's features' columns, whole and
    // streamed, and scores as the model's own file.
    let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    try scratch.write(
      "vendor.csv", (["date,Close,Gold"] + lines.dropFirst().map { "\($0[0]),\($0[2]),\($0[1])" }).joined(separator: "\n"))
    let named = try CLI.run(["score", "--model", "m.seismo", "vendor.csv", "--quiet"], in: scratch.url)
    #expect(named.status == 1 && named.stderr.contains("vendor.csv:1: unknown column 'a'"), "\(named.stderr)")
    for stream in [[], ["--stream"]] {
      let mapped = try CLI.run(
        [
          "score", "--model", "m.seismo", "vendor.csv", "--out", "v\(stream.count)", "--quiet", "--set",
          "source.columns=[Gold, Close]",
        ]
          + stream, in: scratch.url)
      try #require(mapped.status == 0, "\(mapped.stderr)")
      #expect(try scratch.read("v\(stream.count)/scores.csv") == scratch.read("plain/scores.csv"), "\(stream)")
    }
    // In the other order the features are swapped, and the scores differ.
    let swapped = try CLI.run(
      ["score", "--model", "m.seismo", "vendor.csv", "--out", "swapped", "--quiet", "--set", "source.columns=[Close, Gold]"],
      in: scratch.url)
    try #require(swapped.status == 0, "\(swapped.stderr)")
    #expect(try scratch.read("swapped/scores.csv") != scratch.read("plain/scores.csv"))
    for (arguments, message) in [
      (
        ["vendor.csv", "--set", "source.columns=[Gold]"],
        "--set source.columns=[Gold]: names 1 column, and the model has 2 features (a, b): name the file's column for each, in that order"
      ),
      (
        ["--set", "source.columns=[Gold, Close]"],
        "--set source.columns=[Gold, Close]: names the columns of a CSV file given as DATA that hold the model's features (a, b); the model's own source is read with its own columns"
      ),
    ] {
      let refused = try CLI.run(["score", "--model", "m.seismo", "--out", "r", "--quiet"] + arguments, in: scratch.url)
      #expect(refused.status == 1 && refused.stderr == "error: \(message)\n", "\(refused.stderr)")
    }
  }

  @Test func badModelFilesAndDataGiveClearErrors() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 120, spikes: []))
    try scratch.write("run.yaml", Self.config)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let bytes = try Data(contentsOf: scratch.url.appendingPathComponent("m.seismo"))
    try bytes.prefix(bytes.count / 2).write(to: scratch.url.appendingPathComponent("truncated.seismo"))
    try Data(syntheticCSV(rows: 5, spikes: []).utf8).write(to: scratch.url.appendingPathComponent("notamodel.seismo"))
    try scratch.write("other.csv", "date,x,y\n2020-01-01,1,2\n")
    try scratch.write("short.csv", "date,a,b\n2020-01-01,1,2\n2020-01-02,1,2\n")

    let cases: [([String], String)] = [
      (["score", "--model", "missing.seismo", "data.csv"], "error: missing.seismo: no such file"),
      (["score", "--model", "a", "data.csv"], "error: a: is a folder; pass the model file saved by detect --save-model"),
      (["score", "--model", "truncated.seismo", "data.csv"], "error: truncated.seismo: not a valid weights file"),
      (["score", "--model", "notamodel.seismo", "data.csv"], "error: notamodel.seismo: not a valid weights file"),
      (["score", "--model", "m.seismo", "other.csv"], "error: other.csv:1: unknown column 'a'"),
      (
        ["score", "--model", "m.seismo", "short.csv"],
        "error: short.csv has 2 rows, and the model (lstm-forecaster) scores a row with the 6 rows before it: give the data the 6 rows before these as well"
      ),
    ]
    for (arguments, expected) in cases {
      let result = try CLI.run(arguments + ["--quiet"], in: scratch.url)
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr.hasPrefix(expected), "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }
  }

  @Test func olderModelsLoadWithDefaultsAndBadChoicesAreClearErrors() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 160, spikes: [140]))
    try scratch.write(
      "run.yaml",
      Self.config.replacingOccurrences(
        of: "{ plugin: lstm-forecaster, window: 6, units: [8], epochs: 3, activation: tanh }",
        with: "{ plugin: rolling-zscore, window: 10 }"))
    #expect(
      try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url).status == 0)
    let (tensors, metadata) = try TensorArchive.decode(
      try Data(contentsOf: scratch.url.appendingPathComponent("m.seismo")), origin: "m")

    /// `metadata` with `section`'s parameters edited by `change`.
    func edit(_ metadata: [String: String], _ section: String, _ change: (inout [String: Any]) -> Void) throws
      -> [String: String]
    {
      var edited = metadata
      var choice = try JSONSerialization.jsonObject(with: Data(metadata["seismo." + section]!.utf8)) as! [String: Any]
      var parameters = choice["parameters"] as! [String: Any]
      change(&parameters)
      choice["parameters"] = parameters
      edited["seismo." + section] = String(decoding: try JSONSerialization.data(withJSONObject: choice), as: UTF8.self)
      return edited
    }
    func write(_ name: String, _ metadata: [String: String]) throws {
      try TensorArchive.encode(tensors, metadata: metadata).write(to: scratch.url.appendingPathComponent(name))
    }
    // A model saved before `transform`, `calibrate_on` and `holdout_fraction` existed.
    let older = try edit(edit(metadata, "detector") { $0["transform"] = nil }, "threshold") {
      $0["calibrate_on"] = nil
      $0["holdout_fraction"] = nil
    }
    #expect(!older["seismo.detector"]!.contains("transform") && !older["seismo.threshold"]!.contains("calibrate_on"))
    try write("old.seismo", older)
    let old = try CLI.run(["score", "--model", "old.seismo", "data.csv", "--out", "b", "--quiet"], in: scratch.url)
    #expect(old.status == 0, "\(old.stderr)")
    #expect(column(try scratch.read("a/scores.csv"), "score") == column(try scratch.read("b/scores.csv"), "score"))
    // A value that is not one of the choices: one clear line, no crash.
    try write("bad.seismo", try edit(metadata, "detector") { $0["transform"] = "cubic" })
    let bad = try CLI.run(["score", "--model", "bad.seismo", "data.csv", "--out", "c", "--quiet"], in: scratch.url)
    #expect(bad.status == 1)
    #expect(
      bad.stderr.contains("transform") && bad.stderr.contains("expected one of level, diff, log_return, got 'cubic'"),
      "\(bad.stderr)")
    #expect(bad.stderr.split(separator: "\n").count == 1)
    // A model keeps each feature's training range (the first 128 of 160 rows); one saved before
    // ranges were kept has none, and ranges that do not fit the features are damage.
    let ranges = try #require(metadata["seismo.training_ranges"])
    #expect(try SavedModel.decode(TensorArchive.encode(tensors, metadata: metadata), origin: "m").trainingRanges?.count == 2)
    var rangeless = metadata
    rangeless["seismo.training_ranges"] = nil
    #expect(try SavedModel.decode(TensorArchive.encode(tensors, metadata: rangeless), origin: "m").trainingRanges == nil)
    try write("norange.seismo", rangeless)
    #expect(
      try CLI.run(["score", "--model", "norange.seismo", "data.csv", "--out", "d", "--quiet"], in: scratch.url).status == 0)
    var damaged = metadata
    damaged["seismo.training_ranges"] = "[[1, 0], [0, 1]]"
    #expect(throws: SeismoError.file(path: "m", message: "damaged model: the training ranges do not match the features")) {
      try SavedModel.decode(TensorArchive.encode(tensors, metadata: damaged), origin: "m")
    }
    #expect(ranges.hasPrefix("[[") && !ranges.contains("null"), "\(ranges)")
    // It keeps its training rows' times and spacing too (the first 112 daily rows, 70 %); one
    // saved before has none, and times out of order or a spacing that is not a positive count of
    // seconds are damage.
    let first = 18_262 * 86_400
    #expect(
      metadata["seismo.training_rows"] == #"{"first":\#(first),"last":\#(first + 111 * 86_400),"spacing_s":86400}"#)
    var spaceless = metadata
    spaceless["seismo.training_rows"] = nil
    #expect(try SavedModel.decode(TensorArchive.encode(tensors, metadata: spaceless), origin: "m").trainingRows == nil)
    for bad in [
      #"{"first":10,"last":10,"spacing_s":1}"#, #"{"first":0,"last":10,"spacing_s":0}"#, #"{"first":0,"last":10}"#,
    ] {
      var damaged = metadata
      damaged["seismo.training_rows"] = bad
      #expect(
        throws: SeismoError.file(
          path: "m",
          message: "damaged model: the training rows need a first time before their last and a positive spacing in seconds")
      ) { try SavedModel.decode(TensorArchive.encode(tensors, metadata: damaged), origin: "m") }
    }
  }

  /// `detect --each --save-model FOLDER` saves each indicator's model as FOLDER/INDICATOR.seismo,
  /// which scores as its run did. What it would destroy is refused before any indicator runs: a
  /// folder inside the output folder, a file where the folder goes, a file that is not a model
  /// (unless --force).
  @Test func eachIndicatorsModelIsSavedInTheFolder() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 160, spikes: [140]))
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let each = try CLI.run(["detect", "run.yaml", "--each", "--save-model", "models", "--out", "e"], in: scratch.url)
    try #require(each.status == 0, "\(each.stderr)")
    #expect(each.stdout.hasSuffix("saved 2 models to models\n"), "\(each.stdout)")
    let combined = try JSONSerialization.jsonObject(with: Data(scratch.read("e/summary.json").utf8)) as? [String: Any]
    let runs = combined?["runs"] as? [[String: Any]] ?? []
    #expect(runs.map { $0["model"] as? String } == ["models/a.seismo", "models/b.seismo"], "\(runs)")
    for feature in ["a", "b"] {
      let score = try CLI.run(
        ["score", "--model", "models/\(feature).seismo", "data.csv", "--out", "s\(feature)", "--quiet"], in: scratch.url)
      #expect(score.status == 0, "\(score.stderr)")
      #expect(
        column(try scratch.read("s\(feature)/scores.csv"), "score")
          == column(try scratch.read("e/\(feature)/scores.csv"), "score"))
      #expect(column(try scratch.read("s\(feature)/scores.csv"), "value_\(feature)").count == 160)
    }
    try scratch.write("taken", "")
    try scratch.write("models/b.seismo", "notes")
    for (folder, out, expected) in [
      ("e/models", "e", "error: e/models: is inside the runs' output folder e; save the models elsewhere\n"),
      ("taken", "r", "error: taken: is a file; --save-model with --each takes a folder\n"),
      ("models", "r", "error: models/b.seismo: exists and is not a Seismo model; pass --force to replace it\n"),
    ] {
      let refused = try CLI.run(["detect", "run.yaml", "--each", "--save-model", folder, "--out", out], in: scratch.url)
      #expect(refused.status == 1 && refused.stderr.hasSuffix(expected), "\(refused.stderr)")
      #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("r").path), "no indicator ran")
    }
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("e/models").path))
    // A run that fails before any indicator runs leaves no models folder behind.
    let unread = try CLI.run(
      ["detect", "run.yaml", "--each", "--save-model", "fresh", "--out", "r", "--set", "source.path=missing.csv"],
      in: scratch.url)
    #expect(unread.status == 1 && unread.stderr.contains("missing.csv: no such file"), "\(unread.stderr)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("fresh").path))
    let forced = try CLI.run(
      ["detect", "run.yaml", "--each", "--save-model", "models", "--out", "f", "--force"], in: scratch.url)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try Data(contentsOf: scratch.url.appendingPathComponent("models/b.seismo")) != Data("notes".utf8))
  }

  /// A model fitted on daily rows that scores weekly ones reads seven weeks as if they were seven
  /// days: `score` says so, whole or as a stream, and keeps the warning in the summary. Rows
  /// spaced as the training rows were say nothing of it, but of the rows among them that the
  /// model was fitted on.
  @Test func scoringRowsSpacedOtherwiseIsWarnedAbout() throws {
    let scratch = try Scratch()
    let daily = syntheticCSV(rows: 160, spikes: [140])
    try scratch.write("data.csv", daily)
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "d", "--quiet", "--save-model", "m.seismo"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let weekly =
      daily.split(separator: "\n").enumerated().map { i, line -> String in
        guard i > 0 else { return String(line) }
        return date(18_262 + 7 * (i - 1)) + line.drop { $0 != "," }
      }.joined(separator: "\n") + "\n"
    try scratch.write("weekly.csv", weekly)
    let warning =
      "warning: the model (rolling-zscore) was fitted on rows 1 day apart, and the scored rows are 7 days apart (medians)"
    for stream in [[], ["--stream", "--piece-rows", "50"]] {
      // The model's own rows are spaced alike; the first 128 (80 %) are those it was fitted on.
      let same = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "same", "--quiet"] + stream, in: scratch.url)
      #expect(
        same.status == 0
          && same.stderr
            == "warning: 128 of the 160 rows fall within the times of the rows the model was fitted on (\(date(18_262)) – \(date(18_262 + 127))): if they are those rows, their scores are in sample, where it learned what is normal, and seldom stand out; it judges afresh after \(date(18_262 + 127))\n",
        "\(stream): \(same.stderr)")
      // A nightly job judges its last rows only: in sample among them are warned of, or none.
      let lastFive = try CLI.run(
        ["score", "--model", "m.seismo", "data.csv", "--out", "l5", "--quiet", "--fail-on-anomalies", "--in-last", "5"]
          + stream, in: scratch.url)
      #expect(lastFive.status == 0 && lastFive.stderr.isEmpty, "\(stream): \(lastFive.stderr)")
      let lastForty = try CLI.run(
        ["score", "--model", "m.seismo", "data.csv", "--out", "l40", "--quiet", "--fail-on-anomalies", "--in-last", "40"]
          + stream, in: scratch.url)
      #expect(
        lastForty.stderr.hasPrefix(
          "warning: 8 of the last 40 rows fall within the times of the rows the model was fitted on (\(date(18_262)) – \(date(18_262 + 127)))"
        ), "\(stream): \(lastForty.stderr)")
      let other = try CLI.run(
        ["score", "--model", "m.seismo", "weekly.csv", "--out", "weekly", "--quiet"] + stream, in: scratch.url)
      #expect(other.status == 0 && other.stderr.components(separatedBy: warning).count == 2, "\(stream): \(other.stderr)")
      let summary = try JSONSerialization.jsonObject(with: Data(scratch.read("weekly/summary.json").utf8)) as? [String: Any]
      let warnings = summary?["warnings"] as? [String] ?? []
      #expect(warnings.contains { $0.hasPrefix(warning) }, "\(stream): \(warnings)")
    }
  }

  @Test func saveModelNeverDestroysAnotherFile() throws {
    let scratch = try Scratch()
    let data = syntheticCSV(rows: 120, spikes: [])
    try scratch.write("data.csv", data)
    try scratch.write("notes.txt", "keep me\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    func detect(_ extra: [String]) throws -> CLI.Result {
      try CLI.run(["detect", "run.yaml", "--out", "o", "--quiet"] + extra, in: scratch.url)
    }
    for (target, expected) in [
      ("data.csv", "is the run's input data"), ("o/summary.json", "inside the run's output folder"),
      ("notes.txt", "is not a Seismo model; pass --force"), (".", "is a folder"),
    ] {
      let result = try detect(["--save-model", target])
      #expect(result.status == 1 && result.stderr.contains(expected), "\(target): \(result.stderr)")
    }
    #expect(try scratch.read("data.csv") == data && scratch.read("notes.txt") == "keep me\n", "nothing was overwritten")
    #expect(try detect(["--save-model", "m.seismo"]).status == 0)
    #expect(try detect(["--save-model", "m.seismo"]).status == 0, "replacing a model is fine")
    #expect(try detect(["--save-model", "notes.txt", "--force"]).status == 0)
  }
}

/// A model file is untrusted input: every crafted or damaged file fails in one line naming it,
/// never crashes `score` or allocates more than the file holds (issue 11, item 1).
@Suite struct CraftedModelTests {
  /// Raw safetensors bytes from a header object and a data section.
  static func archive(_ header: [String: Any], body: Data) throws -> Data {
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var out = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    return out + json + body
  }

  @Test func everyCraftedModelFailsInOneLine() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 160, spikes: [140]))
    try scratch.write("run.yaml", SavedModelTests.config)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let bytes = try Data(contentsOf: scratch.url.appendingPathComponent("m.seismo"))
    let (tensors, metadata) = try TensorArchive.decode(bytes, origin: "m")

    func detector(_ change: (inout [String: Any]) -> Void) throws -> [String: String] {
      var choice = try JSONSerialization.jsonObject(with: Data(metadata["seismo.detector"]!.utf8)) as! [String: Any]
      var parameters = choice["parameters"] as! [String: Any]
      change(&parameters)
      choice["parameters"] = parameters
      var edited = metadata
      edited["seismo.detector"] = String(decoding: try JSONSerialization.data(withJSONObject: choice), as: UTF8.self)
      return edited
    }
    func scaler(offset: [Float], scale: [Float]) -> [String: String] {
      var edited = metadata
      let json = try! JSONSerialization.data(withJSONObject: ["kind": "minmax", "offset": offset, "scale": scale])
      edited["state.scaler"] = String(decoding: json, as: UTF8.self)
      return edited
    }
    // The raw header of the real file, to craft shapes and offsets from.
    let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
    let header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<8 + headerLength)) as! [String: Any]
    let body = bytes.subdata(in: 8 + headerLength..<bytes.count)
    // The output layer's bias: the last layer's, keyed by position.
    let bias = try #require(
      header.keys.filter { $0.hasSuffix(".bias") }.max { Int($0.prefix { $0 != "." }) ?? 0 < Int($1.prefix { $0 != "." }) ?? 0 })
    func crafted(_ change: (inout [String: Any]) -> Void) throws -> Data {
      var entry = header[bias] as! [String: Any]
      change(&entry)
      var edited = header
      edited[bias] = entry
      return try Self.archive(edited, body: body)
    }
    let biasOffsets = (header[bias] as! [String: Any])["data_offsets"] as! [Int]
    let hugeUnits = Array(repeating: 4096, count: 16)

    let cases: [(String, Data, String)] = [
      ("negative shape", try crafted { $0["shape"] = [-1] }, "negative dimension"),
      ("overflowing shape", try crafted { $0["shape"] = [1 << 62, 8] }, "is larger than the file"),
      ("overlapping offsets", try crafted { $0["data_offsets"] = [0, biasOffsets[1] - biasOffsets[0]] }, "overlaps"),
      ("misaligned offsets", try crafted { $0["data_offsets"] = [biasOffsets[0] + 2, biasOffsets[1] + 2] }, "tensor"),
      (
        "window 0", try TensorArchive.encode(tensors, metadata: try detector { $0["window"] = 0 }),
        "detector.window: expected an integer in 1...10000, got '0'"
      ),
      (
        "window of the wrong type", try TensorArchive.encode(tensors, metadata: try detector { $0["window"] = "six" }),
        "detector.window: expected an integer in 1...10000, got 'six'"
      ),
      (
        "units removed", try TensorArchive.encode(tensors, metadata: try detector { $0["units"] = nil }),
        "has shape"
      ),
      (
        "ten million units",
        try TensorArchive.encode(tensors, metadata: try detector { $0["units"] = [10_000_000] }),
        "detector.units: expected a list"
      ),
      (
        "a model larger than memory",
        try TensorArchive.encode(
          tensors,
          metadata: try detector {
            $0["units"] = hugeUnits
            $0["window"] = 10_000
          }), "would need about"
      ),
      (
        "more calibration scores than training scores",
        try TensorArchive.encode(tensors, metadata: metadata.merging(["seismo.calibration_count": "100000"]) { $1 }),
        "damaged model: the calibration count (100000) is not between 0 and the training scores' count"
      ),
      (
        "a typical score that is not a number",
        try TensorArchive.encode(tensors, metadata: metadata.merging(["seismo.typical_score": "nan"]) { $1 }),
        "damaged model: the typical score 'nan' is not a finite number"
      ),
      (
        "a hundred million threads",
        try TensorArchive.encode(tensors, metadata: try detector { $0["threads"] = 100_000_000 }),
        "detector.threads: expected an integer in 1...256"
      ),
      (
        "plugin switched",
        try TensorArchive.encode(
          tensors,
          metadata: {
            var m = metadata
            m["seismo.detector"] = m["seismo.detector"]!.replacingOccurrences(of: "lstm-forecaster", with: "rolling-zscore")
            return m
          }()), "is not a parameter of this plugin"
      ),
      (
        "short scaler", try TensorArchive.encode(tensors, metadata: scaler(offset: [0, 0], scale: [1])),
        "no usable scaler"
      ),
      (
        "zero scale", try TensorArchive.encode(tensors, metadata: scaler(offset: [0, 0], scale: [0, 0])),
        "scale that is not positive"
      ),
      (
        "NaN weights",
        try TensorArchive.encode(
          tensors.mapValues { TensorArchive.Tensor(shape: $0.shape, values: $0.values.map { _ in .nan }) }.merging(
            ["seismo.training_scores": tensors["seismo.training_scores"]!]) { $1 },
          metadata: metadata), "NaN or infinite"
      ),
      (
        "NaN training scores",
        try TensorArchive.encode(
          tensors.merging(["seismo.training_scores": TensorArchive.Tensor(shape: [1], values: [.nan])]) { $1 },
          metadata: metadata.merging(["seismo.calibration_count": "1"]) { $1 }),
        "damaged model: a training score is NaN or infinite"
      ),
      (
        "NaN threshold",
        try TensorArchive.encode(tensors, metadata: metadata.merging(["seismo.threshold_value": "nan"]) { $1 }),
        "NaN or −∞"
      ),
      (
        "−∞ threshold",
        try TensorArchive.encode(tensors, metadata: metadata.merging(["seismo.threshold_value": "-inf"]) { $1 }),
        "NaN or −∞"
      ),
    ]
    for (name, file, expected) in cases {
      try file.write(to: scratch.url.appendingPathComponent("x.seismo"))
      let result = try CLI.run(["score", "--model", "x.seismo", "data.csv", "--out", "o", "--quiet"], in: scratch.url)
      #expect(result.status == 1, "\(name): \(result.stderr)")
      #expect(result.stderr.hasPrefix("error: x.seismo: "), "\(name): \(result.stderr)")
      #expect(result.stderr.contains(expected), "\(name): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(name): \(result.stderr)")
      #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("o").path), "\(name)")
    }
    let folder = try CLI.run(["score", "--model", "a", "data.csv", "--quiet"], in: scratch.url)
    #expect(folder.status == 1 && folder.stderr.hasPrefix("error: a: is a folder"), "\(folder.stderr)")
  }
}

/// `score --stream`: the scores, flags and events of `score`, a piece at a time.
@Suite struct StreamedScoreTests {
  func column(_ csv: String, _ name: String) -> [Substring] { SavedModelTests().column(csv, name) }

  @Test(arguments: ["rolling-zscore", "lstm-autoencoder", "discord", "lstm-forecaster"])
  func piecesGiveTheScoresOfTheWholeFile(_ detector: String) throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [250, 330]))
    let model = [
      "rolling-zscore": "{ plugin: rolling-zscore, window: 10 }",
      "lstm-autoencoder": "{ plugin: lstm-autoencoder, window: 6, units: 8, epochs: 2 }",
      // Its history bounds the context each piece needs.
      "discord": "{ plugin: discord, window: 8, history: 60 }",
      "lstm-forecaster": "{ plugin: lstm-forecaster, window: 6, units: [8], epochs: 2 }",
    ][detector]!
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.5 }
      detector: \(model)
      threshold: { plugin: likelihood, long_window: 60, min_history: 30 }
      events: { merge_gap: 2 }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let whole = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "whole", "--quiet"], in: scratch.url)
    #expect(whole.status == 0, "\(whole.stderr)")
    // Pieces smaller than the detector's warm-up, and pieces that do not divide the file.
    for pieceRows in ["3", "37"] {
      let out = "stream\(pieceRows)"
      let streamed = try CLI.run(
        ["score", "--model", "m.seismo", "data.csv", "--stream", "--piece-rows", pieceRows, "--out", out, "--json"],
        in: scratch.url)
      #expect(streamed.status == 0, "\(streamed.stderr)")
      let a = try scratch.read("whole/scores.csv")
      let b = try scratch.read("\(out)/scores.csv")
      #expect(a.split(separator: "\n").first == b.split(separator: "\n").first)
      for name in ["timestamp", "part", "is_anomaly", "alert", "value_a"] {
        #expect(column(a, name) == column(b, name), "\(name), pieces of \(pieceRows)")
      }
      // The network's matrix products see other batches at the cuts: rounding only (and the
      // adaptive cut-offs follow the scores).
      for name in ["score", "threshold"] {
        for (x, y) in zip(column(a, name), column(b, name)) {
          #expect(x.isEmpty == y.isEmpty)
          if let x = Float(x), let y = Float(y) { #expect(abs(x - y) <= 1e-5 * max(1, abs(x)), "\(name)") }
        }
      }
      let summaries = try [("whole", whole.stdout), (out, streamed.stdout)].map { name, _ in
        try RunSummary.read(from: Data(try scratch.read("\(name)/summary.json").utf8), path: name)
      }
      #expect(summaries[0].anomalyCount == summaries[1].anomalyCount)
      #expect(detector != "rolling-zscore" || summaries[0].anomalyCount > 0, "the spikes are flagged")
      #expect(summaries[0].events?.map(\.alert) == summaries[1].events?.map(\.alert))
      #expect(summaries[0].eventCount == summaries[1].eventCount)
      #expect(summaries[1].split.testRows == 400 && summaries[1].scoredRows == summaries[0].scoredRows)
      // A forecaster's skill over every scored row, summed piece by piece.
      let skills = summaries.map(\.forecastSkill)
      #expect((skills[1] != nil) == (detector == "lstm-forecaster") && skills[1]?.rows == skills[0]?.rows)
      if let x = skills[0]?.mase, let y = skills[1]?.mase { #expect(abs(x - y) <= 1e-5 * x, "MASE \(x), streamed \(y)") }
      #expect(streamed.stdout.contains("\"anomaly_count\""), "--json prints the summary")
      #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("\(out)/report.html").path))
    }
  }

  @Test func refusesWhatAStreamCannotDo() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.5 }
      detector: { plugin: lstm-autoencoder, window: 6, units: 4, epochs: 1, attribution: mean_over_windows }
      threshold: { plugin: percentile }
      """)
    #expect(
      try CLI.run(["detect", "run.yaml", "--save-model", "m.seismo", "--out", "a", "--quiet"], in: scratch.url).status == 0)
    let ahead = try CLI.run(["score", "--model", "m.seismo", "--stream", "--out", "b"], in: scratch.url)
    #expect(ahead.status != 0 && ahead.stderr.contains("look 5 rows ahead (attribution: mean_over_windows)"))
    let store = try CLI.run(["score", "--model", "m.seismo", "--stream", "--store"], in: scratch.url)
    #expect(store.status == 64 && store.stderr.contains("--stream writes a run folder only; drop --store"))
    let empty = try CLI.run(["score", "--model", "m.seismo", "--stream", "--piece-rows", "0"], in: scratch.url)
    #expect(empty.status == 64 && empty.stderr.contains("--piece-rows must be at least 1"))
    try scratch.write("unsorted.csv", "date,a,b\n2020-01-02,1,2\n2020-01-01,1,2\n")
    try scratch.write("r2.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    #expect(try CLI.run(["detect", "r2.yaml", "--save-model", "z.seismo", "--out", "c", "--quiet"], in: scratch.url).status == 0)
    let unsorted = try CLI.run(["score", "--model", "z.seismo", "unsorted.csv", "--stream", "--out", "d"], in: scratch.url)
    #expect(unsorted.status != 0 && unsorted.stderr.contains("unsorted.csv:3: comes before line 2 in time"))
    try scratch.write("r3.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: discord, window: 8 }\n")
    #expect(try CLI.run(["detect", "r3.yaml", "--save-model", "d.seismo", "--out", "e", "--quiet"], in: scratch.url).status == 0)
    let unbounded = try CLI.run(["score", "--model", "d.seismo", "--stream", "--out", "f"], in: scratch.url)
    #expect(unbounded.status != 0 && unbounded.stderr.contains("(discord without a bounded history)"))
  }
}

/// `DetectionPipeline.scoreStream` hands `scores.csv` over in pieces of the size asked.
@Suite struct StreamPieceTests {
  @Test func piecesHaveTheRowsAsked() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [250]))
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--save-model", "m.seismo", "--out", "a", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let model = try ScoreCommand.modelFile(scratch.url.appendingPathComponent("m.seismo").path)
    let config = try ScoreCommand.config(for: model, data: [scratch.url.appendingPathComponent("data.csv").path])
    for (pieceRows, pieces) in [(50, 8), (1000, 1)] {
      var sizes: [Int] = []
      let run = try DetectionPipeline.scoreStream(
        model, config: config, registry: StandardPlugins.registry, runID: "r", pieceRows: pieceRows,
        write: { sizes.append($0.frame.rowCount) })
      #expect(sizes.count == pieces, "pieces of \(pieceRows): \(sizes)")
      #expect(sizes.reduce(0, +) == 400 && run.rows == 400 && run.scoredRows == 390)
    }
  }
}

/// A stream resumed after rows scored before (`score --new-rows`, a watcher's start) scores only
/// the rows after them, as the whole stream does: the context rows give the scores, the stored
/// scores replay the adaptive threshold and an event open across the resume.
@Suite struct ResumedStreamTests {
  @Test func aResumedStreamScoresTheRestAsTheWholeStreamDoes() throws {
    let scratch = try Scratch()
    // Two spiked days ten apart (290, 300): one event (merge_gap 10) that alerts on its second
    // flagged row (min_length 2), after the resume at row 295.
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [290, 300]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      detector: { plugin: rolling-zscore, window: 5 }
      threshold: { plugin: likelihood, short_window: 1, long_window: 100, min_history: 50, tail_probability: 0.001 }
      events: { merge_gap: 10, min_length: 2 }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--save-model", "m.seismo", "--out", "a", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let model = try ScoreCommand.modelFile(scratch.url.appendingPathComponent("m.seismo").path)
    let config = try ScoreCommand.config(for: model, data: [scratch.url.appendingPathComponent("data.csv").path])
    let frame = try DetectionPipeline(registry: StandardPlugins.registry, config: config).source().load().frame
    func stream() throws -> ScoreStream {
      try ScoreStream(model, config: config, registry: StandardPlugins.registry, keepFlags: 0)
    }
    var whole = try stream()
    try whole.append(frame, origin: "data.csv")
    let all = try #require(try whole.scorePending())
    let warmup = all.scores.firstRow
    let alerted = Set(all.alerts.map { all.scores.row($0) })
    let flagged = all.scores.values.indices.filter { all.scores.values[$0] > all.cutoffs[$0] }.map(all.scores.row)
    try #require(flagged.contains(290) && flagged.contains(300) && alerted.contains(300), "\(flagged) \(alerted.sorted())")
    #expect(Set(all.cutoffs).count > 1, "the likelihood cut-offs move")

    let resumeAt = 295
    var resumed = try stream()
    let stored = (resumeAt - warmup)
    resumed.resume(
      after: frame.rows(0..<resumeAt), rows: resumeAt, scores: all.scores.values[..<stored],
      cutoffs: all.cutoffs[..<stored])
    try resumed.append(frame.rows(resumeAt..<frame.rowCount), origin: "data.csv")
    let rest = try #require(try resumed.scorePending())
    #expect(rest.frame.rowCount == frame.rowCount - resumeAt && rest.scores.firstRow == 0, "only the rows from 299 on")
    #expect(rest.frame.timestamps == Array(frame.timestamps[resumeAt...]))
    for (i, (score, cutoff)) in zip(rest.scores.values, rest.cutoffs).enumerated() {
      let (wholeScore, wholeCutoff) = (all.scores.values[stored + i], all.cutoffs[stored + i])
      #expect(abs(score - wholeScore) <= 1e-5 * (1 + abs(wholeScore)), "row \(resumeAt + i): \(score), whole \(wholeScore)")
      #expect(cutoff == wholeCutoff || abs(cutoff - wholeCutoff) <= 1e-5 * (1 + abs(wholeCutoff)), "row \(resumeAt + i)")
    }
    #expect(
      Set(rest.alerts.map { resumeAt + $0 }) == alerted.filter { $0 >= resumeAt },
      "the event open across the resume alerts on row 300")

    // Without the stored history the threshold starts over (no cut-off for min_history rows)
    // and the event's first row is forgotten.
    var fresh = try stream()
    fresh.resume(after: frame.rows(0..<resumeAt), rows: resumeAt, scores: [], cutoffs: [])
    try fresh.append(frame.rows(resumeAt..<frame.rowCount), origin: "data.csv")
    let forgetful = try #require(try fresh.scorePending())
    #expect(forgetful.cutoffs.prefix(50).allSatisfy { $0 == .infinity } && !forgetful.alerts.contains(300 - resumeAt))
  }
}
