import ArgumentParser
import CSVSource
import Foundation
import SeismoCore

/// `seismo evaluate RUN_DIR... --labels FILE`: how well runs' flags match known anomalies.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Point-wise, point-adjusted and event-level scores of runs' flags against labels; NAB scores.",
    discussion: """
      Labels come in three shapes:
        --labels weeks.csv --label-column y  a CSV: time column, 0/1 column
        --labels windows.json                NAB-style JSON {KEY: [[start, end]]};
                                             KEY is the one the run's source
                                             path ends with, or --windows-key
        --labels dates.txt                   anomalous timestamps, one a line
                                             (# starts a comment)

      Only scored rows of the test part count (--part all: every scored row).
      A run of consecutive labelled rows is one labelled event.
        point-wise      each row is one decision
        point-adjusted  a labelled event is wholly found when any of its rows
                        is flagged (flatters detectors that flag a lot)
        events          flags grouped by the run's events rule; a labelled
                        event is found when an event overlaps it; an event
                        overlapping none is a false alarm (as Orion counts)
      --nab adds the Numenta Anomaly Benchmark score of each run's alerts over
      all its rows (standard, reward_low_FP_rate and reward_low_FN_rate
      profiles, NAB's probationary period), and of all runs together. --sweep
      finds the one fixed score cut-off with the best corpus NAB standard score.
      Writes RUN_DIR/evaluation.json for each run.

      A run read with time_column: none has row numbers, not timestamps:
      evaluate it with a --label-column CSV read the same way (one row per
      input row, no time column).

      Examples:
        seismo evaluate runs/weekly --labels market_weekly_4_labeled.csv \\
          --label-column y
        seismo evaluate runs/nab/* --nab \\
          --labels ../shared/data/nab/labels/combined_windows.json
      """)

  @Argument(help: ArgumentHelp("Run folders written by detect or score.", valueName: "run-dir"))
  var folders: [String]

  @Option(help: "The labels file.")
  var labels: String

  @Option(help: "Label column of a CSV labels file (non-zero = anomaly).")
  var labelColumn: String?

  @Option(help: "Key of a NAB-style windows JSON file, e.g. realKnownCause/nyc_taxi.csv (one run only).")
  var windowsKey: String?

  @Option(help: "Rows to judge for point-wise, point-adjusted and event scores: test or all.")
  var part: Part = .test

  @Flag(help: "Also compute NAB scores (all rows, NAB's probationary period, each run's alerts).")
  var nab = false

  @Flag(help: "Find the fixed score cut-off with the best corpus NAB standard score.")
  var sweep = false

  enum Part: String, ExpressibleByArgument { case test, all }

  func validate() throws {
    guard windowsKey == nil || folders.count == 1 else {
      throw ValidationError("--windows-key names one series; with several runs, each run's key is found from its source path")
    }
  }

  func run() throws {
    try reportingErrors {
      let labelSet = try LabelSet(path: labels, column: labelColumn)
      if case .timestamps(let marked) = labelSet.shape, marked.isEmpty {
        Console.err("warning: \(labels) lists no labelled times, so every flag counts as a false alarm")
      }
      var evaluated: [LabelledRun] = []
      var eventScores: [EventMetrics] = []
      for folder in folders {
        let run = try LabelledRun(folder: folder, labels: labelSet, windowsKey: windowsKey)
        if let unmatched = run.unmatched { Console.err("warning: \(unmatched)") }
        if let unjudged = run.unjudged(part: part) { Console.err("warning: \(unjudged)") }
        let report = try run.report(part: part, nab: nab)
        eventScores.append(report.events)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try write(encoder.encode(report), to: "\(folder)/evaluation.json")
        if folders.count > 1 { Console.out("\(folder) (\(run.key ?? labels)):") }
        for line in Self.lines(report, part: part.rawValue) { Console.out(folders.count > 1 ? "  " + line : line) }
        evaluated.append(run)
      }
      if evaluated.count > 1 {
        let pooled = Evaluation.Metrics(
          truePositives: eventScores.map(\.scores.truePositives).reduce(0, +),
          falsePositives: eventScores.map(\.scores.falsePositives).reduce(0, +),
          falseNegatives: eventScores.map(\.scores.falseNegatives).reduce(0, +))
        let mean = eventScores.map(\.scores.f1).reduce(0, +) / Double(eventScores.count)
        Console.out(
          String(
            format: "corpus of %d runs: events F1 %.3f pooled (TP %d, FP %d, FN %d), %.3f mean over runs", evaluated.count,
            pooled.f1, pooled.truePositives, pooled.falsePositives, pooled.falseNegatives, mean))
      }
      if nab && evaluated.count > 1 {
        let totals = NABScore.Profile.all.map { profile in NABScore.total(evaluated.map { $0.nab(profile) }) }
        Console.out("corpus of \(evaluated.count) runs: " + Self.nabLine(totals))
      }
      if sweep {
        let (cutoff, score) = try Self.sweep(evaluated)
        Console.out(String(format: "sweep: best fixed cut-off %.6g gives NAB standard %.1f", Double(cutoff), score.normalized))
      }
    }
  }

  /// The fixed cut-off on the raw score with the best corpus NAB standard score, among the
  /// pooled scores' percentiles 50.0, 50.5, …, 99.5 and 99.9, 99.95, 99.99.
  static func sweep(_ runs: [LabelledRun]) throws -> (Float, NABScore) {
    let pooled = runs.flatMap { $0.scores.compactMap { $0 } }
    guard !pooled.isEmpty else { throw SeismoError.invalidInput("the runs have no scores to sweep") }
    let sorted = pooled.sorted()
    let quantiles = stride(from: 50.0, to: 100, by: 0.5).map { $0 } + [99.9, 99.95, 99.99]
    var best: (Float, NABScore)?
    for q in quantiles {
      let cutoff = sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * q / 100))]
      let total = NABScore.total(runs.map { $0.nab(.standard, cutoff: cutoff) })
      if best == nil || total.normalized > best!.1.normalized { best = (cutoff, total) }
    }
    return best!
  }

  static func lines(_ report: EvaluationReport, part: String) -> [String] {
    let e = report.rows
    func row(_ name: String, _ m: Evaluation.Metrics) -> String {
      String(
        format: "%@  precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d)", name, m.precision, m.recall, m.f1,
        m.truePositives, m.falsePositives, m.falseNegatives)
    }
    var lines = [
      "\(e.rows) scored rows (\(part)); \(e.labelledRows) labelled row\(e.labelledRows == 1 ? "" : "s") in \(e.events) event\(e.events == 1 ? "" : "s"), \(e.eventsDetected) of them flagged",
      row("point-wise    ", e.pointwise),
      row("point-adjusted", e.pointAdjusted),
      row("events        ", report.events.scores)
        + String(format: "; %.2f false alarms per 1,000 rows", report.events.falseAlarmsPerThousandRows),
    ]
    if let nab = report.nab { lines.append(nabLine(nab)) }
    return lines
  }

  static func nabLine(_ scores: [NABScore]) -> String {
    let standard = scores.first { $0.profile == NABScore.Profile.standard.name }
    let parts = scores.map { String(format: "%@ %.1f", $0.profile, $0.normalized) }.joined(separator: ", ")
    return "NAB " + parts
      + (standard.map { " (\($0.detectedWindows) of \($0.windows) windows detected, \($0.falsePositives) false alerts)" }
        ?? "")
  }
}

/// What `evaluate` writes to RUN_DIR/evaluation.json.
struct EvaluationReport: Codable {
  var part: String
  var rows: Evaluation
  var events: EventMetrics
  var nab: [NABScore]?

  enum CodingKeys: String, CodingKey {
    case part, events, nab
    case rows = "rows_judged"
  }
}

/// The labels of an evaluation: a 0/1 column of a CSV, NAB-style windows, or timestamps.
struct LabelSet {
  enum Shape {
    case column(String)
    case windows([String: [[String]]])
    case timestamps(Set<Timestamp>)
  }

  let path: String
  let shape: Shape

  init(path: String, column: String?) throws {
    self.path = path
    if let column {
      shape = .column(column)
      return
    }
    let bytes = try readFile(path, folderHint: "give a file of labels")
    let text = String(decoding: bytes, as: UTF8.self)
    if text.drop(while: \.isWhitespace).first == "{" {
      guard let json = try? JSONSerialization.jsonObject(with: bytes) as? [String: [[String]]] else {
        throw SeismoError.file(path: path, message: "not a JSON object of label windows ({key: [[start, end], ...]})")
      }
      shape = .windows(json)
      return
    }
    var marked = Set<Timestamp>()
    let iso = TimestampParser()
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let cell = (line.firstIndex(of: "#").map { line[..<$0] } ?? line).trimmingCharacters(in: .whitespaces)
      guard !cell.isEmpty else { continue }
      if let t = iso.parse(cell) {
        marked.insert(t)
      } else if cell.contains(",") {
        throw SeismoError.data(
          source: path, line: n + 1, column: nil,
          message: "'\(cell)' has several columns; for a CSV of labels, name its 0/1 column with --label-column")
      } else if n > 0 || cell.first?.isNumber == true {
        throw SeismoError.data(source: path, line: n + 1, column: nil, message: "'\(cell)' is not an ISO timestamp")
      }
    }
    shape = .timestamps(marked)
  }
}

/// One run folder read back with its labels, row by row over the whole input.
struct LabelledRun {
  let folder: String
  /// The windows key used, for NAB-style labels.
  let key: String?
  let summary: RunSummary
  /// Per input row: the score (nil in warm-up), its cut-off (infinity: none), whether flagged,
  /// whether it alerts, whether labelled.
  let scores: [Float?]
  let cutoffs: [Float]
  let flags: [Bool]
  let alerts: [Bool]
  let labelled: [Bool]
  /// Rows of the training part.
  let trainRows: Int
  /// Per input row: its time (or row number, for a run read with time_column: none).
  let timestamps: [Timestamp]
  /// A warning when labelled times or windows fall on no row of the run, so count for nothing
  /// (nil when every one falls on a row).
  private(set) var unmatched: String?

  /// Whether row `i`'s score clears its cut-off by the events rule's margin.
  func clearsMargin(_ i: Int) -> Bool {
    guard let score = scores[i] else { return false }
    return rule.clears(score, cutoffs[i])
  }

  /// How the run grouped flags into events (the defaults for runs written before events existed).
  var rule: EventRule {
    EventRule(parameters: Parameters(specs: EventRule.parameters, values: summary.eventRule?.values ?? [:]))
  }

  init(folder: String, labels: LabelSet, windowsKey: String?) throws {
    let run = RunFolder(folder)
    self.folder = folder
    summary = try run.summary()
    let table = try run.scores(summary)
    scores = try table.require("score", path: run.scoresPath)
    // An empty cut-off cell: no cut-off yet.
    cutoffs = try table.require("threshold", path: run.scoresPath).map { $0 ?? .infinity }
    flags = try table.require("is_anomaly", path: run.scoresPath).map { ($0 ?? 0) != 0 }
    // Runs written before events existed: every flagged row alerts.
    alerts = table.column("alert")?.map { ($0 ?? 0) != 0 } ?? flags
    trainRows = summary.split.trainRows
    timestamps = table.timestamps

    switch labels.shape {
    case .column(let column):
      let frame = try CSVSource(
        path: labels.path, columns: [column], timeColumn: summary.isIndexed ? "none" : "auto", gaps: .drop
      )
      .load().frame
      let marked = Set((0..<frame.rowCount).filter { frame[$0, 0] != 0 }.map { frame.timestamps[$0] })
      labelled = timestamps.map { marked.contains($0) }
      key = nil
      // A label column has a row for every time it judges: none on the run's rows is a mismatch.
      let rows = Set(timestamps)
      guard frame.timestamps.contains(where: rows.contains) else {
        throw SeismoError.invalidInput(
          "none of the \(frame.rowCount) label rows of \(labels.path) (\(Self.span(frame.timestamps, summary))) is a row of \(folder) (\(Self.span(timestamps, summary))); are they the labels of this data?"
        )
      }
      unmatched = Self.missing(
        marked.subtracting(rows), of: marked.count, what: "anomalous label rows", labels: labels.path, folder: folder,
        timestamps: timestamps, summary: summary)
    case .windows(let json):
      try Self.requireTimeAxis(summary, of: folder, labels: labels.path)
      let name = try windowsKey ?? Self.key(for: summary.source.origin, in: json, labels: labels.path)
      guard let windows = json[name] else {
        throw SeismoError.file(
          path: labels.path,
          message: "no windows for key '\(name)'\(EditDistance.suggestion(for: name, among: Array(json.keys)))")
      }
      let iso = TimestampParser()
      let ranges = try windows.map { pair -> ClosedRange<Timestamp> in
        guard pair.count == 2, let a = iso.parse(pair[0]), let b = iso.parse(pair[1]), a <= b else {
          throw SeismoError.file(path: labels.path, message: "window \(pair) of '\(name)' is not [start, end]")
        }
        return a...b
      }
      labelled = timestamps.map { t in ranges.contains { $0.contains(t) } }
      key = name
      if !ranges.isEmpty, !labelled.contains(true) {
        unmatched =
          "none of the \(ranges.count) windows of '\(name)' in \(labels.path) covers a row of \(folder) (\(Self.span(timestamps, summary)))"
      } else {
        let empty = ranges.filter { range in !timestamps.contains { range.contains($0) } }
        unmatched = Self.countingForNothing(
          empty.map { "[\(Self.shown($0.lowerBound, summary)), \(Self.shown($0.upperBound, summary))]" },
          of: ranges.count, "windows of '\(name)'", ("covers no row", "cover no row"), labels: labels.path, folder: folder,
          timestamps: timestamps, summary: summary, listing: 3)
      }
    case .timestamps(let marked):
      try Self.requireTimeAxis(summary, of: folder, labels: labels.path)
      labelled = timestamps.map { marked.contains($0) }
      key = nil
      if !marked.isEmpty, !labelled.contains(true) {
        unmatched =
          "none of the \(marked.count) labelled times in \(labels.path) (\(Self.span(Array(marked), summary))) is a row of \(folder) (\(Self.span(timestamps, summary)))"
      } else {
        unmatched = Self.missing(
          marked.subtracting(timestamps), of: marked.count, what: "labelled times", labels: labels.path, folder: folder,
          timestamps: timestamps, summary: summary)
      }
    }
  }

  /// A warning naming the first of `missing`, the labelled times that are no row of the run, out
  /// of `total` (nil when none is missing).
  static func missing(
    _ missing: Set<Timestamp>, of total: Int, what: String, labels: String, folder: String, timestamps: [Timestamp],
    summary: RunSummary
  ) -> String? {
    countingForNothing(
      missing.sorted().map { shown($0, summary) }, of: total, what, ("is not a row", "are not rows"), labels: labels,
      folder: folder, timestamps: timestamps, summary: summary, listing: 5)
  }

  /// "N of the `total` `what` in LABELS `verb` of FOLDER (its span) and count for nothing: …",
  /// naming the first `listing` of `items` (nil when there are none). `verb`: singular, plural.
  static func countingForNothing(
    _ items: [String], of total: Int, _ what: String, _ verb: (one: String, many: String), labels: String,
    folder: String, timestamps: [Timestamp], summary: RunSummary, listing: Int
  ) -> String? {
    guard !items.isEmpty else { return nil }
    let one = items.count == 1
    return
      "\(items.count) of the \(total) \(what) in \(labels) \(one ? verb.one : verb.many) of \(folder) (\(span(timestamps, summary))) and \(one ? "counts" : "count") for nothing: \(items.prefix(listing).joined(separator: ", "))\(items.count > listing ? ", …" : "")"
  }

  /// `first – last` of `times`, as the run prints its rows' times.
  static func span(_ times: [Timestamp], _ summary: RunSummary) -> String {
    guard let first = times.min(), let last = times.max() else { return "none" }
    let withTime = times.contains { $0 % 86_400 != 0 }
    return "\(shown(first, summary, withTime: withTime)) – \(shown(last, summary, withTime: withTime))"
  }

  /// `t` as the run prints its rows' times: a row number, a date, or a date and time.
  static func shown(_ t: Timestamp, _ summary: RunSummary, withTime: Bool? = nil) -> String {
    summary.isIndexed ? "row \(t + 1)" : withTime.map { CivilTime.format(t, withTime: $0) } ?? CivilTime.format(t)
  }

  static func requireTimeAxis(_ summary: RunSummary, of folder: String, labels: String) throws {
    guard !summary.isIndexed else {
      throw SeismoError.invalidInput(
        "\(folder) was read with time_column: none, so its rows have numbers, not timestamps, and the labels in \(labels) cannot be matched; give a --label-column CSV with one row per input row"
      )
    }
  }

  /// The windows key that `origin` (a path) ends with, e.g. realKnownCause/nyc_taxi.csv.
  static func key(for origin: String, in json: [String: [[String]]], labels: String) throws -> String {
    let matches = json.keys.filter { origin.hasSuffix("/" + $0) || origin == $0 }
    guard let key = matches.max(by: { $0.count < $1.count }) else {
      throw SeismoError.file(
        path: labels, message: "no windows key matches the run's source \(origin); name one with --windows-key")
    }
    return key
  }

  /// Whether row `i` is judged in `part`: scored, and in the test part unless `part` is all.
  func judges(_ i: Int, in part: EvaluateCommand.Part) -> Bool { scores[i] != nil && (part == .all || i >= trainRows) }

  /// A warning when labelled rows of the run are not judged in `part` (training rows in the test
  /// part, rows before the first score), so count for nothing; nil when every one is judged.
  func unjudged(part: EvaluateCommand.Part) -> String? {
    let outside = labelled.indices.filter { labelled[$0] && !judges($0, in: part) }
    guard !outside.isEmpty else { return nil }
    let unscored = outside.filter { scores[$0] == nil }.count
    let training = outside.count - unscored
    let whole = training == outside.count || unscored == outside.count
    let reasons = [
      training > 0 ? "\(whole ? "" : "\(training) ")in the training part, which --part all judges" : nil,
      unscored > 0 ? "\(whole ? "" : "\(unscored) ")before the first score" : nil,
    ].compactMap { $0 }
    let names = outside.prefix(5).map { Self.shown(timestamps[$0], summary) }
    return
      "\(outside.count) of the \(labelled.filter { $0 }.count) labelled rows of \(folder) \(outside.count == 1 ? "counts" : "count") for nothing (\(reasons.joined(separator: "; "))): \(names.joined(separator: ", "))\(outside.count > 5 ? ", …" : "")"
  }

  /// Point-wise, point-adjusted and event scores over the scored rows of `part`, and NAB scores.
  func report(part: EvaluateCommand.Part, nab: Bool) throws -> EvaluationReport {
    let judged = scores.indices.filter { judges($0, in: part) }
    guard !judged.isEmpty else { throw SeismoError.invalidInput("\(folder) has no scored rows in the \(part.rawValue) part") }
    let judgedFlags = judged.map { flags[$0] }
    let judgedLabels = judged.map { labelled[$0] }
    let detected = rule.events(judgedFlags, clearsMargin: judged.map { clearsMargin($0) }).map { $0.start...$0.end }
    return EvaluationReport(
      part: part.rawValue, rows: Evaluation(flags: judgedFlags, labels: judgedLabels),
      events: EventMetrics(detected: detected, labelled: EventMetrics.segments(judgedLabels), rows: judged.count),
      nab: nab ? NABScore.Profile.all.map { self.nab($0) } : nil)
  }

  /// The NAB score of the run's alerts (or, with `cutoff`, of the rows scoring above it, grouped
  /// by the run's events rule) over all rows.
  func nab(_ profile: NABScore.Profile, cutoff: Float? = nil) -> NABScore {
    var detections = alerts
    if let cutoff {
      detections = [Bool](repeating: false, count: scores.count)
      let values = scores.map { $0 ?? -.infinity }
      for event in rule.events(scores: values, cutoffs: [Float](repeating: cutoff, count: values.count)) {
        detections[event.alert] = true
      }
    }
    return NABScore(detections: detections, windows: EventMetrics.segments(labelled), profile: profile)
  }
}
