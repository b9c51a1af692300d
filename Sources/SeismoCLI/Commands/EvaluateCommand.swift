import ArgumentParser
import Foundation
import SeismoCore
import SeismoPostgres

/// `seismo evaluate RUN_DIR... --labels FILE`: how well runs' flags match known anomalies.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Point-wise, point-adjusted and event-level scores of runs' flags against labels; NAB scores.",
    discussion: """
      Labels come in three shapes:
        --labels weeks.csv --label-column y  a CSV: time column, 0/1 column
                                             (or True/False; empty: unlabelled)
        --labels windows.json                NAB-style JSON {KEY: [[start, end]]};
                                             KEY is the one the run's source
                                             path ends with, or --windows-key
        --labels dates.txt                   anomalous timestamps, one a line
                                             (# starts a comment)
      A CSV or a list of times written otherwise than ISO dates and commas is
      read with --time-format (%d/%m/%Y, say) and --delimiter (';').

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
      An ensemble's run is judged whole, then each member alone (its own scores
      and cut-offs, its flags grouped by the run's events rule).
      Writes RUN_DIR/evaluation.json for each run folder. A run stored in \
      PostgreSQL (--run RUN_ID --url URL) is judged by its latest threshold \
      version, so a `seismo rethreshold` can be measured without retraining.

      A run read with time_column: none has row numbers, not timestamps:
      evaluate it with a --label-column CSV read the same way (one row per
      input row, no time column).

      Examples:
        seismo evaluate runs/weekly --labels market_weekly_4_labeled.csv \\
          --label-column y
        seismo evaluate runs/nab/* --nab \\
          --labels ../shared/data/nab/labels/combined_windows.json
        seismo evaluate --run 20261124-101500-ab12 --url "$URL" \\
          --labels market_weekly_4_labeled.csv --label-column y
      """)

  @Argument(help: ArgumentHelp("Run folders written by detect or score.", valueName: "run-dir"))
  var folders: [String] = []

  @Option(
    name: .customLong("run"),
    help: ArgumentHelp(
      "A run stored in PostgreSQL, judged by its latest threshold version (repeatable; with --url).", valueName: "run-id"))
  var runIDs: [String] = []

  @OptionGroup var connection: ConnectionOptions

  @Option(help: "The labels file.")
  var labels: String

  @Option(help: "Label column of a CSV labels file: 1 or True anomalous, 0 or False normal, empty unlabelled.")
  var labelColumn: String?

  @OptionGroup var format: CSVFormatOptions

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
    guard !folders.isEmpty || !runIDs.isEmpty else {
      throw ValidationError("give run folders, or stored runs with --run RUN_ID --url URL")
    }
    guard windowsKey == nil || folders.count + runIDs.count == 1 else {
      throw ValidationError("--windows-key names one series; with several runs, each run's key is found from its source path")
    }
  }

  func run() throws {
    try reportingErrors {
      let labelSet = try LabelSet(path: labels, column: labelColumn, windowsKey: windowsKey, format: format)
      if case .timestamps(let marked) = labelSet.shape, marked.isEmpty {
        Console.err("warning: \(labels) lists no labelled times, so every flag counts as a false alarm")
      }
      var evaluated: [LabelledRun] = []
      var eventScores: [EventMetrics] = []
      // Each run's members judged alone, with their reports, for the corpus of each member.
      var membersAlone: [[(name: String, run: LabelledRun, report: EvaluationReport)]] = []
      var runs = try folders.map { try LabelledRun(folder: $0, labels: labelSet, windowsKey: windowsKey) }
      if !runIDs.isEmpty {
        let db = try SchemaMigrator.connection(connection.url)
        runs += try runIDs.map { try LabelledRun(stored: $0, on: db, labels: labelSet, windowsKey: windowsKey) }
      }
      for (k, run) in runs.enumerated() {
        if let unmatched = run.unmatched { Console.err("warning: \(unmatched)") }
        if let unknown = run.unknownAlerts { Console.err("warning: \(unknown)") }
        var report = try run.report(part: part, nab: nab)
        let members = try run.members.map { name, member in
          var alone = try member.report(part: part, nab: nab)
          alone.member = name
          return (name, member, alone)
        }
        if !members.isEmpty { report.members = members.map(\.2) }
        membersAlone.append(members)
        eventScores.append(report.events)
        if k < folders.count {
          let encoder = JSONEncoder()
          encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
          try write(encoder.encode(report), to: "\(folders[k])/evaluation.json")
        }
        let version = run.thresholdVersion > 1 ? ", threshold version \(run.thresholdVersion)" : ""
        if runs.count > 1 || !version.isEmpty { Console.out("\(run.name) (\(run.key ?? labels)\(version)):") }
        for line in Self.lines(report, part: part.rawValue) {
          Console.out(runs.count > 1 || !version.isEmpty ? "  " + line : line)
        }
        evaluated.append(run)
      }
      if evaluated.count > 1 {
        Console.out("corpus of \(evaluated.count) runs: " + Self.corpusLine(eventScores))
        if nab { Console.out("corpus of \(evaluated.count) runs: " + Self.nabLine(Self.nabTotals(evaluated))) }
        // Runs of one ensemble (the same members): each member's corpus, judged alone.
        let names = membersAlone.first?.map(\.name) ?? []
        if !names.isEmpty, membersAlone.allSatisfy({ $0.map(\.name) == names }) {
          for (k, name) in names.enumerated() {
            let alone = "corpus of \(evaluated.count) runs, member \(k + 1), \(name) alone: "
            Console.out(alone + Self.corpusLine(membersAlone.map { $0[k].report.events }))
            if nab { Console.out(alone + Self.nabLine(Self.nabTotals(membersAlone.map { $0[k].run }))) }
          }
        }
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
      "\(e.rows) scored rows (\(part)); \(e.labelledRows) labelled row\(e.labelledRows == 1 ? "" : "s") in \(e.events) event\(e.events == 1 ? "" : "s"), \(e.eventsDetected) of them flagged"
        + (report.labelledRowsNotJudged == 0
          ? ""
          : "; \(report.labelledRowsNotJudged) more labelled row\(report.labelledRowsNotJudged == 1 ? " is" : "s are") not among the scored rows\(part == "test" ? " (--part all judges the training part's)" : "")"),
      row("point-wise    ", e.pointwise),
      row("point-adjusted", e.pointAdjusted),
      row("events        ", report.events.scores)
        + String(format: "; %.2f false alarms per 1,000 rows", report.events.falseAlarmsPerThousandRows),
    ]
    if let nab = report.nab { lines.append(nabLine(nab)) }
    for (k, member) in (report.members ?? []).enumerated() {
      lines.append("member \(k + 1), \(member.member ?? "") alone:")
      lines += Self.lines(member, part: part).dropFirst().map { "  " + $0 }
    }
    return lines
  }

  /// Event scores of several runs: pooled, and the mean of each run's F1.
  static func corpusLine(_ events: [EventMetrics]) -> String {
    let pooled = Evaluation.Metrics(
      truePositives: events.map(\.scores.truePositives).reduce(0, +),
      falsePositives: events.map(\.scores.falsePositives).reduce(0, +),
      falseNegatives: events.map(\.scores.falseNegatives).reduce(0, +))
    let mean = events.map(\.scores.f1).reduce(0, +) / Double(events.count)
    return String(
      format: "events F1 %.3f pooled (TP %d, FP %d, FN %d), %.3f mean over runs", pooled.f1, pooled.truePositives,
      pooled.falsePositives, pooled.falseNegatives, mean)
  }

  /// The corpus NAB scores of `runs`' alerts, each profile's.
  static func nabTotals(_ runs: [LabelledRun]) -> [NABScore] {
    NABScore.Profile.all.map { profile in NABScore.total(runs.map { $0.nab(profile) }) }
  }

  static func nabLine(_ scores: [NABScore]) -> String {
    let standard = scores.first { $0.profile == NABScore.Profile.standard.name }
    let parts = scores.map { String(format: "%@ %.1f", $0.profile, $0.normalized) }.joined(separator: ", ")
    return "NAB " + parts
      + (standard.map { " (\($0.detectedWindows) of \($0.windows) windows detected, \($0.falsePositives) false alerts)" }
        ?? "")
  }
}
