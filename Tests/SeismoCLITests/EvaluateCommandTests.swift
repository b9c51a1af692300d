import Foundation
import Testing

@testable import SeismoCore

@Suite struct EvaluateCommandTests {
  /// A scratch folder with run folder `r`: 400 synthetic days whose only flags are the `spikes`
  /// (a rolling z-score cut at 6); rows from 240 on are the test part.
  func spikedRun(spikes: [Int]) throws -> Scratch {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: spikes))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      """)
    let run = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    try #require(run.status == 0, "\(run.stderr)")
    return scratch
  }

  /// Labels written as a spreadsheet writes them (`;` between fields, days first) are read with
  /// `--delimiter` and `--time-format`, and judge as the same labels in ISO; without them, the
  /// error suggests these options.
  @Test func labelsWrittenOtherwiseAreReadWithTheirFormat() throws {
    let scratch = try spikedRun(spikes: [250, 320])
    let days = [250, 251, 300]
    func dayFirst(_ day: Int) -> String { date(18_262 + day).split(separator: "-").reversed().joined(separator: "/") }
    try scratch.write("iso.csv", "date,y\n" + days.map { "\(date(18_262 + $0)),1" }.joined(separator: "\n") + "\n")
    try scratch.write("eu.csv", "date;y\n" + days.map { "\(dayFirst($0));1" }.joined(separator: "\n") + "\n")
    try scratch.write("eu.txt", days.map(dayFirst).joined(separator: "\n") + "\n")
    let iso = try CLI.run(["evaluate", "r", "--labels", "iso.csv", "--label-column", "y"], in: scratch.url)
    #expect(iso.status == 0 && iso.stdout.contains("(TP 1, FP 1, FN 2)"), "\(iso.stdout) \(iso.stderr)")
    let format = ["--delimiter", ";", "--time-format", "%d/%m/%Y"]
    let eu = try CLI.run(["evaluate", "r", "--labels", "eu.csv", "--label-column", "y"] + format, in: scratch.url)
    #expect(eu.status == 0 && eu.stdout == iso.stdout, "\(eu.stdout) \(eu.stderr)")
    let listed = try CLI.run(["evaluate", "r", "--labels", "eu.txt", "--time-format", "%d/%m/%Y"], in: scratch.url)
    #expect(listed.status == 0 && listed.stdout == iso.stdout, "\(listed.stdout) \(listed.stderr)")
    let semicolons = try CLI.run(["evaluate", "r", "--labels", "eu.csv", "--label-column", "y"], in: scratch.url)
    #expect(semicolons.status == 1 && semicolons.stderr.contains("set --delimiter ';'"), "\(semicolons.stderr)")
    let daysFirst = try CLI.run(
      ["evaluate", "r", "--labels", "eu.csv", "--label-column", "y", "--delimiter", ";"], in: scratch.url)
    #expect(daysFirst.status == 1 && daysFirst.stderr.contains("(set --time-format '%d/%m/%Y'"), "\(daysFirst.stderr)")
    let list = try CLI.run(["evaluate", "r", "--labels", "eu.txt"], in: scratch.url)
    #expect(list.status == 1 && list.stderr.contains("(set --time-format '%d/%m/%Y'"), "\(list.stderr)")
    let fields = try CLI.run(["evaluate", "r", "--labels", "eu.txt", "--delimiter", ";"], in: scratch.url)
    #expect(
      fields.status == 1
        && fields.stderr
          == "error: eu.txt: is read as a list of times, one a line, without fields: drop --delimiter (or name its 0/1 column with --label-column)\n",
      "\(fields.stderr)")
  }

  /// A run that trained on every row has no test part to judge: the error says `--part all`
  /// judges its in-sample flags, and that does.
  @Test func aRunWithoutATestPartIsJudgedWithPartAll() throws {
    let scratch = try spikedRun(spikes: [100])
    let run = try CLI.run(
      ["detect", "run.yaml", "--out", "whole", "--quiet", "--set", "split.train_until=2099-01-01"], in: scratch.url)
    try #require(run.status == 0, "\(run.stderr)")
    try scratch.write("dates.txt", date(18_262 + 100) + "\n")
    let test = try CLI.run(["evaluate", "whole", "--labels", "dates.txt"], in: scratch.url)
    #expect(
      test.status == 1
        && test.stderr
          == "error: whole has no scored rows in the test part; --part all judges its training rows' flags (in sample)\n",
      "\(test.stderr)")
    let all = try CLI.run(["evaluate", "whole", "--labels", "dates.txt", "--part", "all"], in: scratch.url)
    #expect(all.status == 0 && all.stdout.contains("(TP 1, FP 0, FN 0)"), "\(all.stdout) \(all.stderr)")
  }

  @Test func pointwiseAndPointAdjustedAgainstAHandCount() throws {
    // Spikes at rows 100, 250, 320 are the only flags (fixed threshold 6); rows ≥ 240 are test.
    let scratch = try spikedRun(spikes: [100, 250, 320])
    // Labels: one event of two days (250, 251) and one of a day (300), plus a training day (100).
    try scratch.write(
      "labels.txt", "timestamp\n" + [100, 250, 251, 300].map { date(18_262 + $0) }.joined(separator: "\n") + "\n")
    let result = try CLI.run(["evaluate", "r", "--labels", "labels.txt"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    // Test part: flags 250, 320. Point-wise TP 1, FP 1, FN 2; adjusted: event 250–251 found → TP 2, FP 1, FN 1.
    // The training day is not judged in the test part, and the headline says so.
    #expect(
      result.stdout.hasPrefix(
        "160 scored rows (test); 3 labelled rows in 2 events, 1 of them flagged; 1 more labelled row is not among the scored rows (--part all judges the training part's)\n"
      ), "\(result.stdout)")
    #expect(result.stdout.contains("point-wise      precision 0.500  recall 0.333  F1 0.400  (TP 1, FP 1, FN 2)"))
    #expect(result.stdout.contains("point-adjusted  precision 0.667  recall 0.667  F1 0.667  (TP 2, FP 1, FN 1)"))
    let json = try JSONSerialization.jsonObject(with: Data(try scratch.read("r/evaluation.json").utf8)) as! [String: Any]
    let judged = json["rows_judged"] as! [String: Any]
    #expect((judged["point_adjusted"] as! [String: Any])["true_positives"] as? Int == 2)
    // Events: flags 250 and 320 are two events; 250 overlaps the labelled 250–251, 320 overlaps
    // nothing, the labelled 300 is missed: TP 1, FP 1, FN 1 over 160 rows.
    #expect(
      result.stdout.contains(
        "events          precision 0.500  recall 0.500  F1 0.500  (TP 1, FP 1, FN 1); 6.25 false alarms per 1,000 rows"),
      "\(result.stdout)")

    // A 0/1 label column works the same way, and --part all includes the training flag at 100.
    let rows = (0..<400).map { "\(date(18_262 + $0)),\([100, 250, 251, 300].contains($0) ? 1 : 0)" }
    try scratch.write("labels.csv", "date,y\n" + rows.joined(separator: "\n") + "\n")
    let all = try CLI.run(["evaluate", "r", "--labels", "labels.csv", "--label-column", "y", "--part", "all"], in: scratch.url)
    #expect(all.stdout.contains("point-wise      precision 0.667  recall 0.500  F1 0.571  (TP 2, FP 1, FN 2)"), "\(all.stdout)")

    // Labels of another period: a label column none of whose rows is a row of the run is
    // refused; a list of dates none of which is one is warned about.
    let later = (0..<10).map { "\(date(18_262 + 1_000 + $0)),\($0 == 3 ? 1 : 0)" }
    try scratch.write("later.csv", "date,y\n" + later.joined(separator: "\n") + "\n")
    let elsewhere = try CLI.run(["evaluate", "r", "--labels", "later.csv", "--label-column", "y"], in: scratch.url)
    #expect(
      elsewhere.status == 1
        && elsewhere.stderr.hasPrefix(
          "error: none of the 10 label rows of later.csv (2022-09-27 – 2022-10-06) is a row of r (2020-01-01 – 2021-02-03)"),
      "\(elsewhere.stderr)")
    try scratch.write("later.txt", "timestamp\n\(date(18_262 + 1_003))\n")
    let dates = try CLI.run(["evaluate", "r", "--labels", "later.txt"], in: scratch.url)
    #expect(dates.status == 0 && dates.stderr.hasPrefix("warning: none of the 1 labelled times in later.txt"), "\(dates.stderr)")
    #expect(result.stderr.isEmpty && all.stderr.isEmpty, "labels that match warn of nothing")
    // A row before the first score is not judged even with --part all.
    try scratch.write("early.txt", [5, 100, 250].map { date(18_262 + $0) }.joined(separator: "\n") + "\n")
    let early = try CLI.run(["evaluate", "r", "--labels", "early.txt", "--part", "all"], in: scratch.url)
    #expect(
      early.stdout.hasPrefix(
        "380 scored rows (all); 2 labelled rows in 2 events, 2 of them flagged; 1 more labelled row is not among the scored rows\n"
      ), "\(early.stdout)")
    try scratch.write("none.txt", "# no anomaly in this period\n")
    let none = try CLI.run(["evaluate", "r", "--labels", "none.txt"], in: scratch.url)
    #expect(
      none.status == 0
        && none.stderr == "warning: none.txt lists no labelled times, so every flag counts as a false alarm\n"
        && none.stdout.contains("0 labelled rows in 0 events, 0 of them flagged"), "\(none.stderr)\(none.stdout)")

    // Labels that miss alone are named: they can count neither as found nor as missed. A `#`
    // starts a comment.
    try scratch.write(
      "some.txt",
      "timestamp  # the header\n# a comment line\n\(date(18_262 + 250))\n\(date(18_262 + 300)) # a miss\n2021-02-03T12:00:00\n\(date(18_262 + 1_003))\n"
    )
    let some = try CLI.run(["evaluate", "r", "--labels", "some.txt"], in: scratch.url)
    #expect(some.status == 0, "\(some.stderr)")
    #expect(
      some.stderr
        == "warning: 2 of the 4 labelled times in some.txt are not rows of r (2020-01-01 – 2021-02-03) and count for nothing: 2021-02-03 12:00:00, 2022-09-30\n"
    )
    #expect(some.stdout.contains("(TP 1, FP 1, FN 1)"), "rows 250 and 300 are judged: \(some.stdout)")
    let partly = rows + ["\(date(18_262 + 1_003)),1", "\(date(18_262 + 1_004)),0"]
    try scratch.write("partly.csv", "date,y\n" + partly.joined(separator: "\n") + "\n")
    let column = try CLI.run(["evaluate", "r", "--labels", "partly.csv", "--label-column", "y"], in: scratch.url)
    #expect(
      column.status == 0
        && column.stderr
          == "warning: 1 of the 5 anomalous label rows in partly.csv is not a row of r (2020-01-01 – 2021-02-03) and counts for nothing: 2022-09-30\n",
      "\(column.stderr)")

    let folder = try CLI.run(["evaluate", "r", "--labels", "r"], in: scratch.url)
    #expect(folder.status == 1 && folder.stderr == "error: r: is a folder; give a file of labels\n", "\(folder.stderr)")

    let bad = try CLI.run(["evaluate", "r", "--labels", "labels.csv", "--label-column", "z"], in: scratch.url)
    #expect(bad.status == 1)
    #expect(bad.stderr.hasPrefix("error: labels.csv:1: unknown column 'z'"))

    // The same CSV without --label-column is read as a list of dates; its columns are named.
    let unnamed = try CLI.run(["evaluate", "r", "--labels", "labels.csv"], in: scratch.url)
    #expect(unnamed.status == 1)
    #expect(
      unnamed.stderr
        == "error: labels.csv:1: 'date,y' has several columns; for a CSV of labels, name its 0/1 column with --label-column\n")
  }

  /// A label column holds 0 and 1, or pandas' True and False; any other value (a column of
  /// scores or prices named by mistake) is refused at its line instead of labelling the row.
  @Test func aLabelColumnHoldsZerosAndOnesOrBooleans() throws {
    let scratch = try spikedRun(spikes: [250, 320])
    func labels(_ cell: (Int) -> String) -> String {
      "date,y\n" + (240..<400).map { "\(date(18_262 + $0)),\(cell($0))" }.joined(separator: "\n") + "\n"
    }
    // Rows 250 and 300 labelled: the flag at 250 is found, 300 missed, 320 a false alarm.
    let expected = "point-wise      precision 0.500  recall 0.500  F1 0.500  (TP 1, FP 1, FN 1)"
    for (name, yes, no) in [("ones", "1", "0"), ("pandas", "True", "False"), ("spreadsheet", "TRUE", "FALSE")] {
      try scratch.write("\(name).csv", labels { [250, 300].contains($0) ? yes : no })
      let result = try CLI.run(["evaluate", "r", "--labels", "\(name).csv", "--label-column", "y"], in: scratch.url)
      #expect(result.status == 0 && result.stdout.contains(expected), "\(name): \(result.stderr)\(result.stdout)")
    }
    // An empty cell labels nothing; the rows around it are judged as before.
    try scratch.write("holes.csv", labels { [250, 300].contains($0) ? "1" : $0 == 260 ? "" : "0" })
    let holes = try CLI.run(["evaluate", "r", "--labels", "holes.csv", "--label-column", "y"], in: scratch.url)
    #expect(holes.status == 0 && holes.stdout.contains(expected), "\(holes.stderr)\(holes.stdout)")

    // Row 245 (line 7) holds a probability, a count, a word: each is refused at its line.
    for (cell, message) in [
      ("0.5", "0.5 is not a label; a label column holds 1 (anomalous) or 0 (normal), or True and False"),
      ("2", "2 is not a label; a label column holds 1 (anomalous) or 0 (normal), or True and False"),
      ("yes", "'yes' is not a number"),
    ] {
      try scratch.write("odd.csv", labels { $0 == 245 ? cell : $0 == 250 ? "1" : "0" })
      let odd = try CLI.run(["evaluate", "r", "--labels", "odd.csv", "--label-column", "y"], in: scratch.url)
      #expect(odd.status == 1 && odd.stdout.isEmpty, "\(cell)")
      #expect(odd.stderr.hasPrefix("error: odd.csv:7 (column ") && odd.stderr.contains(message), "\(odd.stderr)")
    }
    try scratch.write("blank.csv", labels { _ in "" })
    let blank = try CLI.run(["evaluate", "r", "--labels", "blank.csv", "--label-column", "y"], in: scratch.url)
    #expect(
      blank.status == 1 && blank.stderr == "error: blank.csv (column 'y'): every cell is empty: no row is labelled\n",
      "\(blank.stderr)")
  }

  /// An ensemble's run is judged whole and each member alone: by its own scores and cut-offs,
  /// its flags grouped by the run's events rule, as the member's own run is judged; in a run
  /// folder and stored in PostgreSQL alike. With `min_margin`, a member alone clears by its own
  /// cut-off, as its own run does, not by the ensemble's margins (at 5, the fixed member's event
  /// that peaks at a score of 34 is dropped: 6 + 5·6 = 36).
  @Test(arguments: ["", "events: { min_margin: 5 }\n"])
  func anEnsembleIsJudgedWholeAndEachMemberAlone(events: String) throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [250, 300, 320]))
    let head = "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.6 }\n" + events
    let members = [
      "detector: { plugin: rolling-zscore, window: 20 }\nthreshold: { plugin: fixed, value: 6 }\n",
      "detector: { plugin: rolling-zscore, window: 40, transform: diff }\nthreshold: { plugin: dynamic, window: 40, min_history: 10, refresh: 10 }\n",
    ]
    let second = members[1].split(separator: "\n").map { $0.replacingOccurrences(of: "detector:", with: "- detector:") }
    try scratch.write("one.yaml", head + members[0])
    try scratch.write("two.yaml", head + members[1])
    try scratch.write("both.yaml", head + members[0] + "ensemble:\n  " + second[0] + "\n    " + second[1] + "\n")
    try scratch.write("labels.txt", "\(date(18_262 + 300))\n\(date(18_262 + 330))\n")
    var reports: [String: [String: Any]] = [:]
    for name in ["one", "two", "both"] {
      let detect = try CLI.run(["detect", "\(name).yaml", "--out", name, "--quiet"], in: scratch.url)
      try #require(detect.status == 0, "\(detect.stderr)")
      let judged = try CLI.run(["evaluate", name, "--labels", "labels.txt", "--nab"], in: scratch.url)
      try #require(judged.status == 0, "\(judged.stderr)")
      if name == "both" {
        #expect(judged.stdout.contains("member 1, rolling-zscore × fixed alone:\n  point-wise "), "\(judged.stdout)")
        #expect(judged.stdout.contains("member 2, rolling-zscore × dynamic alone:\n"), "\(judged.stdout)")
      } else {
        #expect(!judged.stdout.contains("member"))
      }
      reports[name] =
        try JSONSerialization.jsonObject(with: Data(try scratch.read("\(name)/evaluation.json").utf8)) as? [String: Any]
    }
    let alone = try #require(reports["both"]?["members"] as? [[String: Any]])
    #expect(alone.map { $0["member"] as? String } == ["rolling-zscore × fixed", "rolling-zscore × dynamic"])
    for (k, name) in ["one", "two"].enumerated() {
      for key in ["rows_judged", "events", "nab"] {
        let (member, own) = (alone[k][key] as? NSObject, reports[name]?[key] as? NSObject)
        #expect(
          member != nil && member == own,
          "member \(k + 1)'s \(key): \(String(describing: member)) against \(String(describing: own))")
      }
    }
    #expect(
      (reports["one"]?["events"] as? NSObject) != (reports["two"]?["events"] as? NSObject), "the members judge apart")
    // Over several runs of one ensemble, each member's corpus is its own runs' corpus.
    func corpus(_ folders: [String]) throws -> [Substring] {
      let judged = try CLI.run(["evaluate"] + folders + ["--labels", "labels.txt", "--nab"], in: scratch.url)
      try #require(judged.status == 0, "\(judged.stderr)")
      return judged.stdout.split(separator: "\n").filter { $0.hasPrefix("corpus of 2 runs") }
    }
    let whole = try corpus(["both", "both"])
    for (k, name) in [(1, "one"), (2, "two")] {
      let own = try corpus([name, name]).map { $0.dropFirst("corpus of 2 runs: ".count) }
      let member = whole.filter { $0.hasPrefix("corpus of 2 runs, member \(k), ") }.map { $0.split(separator: " alone: ")[1] }
      #expect(own.count == 2 && member == own, "member \(k): \(member) against \(own)")
    }
  }

  @Test func nabScoresAndSweepOverSeveralRuns() throws {
    let scratch = try Scratch()
    // Two series of 400 days, each with one spike; NAB-style windows around the spikes.
    try scratch.write("a/series.csv", syntheticCSV(rows: 400, spikes: [300]))
    try scratch.write("b/series.csv", syntheticCSV(rows: 400, spikes: [200, 350]))
    for name in ["a", "b"] {
      try scratch.write(
        "\(name).yaml",
        """
        source: { plugin: csv, path: \(name)/series.csv }
        split: { train_fraction: 0.15 }
        detector: { plugin: rolling-zscore, window: 20 }
        threshold: { plugin: fixed, value: 6 }
        """)
      #expect(try CLI.run(["detect", "\(name).yaml", "--out", "runs/\(name)", "--quiet"], in: scratch.url).status == 0)
    }
    func window(_ a: Int, _ b: Int) -> String { "[\"\(date(18_262 + a)) 00:00:00\", \"\(date(18_262 + b)) 00:00:00\"]" }
    // Series b's second window (360–370) holds no flag: one miss; its spike at 350 lies after
    // no window closer than 3 widths: a false alert costing 0.11.
    try scratch.write(
      "windows.json", "{\"a/series.csv\": [\(window(295, 305))], \"b/series.csv\": [\(window(195, 205)), \(window(360, 370))]}")
    let result = try CLI.run(
      ["evaluate", "runs/a", "runs/b", "--labels", "windows.json", "--nab", "--sweep"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    // Each found spike is a detection at relative position −(305 − 300 + 1)/11 in its window.
    let found = NABScore.scaledSigmoid(-6.0 / 11) / NABScore.scaledSigmoid(-1)
    let expected = 100 * (2 * found - 1 - 0.11 + 3) / 6
    #expect(result.stdout.contains(String(format: "corpus of 2 runs: NAB standard %.1f", expected)), "\(result.stdout)")
    #expect(result.stdout.contains("runs/b (b/series.csv):"))
    #expect(result.stdout.contains("sweep: best fixed cut-off"))
    #expect(result.stderr.isEmpty, "windows that cover rows warn of nothing: \(result.stderr)")

    // A window that covers no row (here, after the last) is named: it cannot count as missed.
    try scratch.write("late.json", "{\"a/series.csv\": [\(window(295, 305)), \(window(500, 510))]}")
    let late = try CLI.run(["evaluate", "runs/a", "--labels", "late.json"], in: scratch.url)
    #expect(
      late.status == 0
        && late.stderr
          == "warning: 1 of the 2 windows of 'a/series.csv' in late.json covers no row of runs/a (2020-01-01 – 2021-02-03) and counts for nothing: [\(date(18_262 + 500)), \(date(18_262 + 510))]\n",
      "\(late.stderr)")

    // An option the labels' kind has no use for is refused, not ignored.
    try scratch.write("times.txt", "\(date(18_262 + 300))\n")
    for (labels, option, expected) in [
      (
        "windows.json", ["--label-column", "y"],
        "windows.json: is a JSON file of label windows, with ISO times and no columns: drop --label-column"
      ),
      (
        "windows.json", ["--time-format", "%d/%m/%Y"],
        "windows.json: is a JSON file of label windows, with ISO times and no columns: drop --time-format"
      ),
      (
        "times.txt", ["--windows-key", "a/series.csv"],
        "times.txt: is not a JSON file of label windows, so --windows-key has no key to name: drop it"
      ),
    ] {
      let refused = try CLI.run(["evaluate", "runs/a", "--labels", labels] + option, in: scratch.url)
      #expect(refused.status == 1 && refused.stderr == "error: \(expected)\n", "\(refused.stderr)")
    }

    // A run without a time axis cannot match windows by timestamp, and says why.
    try scratch.write(
      "c.yaml",
      "source: { plugin: csv, path: a/series.csv, time_column: none, columns: [a, b] }\ndetector: { plugin: rolling-zscore }\n")
    #expect(try CLI.run(["detect", "c.yaml", "--out", "runs/c", "--quiet"], in: scratch.url).status == 0)
    #expect(try scratch.read("runs/c/summary.json").contains("\"time_axis\" : \"index\""))
    #expect(try scratch.read("runs/b/summary.json").contains("\"time_axis\" : \"calendar\""))
    #expect(try CLI.run(["report", "runs/c"], in: scratch.url).status == 0, "the report reads the recorded axis")
    let indexed = try CLI.run(
      ["evaluate", "runs/c", "--labels", "windows.json", "--windows-key", "a/series.csv"], in: scratch.url)
    #expect(indexed.status == 1)
    #expect(indexed.stderr.contains("time_column: none"), "\(indexed.stderr)")
  }
}
