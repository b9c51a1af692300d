import Foundation
import Testing

@testable import SeismoCLI

/// Every kind of bad input gives one clear line on stderr and a non-zero exit, never a crash.
@Suite struct BadInputTests {
  struct Case: CustomStringConvertible, Sendable {
    var description: String
    var csv: String?
    var config: String
    var expected: String
  }

  static let good =
    "date,a\n"
    + (1...40).map { "2020-01-\(String(format: "%02d", ($0 - 1) % 28 + 1))" }.enumerated().map { i, _ in
      "\(date(18_262 + i)),\(Double(i % 7) + 1)"
    }.joined(separator: "\n") + "\n"

  static let base = "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 5 }\n"

  static let cases: [Case] = [
    Case(description: "missing file", csv: nil, config: base, expected: "data.csv: no such file"),
    Case(description: "empty file", csv: "", config: base, expected: "data.csv: the file is empty"),
    Case(description: "header only", csv: "date,a\n", config: base, expected: "data.csv: has a header but no data rows"),
    Case(
      description: "unknown column", csv: good,
      config: "source: { plugin: csv, path: data.csv, columns: [b] }\ndetector: { plugin: rolling-zscore }\n",
      expected: "data.csv:1: unknown column 'b'"),
    Case(
      description: "non-numeric cell", csv: "date,a\n2020-01-01,1\n2020-01-02,x1\n", config: base,
      expected: "data.csv:3 (column 2 'a'): 'x1' is not a number"),
    Case(
      description: "unparsable date", csv: "date,a\n2020-01-01,1\n01/02/2020,2\n", config: base,
      expected:
        "data.csv:3 (column 1 'date'): '01/02/2020' is not an ISO date (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) (set time_format: '%d/%m/%Y' if the day comes first, '%m/%d/%Y' if the month does)"
    ),
    Case(
      description: "duplicate timestamps", csv: "date,a\n2020-01-01,1\n2020-01-01,2\n", config: base,
      expected: "data.csv:3: duplicate timestamp 2020-01-01 (also on line 2); set duplicates: first, last or mean to merge"),
    Case(
      description: "fewer rows than one window", csv: "date,a\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n", config: base,
      expected: "rolling-zscore with window 5 needs at least 6"),
    Case(
      description: "a value log_return cannot take",
      csv: "date,a\n" + (1...9).map { "2020-01-0\($0),\($0 == 4 ? 0 : $0)" }.joined(separator: "\n") + "\n",
      config:
        "source: { plugin: csv, path: data.csv }\ndetector: { plugin: lstm-autoencoder, window: 2, epochs: 1, transform: log_return }\n",
      expected: "transform log_return needs positive values; 'a' is 0.0 at 2020-01-04"),
    Case(
      description: "one training window, held out for validation", csv: good,
      config:
        "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.75 }\ndetector: { plugin: lstm-autoencoder, window: 30, epochs: 1 }\n",
      expected:
        "1 training window, and validation_split 0.1 holds out 1, leaving none to train on; add training rows, shorten the window or lower validation_split"
    ),
    Case(
      description: "early stopping with nothing held out", csv: good,
      config:
        "source: { plugin: csv, path: data.csv }\ndetector:\n  plugin: lstm-forecaster\n  validation_split: 0\n  patience: 3\n",
      expected:
        "run.yaml:5:13: detector.patience: stops on the validation loss, and validation_split 0 holds out no window; raise validation_split or drop patience"
    ),
    Case(
      description: "NaN cell", csv: "date,a\n2020-01-01,1\n2020-01-02,NaN\n", config: base,
      expected: "data.csv:3 (column 2 'a'): 'NaN' is not a finite number"),
    Case(
      description: "infinite cell", csv: "date,a\n2020-01-01,inf\n", config: base,
      expected: "data.csv:2 (column 2 'a'): 'inf' is not a finite number"),
    Case(
      description: "unknown plugin", csv: good,
      config: "source: { plugin: csv, path: data.csv }\ndetector: { plugin: lstm-autoencodr }\n",
      expected: "run.yaml:2:21: detector.plugin: unknown detector plugin 'lstm-autoencodr'"),
    Case(
      description: "unknown config key", csv: good,
      config: "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, windw: 5 }\n",
      expected: "run.yaml:2:44: detector.windw: unknown parameter for plugin 'rolling-zscore' (did you mean 'window'?)"),
    Case(
      description: "wrong type", csv: good,
      config: "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: ten }\n",
      expected: "run.yaml:2:45: detector.window: expected an integer, got 'ten'"),
    Case(
      description: "bad YAML", csv: good, config: "source: [plugin: csv\n",
      expected: "run.yaml:2:1: (yaml): did not find expected ',' or ']' while parsing a flow sequence"),
    Case(
      description: "a cut-off beyond Float32", csv: good,
      config: base + "threshold: { plugin: fixed, value: 1e308 }\n",
      expected: "run.yaml:3:36: threshold.value: expected a number within ±3.4e38, got '1e308'"),
  ]

  @Test(arguments: cases)
  func failsWithOneClearLine(_ c: Case) throws {
    let scratch = try Scratch()
    if let csv = c.csv { try scratch.write("data.csv", csv) }
    try scratch.write("run.yaml", c.config)
    let result = try CLI.run(["detect", "run.yaml", "--out", "out"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix("loaded ") }
    #expect(lines.count == 1, "\(result.stderr)")
    let message = lines.first.map(String.init) ?? ""
    #expect(message.hasPrefix("error: "), "\(message)")
    #expect(message.contains(c.expected), "\(message)")
    #expect(!result.stderr.contains("Fatal error"))
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("out/summary.json").path))
  }

  /// A config's every typo is named in one run, a line each, in the order of the file, and
  /// nothing is read or written.
  @Test func everyTypoOfAConfigIsALineOfItsOwn() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", Self.good)
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv, gapz: drop }\ndetector: { plugin: rolling-zscore, windw: 5 }\nthreshold: { plugin: percentile, percentil: 95 }\n"
    )
    let result = try CLI.run(["detect", "run.yaml", "--out", "out"], in: scratch.url)
    #expect(result.status == 1 && result.stdout.isEmpty)
    let lines = result.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 3, "\(result.stderr)")
    #expect(
      zip(
        lines,
        [
          "error: run.yaml:1:46: source.gapz:", "error: run.yaml:2:44: detector.windw:",
          "error: run.yaml:3:45: threshold.percentil:",
        ]
      )
      .allSatisfy { $0.hasPrefix($1) }, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("out").path))
    // A required key misspelled is one problem, not also a missing key.
    try scratch.write("run.yaml", "source: { plugin: csv, pth: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    let misspelled = try CLI.run(["detect", "run.yaml", "--out", "out"], in: scratch.url)
    #expect(
      misspelled.status == 1 && misspelled.stderr.split(separator: "\n").count == 1
        && misspelled.stderr.hasPrefix(
          "error: run.yaml:1:29: source.pth: unknown parameter for plugin 'csv' (did you mean 'path'?)"),
      "\(misspelled.stderr)")
  }

  @Test func valuesThatOverflowTheArithmeticAreNamed() throws {
    let scratch = try Scratch()
    try scratch.write(
      "data.csv",
      "date,a\n" + (0..<60).map { "\(date(18_262 + $0)),\($0 % 2 == 0 ? "3.4e38" : "-3.4e38")" }.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: lstm-forecaster, window: 5, units: [4], epochs: 1 }\n")
    let result = try CLI.run(["detect", "run.yaml", "--out", "out", "--quiet"], in: scratch.url)
    #expect(result.status == 1)
    #expect(
      result.stderr.hasPrefix(
        "error: detector 'lstm-forecaster' produced a non-finite score at 2020-01-06: the data's largest magnitude is 3.4e+38, too large for 32-bit arithmetic"
      ), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  /// A postgres source setting that its form of table would not read is refused at its line,
  /// before any connection (the server here is unreachable).
  @Test(arguments: [
    ("query: 'SELECT ts, a FROM m', schema: market", "1:105: source.schema: not read here: a query names its own tables"),
    ("query: 'SELECT ts, a FROM m', layout: long", "1:105: source.layout: not read here: a query's rows are wide"),
    ("query: 'SELECT ts, a FROM m', time_column: day", "1:110: source.time_column: not read here: a query's first column"),
    ("query: 'SELECT ts, a FROM m', wait_for: [a]", "1:107: source.wait_for: not read here: a query's rows never wait"),
    ("table: m, symbol_column: ticker", "1:92: source.symbol_column: not read here: symbol_column needs layout: long"),
    ("table: m, value_column: close", "1:91: source.value_column: not read here: value_column needs layout: long"),
  ])
  func postgresSettingsNotReadAreRefused(_ settings: String, _ expected: String) throws {
    let scratch = try Scratch()
    try scratch.write(
      "run.yaml",
      "source: { plugin: postgres, url: 'postgresql://u@127.0.0.1:1/db', \(settings) }\ndetector: { plugin: rolling-zscore }\n")
    let result = try CLI.run(["detect", "run.yaml", "--out", "out"], in: scratch.url)
    #expect(result.status == 1 && result.stderr.hasPrefix("error: run.yaml:\(expected)"), "\(result.stderr)")
  }

  /// `ingest`'s errors about the file suggest its own options, not a config's keys. A file
  /// without a time column is refused: its numbered rows would be stored as times in 1970; it is
  /// refused at its first row, before the rest is read (its third line is short). Each is refused
  /// before connecting (the server here is unreachable).
  @Test(arguments: [
    (
      "close,volume\n1.5,10\n2\n",
      "data.csv:1: has no time column (--time-column auto looks for a column named date, timestamp, time, datetime, ts, datum or fecha, or with one of those words in its name), and a table's rows need times; name it with --time-column"
    ),
    ("date,a\n01/02/2020,1\n", "(set --time-format '%d/%m/%Y' if the day comes first, '%m/%d/%Y' if the month does)"),
    ("date,a\n2020-01-01,.\n", "(a mark for a missing value? set --missing '.' to read such cells as gaps)"),
    ("date,a\n2020-01-01,1\n2020-01-01,2\n", "set --duplicates first, last or mean to merge"),
    ("date;a\n2020-01-01;1,5\n", "set --delimiter ';', and --decimal comma if its numbers are written 12,47"),
    ("Title\ndate,a\n2020-01-01,1\n", "a title or notes above the table? --skip-lines 1 starts reading at line 2"),
    ("date,a\n2020-01-01,1\nSource: FRED\n", "(a note below the data? --skip-footer 1 skips the file's last line)"),
    // Ingest stores a table by its times: numbering the rows is not offered.
    (
      "time_to_maturity,a\n3.5,1\n",
      "(--time-column auto took 'time_to_maturity' for the time column, by its name; name the right one with --time-column)"
    ),
  ])
  func ingestSuggestsItsOwnOptions(_ csv: String, _ expected: String) throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", csv)
    let result = try CLI.run(
      ["ingest", "data.csv", "--url", "postgresql://u@127.0.0.1:1/db", "--table", "t", "--create"], in: scratch.url)
    #expect(result.status == 1 && result.stderr.hasSuffix(expected + "\n"), "\(result.stderr)")
  }

  /// `ingest --skip-footer` skips a note below the data: the file is read, and only the server,
  /// unreachable here, refuses.
  @Test func ingestSkipsTheLinesBelowTheData() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", "date,a\n2020-01-01,1\nSource: FRED\n")
    let result = try CLI.run(
      [
        "ingest", "data.csv", "--url", "postgresql://u@127.0.0.1:1/db?connect_timeout=2", "--table", "t", "--create",
        "--skip-footer", "1",
      ],
      in: scratch.url)
    #expect(result.status == 2 && result.stderr.contains("127.0.0.1"), "\(result.stderr)")
    for option in ["--skip-footer=-1", "--skip-lines=-2"] {
      let negative = try CLI.run(
        ["ingest", "data.csv", "--url", "postgresql://u@127.0.0.1:1/db", "--table", "t", option], in: scratch.url)
      #expect(
        negative.status == 64
          && negative.stderr.hasPrefix(
            "Error: \(option.replacingOccurrences(of: "=", with: " ")): give a count of lines, 0 or more\n"),
        "\(negative.stderr)")
    }
  }

  @Test func missingConfigFile() throws {
    let scratch = try Scratch()
    let result = try CLI.run(["detect", "nope.yaml"], in: scratch.url)
    #expect(result.status == 1)
    #expect(result.stderr == "error: nope.yaml: no such file\n")
  }

  @Test func configThatIsAFolderOrNotTextIsNamed() throws {
    let scratch = try Scratch()
    try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("runs"), withIntermediateDirectories: true)
    try Data([0x73, 0x6f, 0xff, 0xfe, 0x00]).write(to: scratch.url.appendingPathComponent("binary.yaml"))
    let folder = try CLI.run(["detect", "runs"], in: scratch.url)
    #expect(folder.status == 1)
    #expect(folder.stderr == "error: runs: is a folder; give the YAML config file\n")
    let binary = try CLI.run(["detect", "binary.yaml"], in: scratch.url)
    #expect(binary.status == 1)
    #expect(binary.stderr == "error: binary.yaml: is not UTF-8 text; a config is a YAML file\n")
  }
}

@Suite struct SafeErrorLineTests {
  @Test func hostileInputIsEchoedAsOneShortSafeLine() throws {
    let scratch = try Scratch()
    let long = String(repeating: "a", count: 300)
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    // A header that would clear the terminal, and a 300-character cell.
    try scratch.write("data.csv", "date,\"x\u{1B}[2J\"\n2020-01-01,\(long)\n")
    let result = try CLI.run(["detect", "run.yaml", "--out", "o"], in: scratch.url)
    #expect(result.status == 1)
    #expect(!result.stderr.contains("\u{1B}") && result.stderr.contains("\\u{1B}[2J"), "\(result.stderr)")
    #expect(result.stderr.contains("aaaa…'") && !result.stderr.contains(String(repeating: "a", count: 81)))
    #expect(result.stderr.split(separator: "\n").count == 1)
    // A quoted cell with a newline in it.
    try scratch.write("data.csv", "date,x\n2020-01-01,\"1\n2\"\n")
    let newline = try CLI.run(["detect", "run.yaml", "--out", "o"], in: scratch.url)
    #expect(newline.status == 1 && newline.stderr.split(separator: "\n").count == 1, "\(newline.stderr)")
    #expect(newline.stderr.contains("'1\\n2'"), "\(newline.stderr)")
  }

  @Test func oneLineEscapesAndBounds() {
    #expect(Console.oneLine("a\nb\tc\u{1B}[2J\u{7F}") == "a\\nb\\tc\\u{1B}[2J\\u{7F}")
    let quoted = "name '" + String(repeating: "x", count: 200) + "' here"
    #expect(Console.oneLine(quoted) == "name '" + String(repeating: "x", count: 77) + "…' here")
    #expect(Console.oneLine(String(repeating: "y", count: 5000)).count == 1000)
    #expect(Console.oneLine("it's fine") == "it's fine", "an unmatched quote is left alone")
    // Apostrophes are not quotes: the text between two is not cut.
    let words = "the model's source read 2 files; " + String(repeating: "z", count: 90) + " the model's features"
    #expect(Console.oneLine(words) == words)
    #expect(
      Console.oneLine("the run's '" + String(repeating: "q", count: 90) + "': it's")
        == "the run's '" + String(repeating: "q", count: 77) + "…': it's")
  }
}
