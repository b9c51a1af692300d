import Foundation
import Testing

@testable import SeismoCore

@Suite struct RunConfigTests {
  func parse(_ yaml: String, overrides: [String] = [], base: String? = nil) throws -> RunConfig {
    try RunConfig.parse(yaml: yaml, origin: "c.yaml", baseDirectory: base, overrides: overrides, registry: testRegistry)
  }

  func message(_ yaml: String, overrides: [String] = []) -> String {
    do {
      _ = try parse(yaml, overrides: overrides)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func validConfigFillsDefaults() throws {
    let c = try parse(
      """
      source: { plugin: constant }
      detector:
        plugin: absolute
        lag: 2
        scale: 3
      """)
    #expect(c.source.plugin == "constant")
    #expect(c.detector.parameters[AbsoluteDetector.lag] == 2)
    #expect(c.detector.parameters[AbsoluteDetector.scale] == 3)
    #expect(c.detector.parameters[AbsoluteDetector.verbose] == false)
    #expect(c.threshold.plugin == "percentile", "the threshold defaults to the registry's default")
    var strict = testRegistry
    strict.defaultThreshold = nil
    #expect(
      throws: SeismoError.config(
        key: "threshold", location: "c.yaml", message: "missing section; choose a threshold plugin")
    ) {
      try RunConfig.parse(
        yaml: "source: { plugin: constant }\ndetector: { plugin: absolute }\n", origin: "c.yaml", registry: strict)
    }
    #expect(c.split[SplitPolicy.trainFraction] == 0.8)
    #expect(c.importance == nil)
  }

  @Test func unknownKeyNamesPathLineAndSuggestion() {
    #expect(
      message("source: { plugin: constant }\ndetector:\n  plugin: absolute\n  lagg: 2\n")
        == "c.yaml:4:9: detector.lagg: unknown parameter for plugin 'absolute' (did you mean 'lag'?); known: lag, scale, verbose, mode"
    )
    // A split or events setting written in another section says where it goes.
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute, max_train_rows: 9 }")
        == "c.yaml:2:47: detector.max_train_rows: unknown parameter for plugin 'absolute'; it goes in the split section: split: { max_train_rows: … }; known: lag, scale, verbose, mode"
    )
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute }\nsplit: { min_length: 2 }")
        .hasPrefix(
          "c.yaml:3:22: split.min_length: unknown parameter for section 'split'; it goes in the events section: events: { min_length: … }"
        ))
    // A setting of another plugin of the section names that plugin.
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute }\nthreshold: { plugin: percentile, value: 3 }")
        == "c.yaml:3:41: threshold.value: unknown parameter for plugin 'percentile'; plugin 'fixed' takes it: choose it with threshold.plugin; known: none"
    )
  }

  /// Every problem of a config is named at once, in the order of the file, a line each: a
  /// section's several keys, and the other sections' problems, whatever their order of checking.
  @Test func everyProblemOfAConfigIsNamedAtOnce() throws {
    let yaml = """
      threshold: { plugin: fixed, valu: 95 }
      source: { plugin: constant }
      detector:
        plugin: absolute
        lagg: 2
        scale: many
      split: { train_fraction: 1.5 }
      """
    let error = try #require(throws: SeismoError.self) { try parse(yaml) }
    #expect(
      error.lines == [
        "c.yaml:1:35: threshold.valu: unknown parameter for plugin 'fixed' (did you mean 'value'?); known: value",
        "c.yaml:5:9: detector.lagg: unknown parameter for plugin 'absolute' (did you mean 'lag'?); known: lag, scale, verbose, mode",
        "c.yaml:6:10: detector.scale: expected a number, got 'many'",
        "c.yaml:7:26: split.train_fraction: expected a number in 0.01...1.0, got '1.5'",
      ])
    #expect(error.description == error.lines.joined(separator: "\n") && error.exitStatus == 1)
    // One problem is the error itself, as before; --set's come after the file's.
    #expect(
      throws: SeismoError.config(
        key: "split.train_fraction", location: "c.yaml:7:26", message: "expected a number in 0.01...1.0, got '1.5'")
    ) {
      try parse(
        yaml.replacingOccurrences(of: "valu:", with: "value:").replacingOccurrences(of: "lagg", with: "lag").replacingOccurrences(
          of: "many", with: "3"))
    }
    let set = try #require(throws: SeismoError.self) { try parse(yaml, overrides: ["events.merge_gapp=2"]) }
    #expect(set.lines.count == 5 && set.lines.last?.hasPrefix("--set: events.merge_gapp: unknown parameter") == true)
  }

  /// A misspelled or malformed section is one problem among the others; a required section it
  /// means is not also "missing".
  @Test func sectionProblemsAreNamedWithTheOthers() throws {
    let sections = RunConfig.sectionNames.joined(separator: ", ")
    let yaml = """
      sorce: { plugin: constant }
      detector: { plugin: absolute, lagg: 2 }
      evnts: { merge_gap: 2 }
      threshold: fixed
      """
    let error = try #require(throws: SeismoError.self) { try parse(yaml, overrides: ["nosuch.key=1"]) }
    #expect(
      error.lines == [
        "c.yaml:1:1: sorce: unknown section (did you mean 'source'?); sections are \(sections)",
        "c.yaml:2:37: detector.lagg: unknown parameter for plugin 'absolute' (did you mean 'lag'?); known: lag, scale, verbose, mode",
        "c.yaml:3:1: evnts: unknown section (did you mean 'events'?); sections are \(sections)",
        "c.yaml:4:12: threshold: expected a mapping of parameters",
        "--set: nosuch.key: unknown section",
      ])
    // A malformed required section is not missing either; an absent one still is.
    #expect(
      message("source: [constant]\ndetectr: { plugin: absolute }").split(separator: "\n").map(String.init) == [
        "c.yaml:1:9: source: expected a mapping of parameters",
        "c.yaml:2:1: detectr: unknown section (did you mean 'detector'?); sections are \(sections)",
      ])
    #expect(
      message("detectr: { plugin: absolute }").split(separator: "\n").map(String.init) == [
        "c.yaml:1:1: detectr: unknown section (did you mean 'detector'?); sections are \(sections)",
        "c.yaml: source: missing section; say where the data comes from",
      ])
    // An unknown section beside sections that are all well is still refused.
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute }\nimportanse: {}")
        == "c.yaml:3:1: importanse: unknown section (did you mean 'importance'?); sections are \(sections)")
  }

  @Test func aDataFileGivenForTheConfigIsNamedAsOne() {
    #expect(
      message("date,vix\n2020-01-02,12.5\n2020-01-03,13.1")
        == "c.yaml:1:1: (config): expected a mapping of sections; this reads as rows of data: a config names its data file in the source section (source: { plugin: csv, path: FILE }), and `seismo demo` writes a config to start from"
    )
    #expect(message("- source\n- detector") == "c.yaml:1:1: (config): expected a mapping of sections")
  }

  @Test func wrongTypesAreRejectedWithTheKeyPath() {
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute, lag: two }")
        == "c.yaml:2:36: detector.lag: expected an integer, got 'two'")
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute, lag: 11 }")
        == "c.yaml:2:36: detector.lag: expected an integer in 0...10, got '11'")
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute, verbose: maybe }")
        == "c.yaml:2:40: detector.verbose: expected true or false, got 'maybe'")
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute, mode: c }")
        == "c.yaml:2:37: detector.mode: expected one of a, b, got 'c'")
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute, scale: [1] }")
        == "c.yaml:2:38: detector.scale: expected a number, got a list")
  }

  @Test func unknownPluginAndSection() {
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolut }")
        == "c.yaml:2:21: detector.plugin: unknown detector plugin 'absolut' (did you mean 'absolute'?); available: absolute")
    #expect(
      message("source: { plugin: constant }\ndetectr: { plugin: absolute }").hasPrefix(
        "c.yaml:2:1: detectr: unknown section (did you mean 'detector'?)"))
    // A missing section is named with its file, which has no line for it.
    #expect(message("detector: { plugin: absolute }") == "c.yaml: source: missing section; say where the data comes from")
    // A section without its plugin is placed at its key, or at its list item.
    #expect(
      message("source: {}\ndetector: { plugin: absolute }") == "c.yaml:1:1: source.plugin: missing; choose one of: constant")
    #expect(
      message("source: { plugin: constant }\ndetector:\n  lag: 2\nensemble:\n  - detector: { lag: 1 }\n")
        .split(separator: "\n") == [
          "c.yaml:2:1: detector.plugin: missing; choose one of: absolute",
          "c.yaml:5:5: ensemble[1].detector.plugin: missing; choose one of: absolute",
        ])
  }

  /// A plugin's or a section's own checks (beyond each key's type and range) place their error at
  /// the key's line and column, under the section's path.
  @Test func checksAcrossKeysNameTheLineAndColumn() {
    let head = "source: { plugin: constant }\n"
    #expect(
      message(head + "detector: { plugin: absolute, scale: 0 }") == "c.yaml:2:38: detector.scale: must not be 0")
    #expect(
      message(head + "detector: { plugin: absolute }\nensemble:\n  - detector: { plugin: absolute, scale: 0 }\n")
        == "c.yaml:4:42: ensemble[1].detector.scale: must not be 0")
    #expect(
      message(head + "detector: { plugin: absolute }", overrides: ["detector.scale=0"])
        == "--set: detector.scale: must not be 0")
    #expect(
      message(head + "detector: { plugin: absolute }\nsplit: { refit_every: 1x }")
        == "c.yaml:3:23: split.refit_every: unknown unit in '1x'; use d, w, m or y (or a row count)")
    #expect(
      message(head + "detector: { plugin: absolute }\nsplit:\n  refit_epochs: 2\n")
        == "c.yaml:4:17: split.refit_epochs: fewer epochs per refit need warm_start: true (a cold refit starts from fresh weights)"
    )
    // Settings of refits, without refits, would be ignored.
    for (key, value, column) in [("refit_window", "rolling", 17), ("warm_start", "true", 15)] {
      #expect(
        message(head + "detector: { plugin: absolute }\nsplit:\n  \(key): \(value)\n")
          == "c.yaml:4:\(column): split.\(key): shapes walk-forward refits, and without refit_every the detector fits once; set refit_every or drop it"
      )
      #expect(message(head + "detector: { plugin: absolute }\nsplit: { refit_every: 50, \(key): \(value) }\n") == "no error")
      // A stored run's config ran as it was; rethreshold and score read it again.
      let stored = try? RunConfig.parse(
        yaml: head + "detector: { plugin: absolute }\nsplit: { \(key): \(value) }\n", origin: "run r",
        registry: testRegistry, stored: true)
      #expect(stored != nil)
    }
  }

  /// YAML that does not parse is located as other config errors are (`file:line:column:`), and
  /// its usual causes are named: a tab in the indentation, a key given twice (at its second use,
  /// by its path, with the line of the first).
  @Test func yamlSyntaxErrorsNameTheLine() {
    #expect(
      message("source: { plugin: constant\ndetector: x")
        == "c.yaml:2:9: (yaml): did not find expected ',' or '}' while parsing a flow mapping")
    #expect(message("") == "c.yaml: (config): the file is empty")
    #expect(
      message("source:\n\tplugin: constant\n")
        == "c.yaml:2:1: (yaml): found character that cannot start any token while scanning for the next token"
        + " (a tab in the indentation: YAML indents with spaces only)")
    let source = "# a comment\nsource:\n  plugin: constant\n"
    #expect(
      message(source + "detector:\n  plugin: absolute\nsource: { plugin: constant }\n")
        == "c.yaml:6:1: source: given twice in one mapping (first at line 2); keep one")
    #expect(
      message(source + "detector:\n  plugin: absolute\n  lag: 1\n  lag: 2\n")
        == "c.yaml:7:3: detector.lag: given twice in one mapping (first at line 6); keep one")
    let item = "  - detector:\n      plugin: absolute\n    threshold: { plugin: fixed }\n"
    #expect(
      message(source + "detector: { plugin: absolute }\nensemble:\n" + item + item + "    threshold: { plugin: fixed }\n")
        == "c.yaml:12:5: ensemble[2].threshold: given twice in one mapping (first at line 11); keep one")
    #expect(
      message(
        source + "detector: { plugin: absolute }\nensemble:\n  - detector:\n      plugin: absolute\n      lag: 1\n      lag: 1\n")
        == "c.yaml:9:7: ensemble[1].detector.lag: given twice in one mapping (first at line 8); keep one")
  }

  @Test func overridesReplaceAndAdd() throws {
    let c = try parse(
      "source: { plugin: constant }\ndetector: { plugin: absolute, lag: 2 }",
      overrides: ["detector.lag=3", "source.series=[1, 2, 3]", "split.train_fraction=0.5"])
    #expect(c.detector.parameters[AbsoluteDetector.lag] == 3)
    #expect(c.source.parameters[ConstantSource.series] == ["1", "2", "3"])
    #expect(c.split[SplitPolicy.trainFraction] == 0.5)
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute }", overrides: ["detector.lag"])
        == "--set: detector.lag: expected section.key=value")
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute }", overrides: ["detector.lag=x"])
        == "--set: detector.lag: expected an integer, got 'x'")
  }

  /// A bare `|` or `>` is YAML's block scalar, read as an empty text: the error names that and
  /// how to write the character (a `delimiter: |` of a file separated by pipes).
  @Test func aBareBlockIndicatorIsNamed() throws {
    #expect(
      message("source: { plugin: constant }\ndetector:\n  plugin: absolute\n  lag: |\n")
        == "c.yaml:4:8: detector.lag: expected an integer, got an empty YAML block (a bare | starts one): write the character | in quotes, '|'"
    )
    #expect(
      message("source: { plugin: constant }\ndetector: { plugin: absolute }", overrides: ["detector.lag=>"])
        == "--set: detector.lag: expected an integer, got an empty YAML block (a bare > starts one): write the character > in quotes, '>'"
    )
  }

  /// Another plugin drops the file's parameters of its section but keeps those set beside it,
  /// whichever comes first on the command line.
  @Test func parametersSetBeforeTheirPluginAreKept() throws {
    let yaml = "source: { plugin: constant }\ndetector: { plugin: absolute }\nthreshold: { plugin: percentile }"
    for overrides in [["threshold.value=7", "threshold.plugin=fixed"], ["threshold.plugin=fixed", "threshold.value=7"]] {
      let c = try parse(yaml, overrides: overrides)
      #expect(c.threshold.plugin == "fixed" && c.threshold.parameters[FixedCut.value] == 7, "\(overrides)")
    }
    let file = try parse(
      yaml.replacingOccurrences(of: "{ plugin: absolute }", with: "{ plugin: absolute, lag: 3 }"),
      overrides: ["detector.scale=2", "detector.plugin=absolute"])
    #expect(file.detector.parameters[AbsoluteDetector.lag] == 3, "the same plugin keeps the file's parameters")
    #expect(file.detector.parameters[AbsoluteDetector.scale] == 2)
  }

  @Test func relativePathsFromTheFileResolveAgainstItsFolder() throws {
    let c = try parse("source: { plugin: constant, path: data/m.csv }\ndetector: { plugin: absolute }", base: "/cfg")
    #expect(c.source.parameters[ConstantSource.path] == "/cfg/data/m.csv")
    let d = try parse(
      "source: { plugin: constant }\ndetector: { plugin: absolute }", overrides: ["source.path=m.csv"], base: "/cfg")
    #expect(d.source.parameters[ConstantSource.path] == "m.csv", "--set paths stay relative to the current directory")
    // `~/` is the home folder, in a file and in --set; `~x` and `a/~` are names like any other.
    let home = NSHomeDirectory()
    let tilde = try parse("source: { plugin: constant, path: ~/m.csv }\ndetector: { plugin: absolute }", base: "/cfg")
    #expect(tilde.source.parameters[ConstantSource.path] == home + "/m.csv" && home.hasPrefix("/"))
    let set = try parse(
      "source: { plugin: constant }\ndetector: { plugin: absolute }", overrides: ["source.path=~/m.csv"], base: "/cfg")
    #expect(set.source.parameters[ConstantSource.path] == home + "/m.csv")
    let named = try parse("source: { plugin: constant, path: ~m.csv }\ndetector: { plugin: absolute }", base: "/cfg")
    #expect(named.source.parameters[ConstantSource.path] == "/cfg/~m.csv")
  }

  /// A list of paths: each resolved as one path is; one path is stored as a string, as a `path`
  /// setting is, so a run of one file reads back the same.
  @Test func aListOfPathsResolvesEachAndStoresOneAsAString() throws {
    let c = try parse(
      "source: { plugin: constant, files: [a.csv, /abs/b.csv, ~/c.csv] }\ndetector: { plugin: absolute }", base: "/cfg")
    #expect(c.source.parameters[ConstantSource.files] == ["/cfg/a.csv", "/abs/b.csv", NSHomeDirectory() + "/c.csv"])
    let one = try parse("source: { plugin: constant, files: [a.csv] }\ndetector: { plugin: absolute }", base: "/cfg")
    #expect(one.source.parameters.values["files"] == .text("/cfg/a.csv"))
    let scalar = try parse("source: { plugin: constant, files: a.csv }\ndetector: { plugin: absolute }", base: "/cfg")
    #expect(scalar.source.parameters[ConstantSource.files] == ["/cfg/a.csv"])
    let set = try parse(
      "source: { plugin: constant }\ndetector: { plugin: absolute }", overrides: ["source.files=[x.csv, y.csv]"], base: "/cfg")
    #expect(set.source.parameters[ConstantSource.files] == ["x.csv", "y.csv"])
    for bad in ["[]", "[a.csv, [b.csv]]", "{ a: b }", "[a.csv, '']"] {
      #expect(
        message("source: { plugin: constant, files: \(bad) }\ndetector: { plugin: absolute }").contains(
          "source.files: expected a path or a list of paths"), "\(bad)")
    }
    // Strings that are not paths are taken as written.
    let formats = try parse("source: { plugin: constant, formats: [iso, a/b] }\ndetector: { plugin: absolute }", base: "/cfg")
    #expect(formats.source.parameters[ConstantSource.formats] == ["iso", "a/b"])
    #expect(
      message("source: { plugin: constant, formats: [] }\ndetector: { plugin: absolute }").contains(
        "source.formats: expected a string or a list of strings, got an empty list"))
    // Saved parameters (a model file, a database) are admitted the same way.
    let paths = ParameterType.oneOrMore(isPath: true)
    #expect(paths.admit(.textList(["a"])) == .text("a"))
    #expect(paths.admit(.textList(["a", "b"])) == .textList(["a", "b"]))
    #expect(paths.admit(.textList([])) == nil && paths.admit(.integer(1)) == nil)
  }
}

@Suite struct PipelineTests {
  @Test func fitsOnTrainScoresAllAndCalibratesOnTrainingScores() throws {
    let config = try RunConfig.parse(
      yaml: "source: { plugin: constant }\ndetector: { plugin: absolute, lag: 1 }\nsplit: { train_fraction: 0.5 }",
      origin: "c", registry: testRegistry)
    var epochs = 0
    let run = try DetectionPipeline(registry: testRegistry, config: config).run(observer: { _, _ in epochs += 1 })
    // Series 1 2 3 4 50 6; train rows 0–2; scores start at row 1 → training scores [2, 3] → max 3.
    #expect(run.trainRows == 3)
    #expect(run.threshold == 3)
    #expect(run.anomalies.map(\.row) == [3, 4, 5])
    #expect(run.anomalies.allSatisfy { !$0.isTraining })
    #expect(epochs == 1)
    #expect(run.training.history.count == 1)
  }

  @Test func walkForwardRefitsDetectorAndThresholdOnEarlierRowsOnly() throws {
    // Series 1 2 3 4 50 6 7 8 9 10; the first 4 rows train; refit every 2 rows. The threshold is
    // the max of the fold's training scores (rows from 1 on, lag 1).
    func run(_ window: String) throws -> RunResult {
      let config = try RunConfig.parse(
        yaml: """
          source: { plugin: constant, series: ["1", "2", "3", "4", "50", "6", "7", "8", "9", "10"] }
          detector: { plugin: absolute, lag: 1 }
          split: { train_fraction: 0.4, refit_every: 2, refit_window: \(window) }
          """, origin: "c", registry: testRegistry)
      return try DetectionPipeline(registry: testRegistry, config: config).run()
    }
    let expanding = try run("expanding")
    #expect(expanding.folds.map(\.trainStart) == [0, 0, 0])
    #expect(expanding.folds.map(\.trainEnd) == [4, 6, 8])
    #expect(expanding.folds.map(\.scoreEnd) == [6, 8, 10])
    // Fold 1 cut 4 flags 50 and 6; folds 2 and 3 have seen 50 and flag nothing.
    #expect(expanding.folds.map(\.threshold) == [4, 50, 50])
    #expect(expanding.anomalies.map(\.row) == [4, 5])
    #expect(expanding.cutoffs == [4, 4, 4, 4, 4, 50, 50, 50, 50])
    #expect(expanding.scores.firstRow == 1 && expanding.scores.values.count == 9)
    // Rolling: fold 3 trains on rows 4–7 only, whose scores from row 5 on are 6 7 8 → cut 8.
    let rolling = try run("rolling")
    #expect(rolling.folds.map(\.trainStart) == [0, 2, 4])
    #expect(rolling.folds.map(\.threshold) == [4, 50, 8])
    #expect(rolling.anomalies.map(\.row) == [4, 5, 8, 9])
    // Without refits the first cut-off stays: every test row is flagged.
    let config = try RunConfig.parse(
      yaml: """
        source: { plugin: constant, series: ["1", "2", "3", "4", "50", "6", "7", "8", "9", "10"] }
        detector: { plugin: absolute, lag: 1 }
        split: { train_fraction: 0.4 }
        """, origin: "c", registry: testRegistry)
    let once = try DetectionPipeline(registry: testRegistry, config: config).run()
    #expect(once.folds.count == 1 && once.anomalies.map(\.row) == [4, 5, 6, 7, 8, 9])
  }

  @Test func scoresThatLookAheadNeverCalibrate() throws {
    // Series 1 2 3 4 50 6, rows 0–2 train, scores from row 1. A detector whose scores use one later
    // row: row 2's score saw row 3 (a test row), so only row 1's score (2) calibrates.
    var registry = testRegistry
    registry.register(detector: LookingAheadDetector.self)
    func run(lookahead: Int) throws -> RunResult {
      let config = try RunConfig.parse(
        yaml:
          "source: { plugin: constant }\ndetector: { plugin: looking-ahead, lookahead: \(lookahead) }\nsplit: { train_fraction: 0.5 }",
        origin: "c", registry: registry)
      return try DetectionPipeline(registry: registry, config: config).run()
    }
    let causal = try run(lookahead: 0)
    #expect(causal.threshold == 3 && causal.calibrationScores == 2 && causal.lookahead == 0)
    let ahead = try run(lookahead: 1)
    #expect(ahead.threshold == 2 && ahead.calibrationScores == 1 && ahead.lookahead == 1)
    #expect(RunSummary(ahead).causality?.pointInTime == false)
  }

  @Test func warmupLongerThanTrainingIsAClearError() throws {
    let config = try RunConfig.parse(
      yaml: "source: { plugin: constant }\ndetector: { plugin: absolute, lag: 4 }\nsplit: { train_fraction: 0.5 }",
      origin: "c", registry: testRegistry)
    #expect(
      throws: SeismoError.invalidInput(
        "no training row has a score: the detector needs 4 rows of history and the training part has 3")
    ) {
      try DetectionPipeline(registry: testRegistry, config: config).run()
    }
  }
}
