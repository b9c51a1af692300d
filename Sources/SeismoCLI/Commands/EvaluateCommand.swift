import ArgumentParser
import CSVSource
import Foundation
import SeismoCore

/// `seismo evaluate RUN_DIR --labels FILE`: how well a run's flags match known anomalies.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Precision, recall, F1 and point-adjusted F1 of a run's flags against labels.",
    discussion: """
      Labels come in three shapes:
        --labels weeks.csv --label-column y     a CSV with a time column and a 0/1 column
        --labels windows.json --windows-key K   NAB-style JSON: {K: [[start, end], ...]}
        --labels dates.txt                      anomalous timestamps, one per line
      Only scored rows count, by default those of the test part (--part all for every row). A \
      run of consecutive labelled rows is one event; point-adjusted metrics count an event as \
      wholly found when any of its rows is flagged. Writes RUN_DIR/evaluation.json.

      Example: seismo evaluate runs/weekly --labels ../shared/data/market_weekly_4_labeled.csv --label-column y
      """)

  @Argument(help: ArgumentHelp("A run folder written by detect or score.", valueName: "run-dir"))
  var folder: String

  @Option(help: "The labels file.")
  var labels: String

  @Option(help: "Label column of a CSV labels file (non-zero = anomaly).")
  var labelColumn: String?

  @Option(help: "Key of a NAB-style windows JSON file, e.g. realKnownCause/nyc_taxi.csv.")
  var windowsKey: String?

  @Option(help: "Rows to judge: test or all.")
  var part: Part = .test

  enum Part: String, ExpressibleByArgument { case test, all }

  func run() throws {
    try reportingErrors {
      let run = try RunFolder(folder)
      let trainEnd = run.trainEnd
      let scored = try run.scores(["is_anomaly"], gaps: .drop)
      let marker = try labelMarker()
      var flags: [Bool] = []
      var truth: [Bool] = []
      for r in 0..<scored.rowCount {
        let t = scored.timestamps[r]
        if part == .test, let trainEnd, t <= trainEnd { continue }
        flags.append(scored[r, 0] != 0)
        truth.append(marker(t))
      }
      guard !flags.isEmpty else { throw SeismoError.invalidInput("\(folder) has no scored rows in the \(part.rawValue) part") }
      let evaluation = Evaluation(flags: flags, labels: truth)
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try write(encoder.encode(evaluation), to: "\(folder)/evaluation.json")
      for line in Self.lines(evaluation, part: part.rawValue) { Console.out(line) }
    }
  }

  static func lines(_ e: Evaluation, part: String) -> [String] {
    func row(_ name: String, _ m: Evaluation.Metrics) -> String {
      String(
        format: "%@  precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d)", name, m.precision, m.recall, m.f1,
        m.truePositives, m.falsePositives, m.falseNegatives)
    }
    return [
      "\(e.rows) scored rows (\(part)), \(e.labelledRows) labelled in \(e.events) events; \(e.eventsDetected) events flagged",
      row("point-wise    ", e.pointwise),
      row("point-adjusted", e.pointAdjusted),
    ]
  }

  /// Whether a timestamp is labelled anomalous.
  func labelMarker() throws -> (Timestamp) -> Bool {
    if let labelColumn {
      let frame = try CSVSource(path: labels, columns: [labelColumn], gaps: .drop).load().frame
      let marked = Set((0..<frame.rowCount).filter { frame[$0, 0] != 0 }.map { frame.timestamps[$0] })
      return { marked.contains($0) }
    }
    guard let text = FileManager.default.contents(atPath: labels).map({ String(decoding: $0, as: UTF8.self) }) else {
      throw SeismoError.file(path: labels, message: "no such file")
    }
    let iso = TimestampParser()
    if let windowsKey {
      guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw SeismoError.file(path: labels, message: "not a JSON object of label windows")
      }
      guard let windows = json[windowsKey] as? [[String]] else {
        throw SeismoError.file(
          path: labels,
          message: "no windows for key '\(windowsKey)'\(EditDistance.suggestion(for: windowsKey, among: Array(json.keys)))")
      }
      let ranges = try windows.map { pair -> ClosedRange<Timestamp> in
        guard pair.count == 2, let a = iso.parse(pair[0]), let b = iso.parse(pair[1]), a <= b else {
          throw SeismoError.file(path: labels, message: "window \(pair) of '\(windowsKey)' is not [start, end]")
        }
        return a...b
      }
      return { t in ranges.contains { $0.contains(t) } }
    }
    var marked = Set<Timestamp>()
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let cell = line.trimmingCharacters(in: .whitespaces)
      guard !cell.isEmpty else { continue }
      if let t = iso.parse(cell) {
        marked.insert(t)
      } else if n > 0 || cell.first?.isNumber == true {
        throw SeismoError.data(source: labels, line: n + 1, column: nil, message: "'\(cell)' is not an ISO timestamp")
      }
    }
    return { marked.contains($0) }
  }

}
