import Foundation
import RandomSeries
import Testing

@testable import CSVSource
@testable import PostgresSource
@testable import SeismoCore

/// The postgres source against the csv source, over random series no one wrote by hand.
extension PostgresTests {
  /// A random series stored as a long table and as a wide one loads as its long and wide CSV
  /// files load: the same rows and values, gaps filled or dropped alike, a day a symbol repeats
  /// merged alike; and each table's stream gives its load's rows.
  @Test(arguments: 0..<40)
  func tablesLoadAsTheirFilesDo(seed: Int) throws {
    // Stored rows of one time have no order, so `first` and `last` are left to the files.
    let series = RandomSeries(seed: UInt64(seed), valueColumns: 1, duplicates: ["error", "mean"])
    let scratch = try Scratch()
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).long (ts date, symbol text, value float8)")
    let stored: [[String?]] = series.symbols.indices.flatMap { s in
      series.rows[s].map { [RandomSeries.date($0.day), series.symbols[s], $0.cells[0].isEmpty ? nil : $0.cells[0]] }
    }
    for row in stored { try sql("INSERT INTO \(schema).long VALUES ($1::date, $2, $3::float8)", row) }
    let policies: [String: ParameterValue] = ["gaps": .text(series.gaps), "duplicates": .text(series.duplicates)]
    func csv(_ name: String, _ text: String, _ extra: [String: ParameterValue]) throws -> CSVSource {
      let values = policies.merging(extra) { $1 }.merging(["path": .text(try scratch.write(name, text))]) { $1 }
      return try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values))
    }
    let symbols: [String: ParameterValue] = ["symbols": .textList(series.symbols)]
    var pairs: [(name: String, table: () throws -> PostgresSource, file: () throws -> CSVSource)] = [
      (
        "long",
        { try source(policies.merging(symbols) { $1 }.merging(["table": .text("long"), "layout": .text("long")]) { $1 }) },
        {
          try csv(
            "long.csv", series.longFile(shuffled: false, seed: UInt64(seed)),
            symbols.merging(["layout": .text("long"), "symbol_column": .text("Name")]) { $1 })
        }
      )
    ]
    if let wide = series.wideFile {
      let features = series.symbols.indices.flatMap(series.features(of:))
      try sql("CREATE TABLE \(schema).wide (ts date, \(features.map { "\"\($0)\" float8" }.joined(separator: ", ")))")
      for line in wide.split(separator: "\n").dropFirst() {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.isEmpty ? nil : String($0) }
        let placeholders = cells.indices.map { "$\($0 + 1)" + ($0 == 0 ? "::date" : "::float8") }
        try sql("INSERT INTO \(schema).wide VALUES (\(placeholders.joined(separator: ", ")))", cells)
      }
      pairs.append(
        ("wide", { try source(policies.merging(["table": .text("wide")]) { $1 }) }, { try csv("wide.csv", wide, [:]) }))
    }
    for (name, table, file) in pairs {
      let loaded = LoadOutcome.load(table)
      let read = LoadOutcome.load(file)
      #expect(loaded.agrees(with: read), "seed \(seed): \(series)\n\(name) table: \(loaded)\n\(name) file: \(read)")
      guard loaded.failed == nil else { continue }
      for rows in [1, 3, 1_000] {
        let streamed = LoadOutcome(streaming: try table(), rows: rows)
        #expect(streamed == loaded && streamed.largestPiece <= rows, "seed \(seed), \(name) in pieces of \(rows): \(streamed)")
      }
    }
  }

  /// A random series ingested (`seismo ingest --gaps keep`: empty cells stored as NULL) from its
  /// long file into a long table, and from its wide file into a wide one, loads from the tables
  /// as the files load: ingest stores what the csv source reads.
  @Test(arguments: 0..<24)
  func ingestedFilesLoadAsTheFilesDo(seed: Int) throws {
    // A table keeps one row a time (and symbol): days repeated are merged by the files' reader.
    let series = RandomSeries(seed: UInt64(seed) &+ 2_000, valueColumns: 1, duplicates: ["error"])
    let scratch = try Scratch()
    let policies: [String: ParameterValue] = ["gaps": .text(series.gaps), "duplicates": .text(series.duplicates)]
    func csv(_ name: String, _ extra: [String: ParameterValue]) throws -> CSVSource {
      let values = policies.merging(extra) { $1 }.merging(["path": .text(scratch.url.appendingPathComponent(name).path)]) { $1 }
      return try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values))
    }
    try scratch.write("long.csv", series.longFile(shuffled: false, seed: UInt64(seed)))
    let symbols: [String: ParameterValue] = ["symbols": .textList(series.symbols)]
    var pairs: [(name: String, ingest: [String], table: [String: ParameterValue], file: () throws -> CSVSource)] = [
      (
        "long", ["long.csv", "--long", "--symbol-column", "Name", "--table", "l"],
        symbols.merging(["table": .text("l"), "layout": .text("long")]) { $1 },
        { try csv("long.csv", symbols.merging(["layout": .text("long"), "symbol_column": .text("Name")]) { $1 }) }
      )
    ]
    if let wide = series.wideFile {
      try scratch.write("wide.csv", wide)
      pairs.append(("wide", ["wide.csv", "--table", "w"], ["table": .text("w")], { try csv("wide.csv", [:]) }))
    }
    for (name, arguments, table, file) in pairs {
      let ingest = try CLI.run(
        ["ingest"] + arguments + ["--url", url, "--schema", schema, "--create", "--gaps", "keep"], in: scratch.url)
      try #require(ingest.status == 0, "seed \(seed), \(name): \(ingest.stderr)")
      let stored = LoadOutcome.load { try source(policies.merging(table) { $1 }) }
      let read = LoadOutcome.load(file)
      #expect(stored.agrees(with: read), "seed \(seed): \(series)\n\(name) table: \(stored)\n\(name) file: \(read)")
    }
  }

  /// The same tables filled a few days at a time, read after each with `newRows` (as `watch`
  /// and `score --new-rows` read them), give the rows one load of the full table gives: the gap
  /// policy carried from read to read, a late-starting symbol's leading gaps dropped, a day a
  /// symbol repeats merged.
  @Test(arguments: 0..<40)
  func tablesReadAsTheyGrowGiveTheirLoad(seed: Int) throws {
    let series = RandomSeries(seed: UInt64(seed) &+ 1_000, valueColumns: 1, duplicates: ["error", "mean"])
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).long (ts date, symbol text, value float8)")
    try sql("CREATE TABLE \(schema).wide (ts date, \(series.symbols.map { "\"\($0)\" float8" }.joined(separator: ", ")))")
    let days = Set(series.rows.flatMap { $0.map(\.day) }).sorted()
    let policies: [String: ParameterValue] = [
      "gaps": .text(series.gaps), "duplicates": .text(series.duplicates), "wait_for": .textList([]),
    ]
    let readers = [
      try source(
        policies.merging(["table": .text("long"), "layout": .text("long"), "symbols": .textList(series.symbols)]) { $1 }),
      try source(policies.merging(["table": .text("wide")]) { $1 }),
    ]
    var positions = readers.map { _ in PostgresSource.ReadPosition(features: series.symbols) }
    var read = readers.map { _ in LoadOutcome(failure: SeismoError.state("nothing read")) }
    var next = 0
    var random = UInt64(seed)
    while next < days.count {
      random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let batch = days[next..<min(days.count, next + 1 + Int(random >> 61))]  // 1 to 8 days
      next = batch.endIndex
      for day in batch {
        var wide: [String?] = [RandomSeries.date(day)]
        for s in series.symbols.indices {
          let own = series.rows[s].filter { $0.day == day }
          for row in own {
            try sql(
              "INSERT INTO \(schema).long VALUES ($1::date, $2, $3::float8)",
              [RandomSeries.date(day), series.symbols[s], row.cells[0].isEmpty ? nil : row.cells[0]])
          }
          wide.append(own.first.flatMap { $0.cells[0].isEmpty ? nil : $0.cells[0] })
        }
        if series.wideFile != nil {
          let placeholders = wide.indices.map { "$\($0 + 1)" + ($0 == 0 ? "::date" : "::float8") }
          try sql("INSERT INTO \(schema).wide VALUES (\(placeholders.joined(separator: ", ")))", wide)
        }
      }
      for k in readers.indices where k == 0 || series.wideFile != nil {
        do {
          let piece = LoadOutcome(try readers[k].newRows(after: &positions[k]))
          read[k] = read[k].failed == nil ? read[k].adding(piece) : piece
        } catch {
          read[k] = LoadOutcome(failure: error)
        }
      }
    }
    for k in readers.indices where k == 0 || series.wideFile != nil {
      let loaded = LoadOutcome.load { readers[k] }
      // No row left at the end: the load says so; the reads, each after the first, found none.
      let noRows = loaded.failed?.contains("no rows left") == true && read[k].failed == nil && read[k].times.isEmpty
      #expect(
        read[k].agrees(with: loaded) || noRows,
        "seed \(seed): \(series)\n\(k == 0 ? "long" : "wide") read as it grew: \(read[k])\nloaded: \(loaded)")
    }
  }

  /// A random run stored with its model, then given new rows a few at a time by `score
  /// --new-rows`, holds the scores, cut-offs, flags and alerts the same run gives with every row
  /// there from the start (its training rows are the same): the appends resume the threshold
  /// (from its calibration) and the events from the stored scores, and walking forward, fit the
  /// refits due as detect fits its folds. Seed 151 (an ensemble walking forward, its LSTM member
  /// under `likelihood`) found members resumed from the stored scores of their training rows,
  /// which earlier folds' models gave, not the last fold's own.
  @Test(arguments: Array(0..<24) + [151])
  func newRowsAppendWhatTheWholeTableScores(seed: Int) throws {
    var random = SeededGenerator(seed: UInt64(seed) &+ 9_000)
    let scratch = try Scratch()
    try migrate(scratch)
    let rows = Int.random(in: 170...240, using: &random)
    let lines = RandomRunTests.series(rows: rows, &random).split(separator: "\n").map(String.init)
    var start = Int.random(in: 120...150, using: &random)  // rows 0..<start stored first
    // Every fifth from the third begins before the first refit (row 80 + 40, or 25 days), so that
    // detect may fit once, and the first fold's scores come from the model at the first refit.
    if seed % 5 == 2 { start -= 30 }
    try scratch.write("part0.csv", lines[0...start].joined(separator: "\n") + "\n")
    try ingest(scratch, "part0.csv")
    // Walking forward, the model is the last fold's (each member's, for an ensemble, which is
    // scored whole at each call), which new rows extend up to the next refit, and the refits due
    // from there replace (every 40 rows or 25 days from the first test row, 80). A query's new
    // rows cannot be told apart: every third run reads one, scored whole at each call; every
    // fourth is cut by spot, whose cut-off moves with every score. Every sixth from the second
    // is an ensemble walking forward, each member refitted and cut from its fold's training
    // scores on (on a rolling window, after rows before them that no state of the rule matches).
    let table = seed % 3 == 0 ? "query: 'SELECT ts, a, b FROM \(schema).m'" : "schema: \(schema), table: m"
    var drawn = RandomRunTests.config(&random, path: "PATH")
    if seed % 6 == 1, !drawn.contains("refit_every") {
      drawn = drawn.replacingOccurrences(of: "split: { ", with: "split: { refit_every: 40, refit_window: rolling, ")
    }
    if seed % 6 == 1, !drawn.contains("ensemble") {
      drawn =
        drawn.replacingOccurrences(of: "min_margin: 0.2", with: "min_margin: 0")
        + "ensemble: [{ detector: { plugin: rolling-zscore, window: 12, transform: diff }, "
        + "threshold: { plugin: dynamic, window: 40, min_history: 10 } }]"
    }
    let config = drawn.split(separator: "\n").map {
      $0.hasPrefix("source:")
        ? "source: { plugin: postgres, url: \"\(url)\", \(table), gaps: ffill }"
        : seed % 4 == 0 && $0.hasPrefix("threshold:")
          ? "threshold: { plugin: spot, risk: 0.01, initial_quantile: 0.9 }"
          : String($0)
    }.joined(separator: "\n")
    let runID = try storedModelRun(scratch, config)
    // Every other run is given a per-row threshold version before its new rows come (an
    // ensemble's second member re-cut; one detector's rule, dynamic or spot), which each append
    // extends by its rule: it then cuts as the same version made over the grown run.
    let versionRule =
      seed % 2 == 0
      ? nil
      : config.contains("ensemble")
        ? ["ensemble[1].threshold.plugin=dynamic", "ensemble[1].threshold.min_history=10"]
        : seed % 4 == 1
          ? ["threshold.plugin=dynamic", "threshold.min_history=10"]
          : ["threshold.plugin=spot", "threshold.risk=0.02", "threshold.initial_quantile=0.9"]
    let context = "seed \(seed):\n\(config)"
    if let versionRule {
      let early = try CLI.run(["rethreshold", runID, "--url", url] + versionRule.flatMap { ["--set", $0] }, in: scratch.url)
      try #require(early.status == 0, "\(early.stderr): \(context)")
    }
    var batch = 0
    while start < rows {
      let end = min(rows, start + Int.random(in: 1...25, using: &random))
      batch += 1
      try scratch.write("part\(batch).csv", ([lines[0]] + lines[(start + 1)...end]).joined(separator: "\n") + "\n")
      try ingest(scratch, "part\(batch).csv", ["--gaps", "keep"])  // a part's b may not have come yet
      let scored = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--quiet"], in: scratch.url)
      #expect(scored.status == 0, "batch \(batch): \(scored.stderr): \(context)")
      start = end
    }
    if let versionRule {
      let again = try CLI.run(["rethreshold", runID, "--url", url] + versionRule.flatMap { ["--set", $0] }, in: scratch.url)
      try #require(again.status == 0, "\(again.stderr): \(context)")
      let (grown, fresh) = (try storedVersion(runID, 2), try storedVersion(runID, 3))
      #expect(
        grown.cuts == fresh.cuts,
        "version grown by appends: \(zip(grown.cuts, fresh.cuts).filter { $0 != $1 }.prefix(3)): \(context)")
      #expect(grown.events == fresh.events, "version grown by appends: \(grown.events) against \(fresh.events): \(context)")
    }
    // What the run would have said with every row there when it ran: the same training rows.
    let whole = try CLI.run(["detect", "run.yaml", "--no-sinks", "--out", "whole", "--quiet"], in: scratch.url)
    try #require(whole.status == 0, "\(whole.stderr)")
    let stored = try sql(
      """
      SELECT (extract(epoch FROM s.ts) / 86400)::int, s.score::text, s.threshold::text, s.is_anomaly::int, s.alert::int
      FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1 AND s.score IS NOT NULL ORDER BY s.ts
      """, [runID]
    ).map { row in [date(Int(row[0]!)!)] + row.dropFirst().map { $0 ?? "" } }  // no cut-off yet: empty
    let csv = try scratch.read("whole/scores.csv").split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let header = csv[0]
    let columns = ["score", "threshold", "is_anomaly", "alert"].map { header.firstIndex(of: $0)! }
    let expected = csv.dropFirst().filter { !$0[columns[0]].isEmpty }.map { row in [row[0]] + columns.map { row[$0] } }
    // The last rows of a table wait while b has not come (the source's wait_for), where detect
    // carries it; a query's never wait.
    let waiting = seed % 3 == 0 ? 0 : lines[1...rows].reversed().prefix { $0.hasSuffix(",") }.count
    #expect(stored.count == expected.count - waiting, "\(stored.count) stored scores, \(expected.count) whole: \(context)")
    func near(_ a: String, _ b: String) -> Bool {
      guard a != b else { return true }
      guard let x = Float(a), let y = Float(b) else { return false }
      return abs(x - y) <= 1e-5 * max(1, abs(x))
    }
    let differing = zip(stored, expected).filter { a, b in
      a[0] != b[0] || !near(a[1], b[1]) || !near(a[2], b[2]) || a[3] != b[3] || a[4] != b[4]
    }
    #expect(differing.isEmpty, "first differing rows \(differing.prefix(3).map { "\($0.0) against \($0.1)" }): \(context)")
    // An ensemble's every row keeps each member's own score and cut-off, which the next append
    // resumes the members' rules from: those the run stored over the grown table say.
    if config.contains("ensemble") {
      let grown = try CLI.run(["detect", "run.yaml", "--out", "grown", "--quiet"], in: scratch.url)
      try #require(grown.status == 0, "\(grown.stderr)")
      let own = try sql(
        """
        SELECT a.ts::text, a.member_scores::text, a.member_cutoffs::text, b.member_scores::text, b.member_cutoffs::text
        FROM seismo.scores a JOIN seismo.scores b ON b.ts = a.ts
        WHERE a.run = (SELECT id FROM seismo.runs WHERE run_id = $1) AND b.run = (SELECT id FROM seismo.runs WHERE run_id = $2)
        ORDER BY a.ts
        """, [runID, try storedRunID(scratch, "grown")])
      func nearAll(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return false }  // every row has them
        let (x, y) = (a.dropFirst().dropLast().split(separator: ","), b.dropFirst().dropLast().split(separator: ","))
        return x.count == y.count && zip(x, y).allSatisfy { near(String($0), String($1)) }
      }
      let apart = own.filter { !nearAll($0[1], $0[3]) || !nearAll($0[2], $0[4]) }
      #expect(own.count == stored.count && apart.isEmpty, "members' own: \(apart.prefix(3)): \(context)")
      // The run keeps what re-cutting a member needs, each refitted fold's own training scores
      // too: its second member re-cut gives what the grown run's re-cut gives.
      let grownID = try storedRunID(scratch, "grown")
      let rule = ["--set", "ensemble[1].threshold.plugin=dynamic", "--set", "ensemble[1].threshold.min_history=10"]
      let recut = try CLI.run(["rethreshold", runID, "--url", url] + rule, in: scratch.url)
      let recutGrown = try CLI.run(["rethreshold", grownID, "--url", url] + rule, in: scratch.url)
      try #require(recutGrown.status == 0, "\(recutGrown.stderr): \(context)")
      try #require(recut.status == 0, "\(recut.stderr): \(context)")
      let judged = try sql(
        """
        SELECT a.ts::text, a.score::text, coalesce(a.cut::text, ''), a.flagged::text, b.score::text,
               coalesce(b.cut::text, ''), b.flagged::text
        FROM seismo.judged_scores a JOIN seismo.judged_scores b ON b.ts = a.ts
        WHERE a.run = (SELECT id FROM seismo.runs WHERE run_id = $1) AND b.run = (SELECT id FROM seismo.runs WHERE run_id = $2)
        ORDER BY a.ts
        """, [runID, grownID])
      let unlike = judged.filter { !near($0[1] ?? "", $0[4] ?? "") || !near($0[2] ?? "", $0[5] ?? "") || $0[3] != $0[6] }
      #expect(judged.count == stored.count && unlike.isEmpty, "re-cut member: \(unlike.prefix(3)): \(context)")
      return
    }
    // The run keeps what re-cutting it needs: its own rule, re-cut fold by fold over the folds
    // the appends refitted, gives the cut-offs stored (an ensemble's margins no rule re-cuts).
    let rule = try #require(config.split(separator: "\n").first { $0.hasPrefix("threshold:") })
      .dropFirst("threshold: { ".count).dropLast(2).split(separator: ", ").map {
        "threshold." + $0.replacingOccurrences(of: ": ", with: "=")
      }
    let rethreshold = try CLI.run(["rethreshold", runID, "--url", url] + rule.flatMap { ["--set", $0] }, in: scratch.url)
    try #require(rethreshold.status == 0, "\(rethreshold.stderr): \(context)")
    let recut = try sql(
      """
      SELECT (extract(epoch FROM j.ts) / 86400)::int, coalesce(j.cut::text, '')
      FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = $1 AND j.score IS NOT NULL ORDER BY j.ts
      """, [runID]
    ).map { [date(Int($0[0]!)!), $0[1] ?? ""] }
    let moved = zip(recut, stored).filter { a, b in a[0] != b[0] || !near(a[1], b[2]) }
    #expect(recut.count == stored.count && moved.isEmpty, "re-cut: \(moved.prefix(3)): \(context)")
  }

  /// A random stored run given another random threshold by `rethreshold` scores, cuts, flags and
  /// alerts its rows as `detect` does with that threshold from the start (walking forward, fold
  /// by fold). An ensemble's member, the first or the second, takes the rule (its margins change
  /// with it).
  @Test(arguments: 0..<24)
  func rethresholdCutsAsDetectWithThatThreshold(seed: Int) throws {
    var random = SeededGenerator(seed: UInt64(seed) &+ 13_000)
    let scratch = try Scratch()
    try migrate(scratch)
    let path = try scratch.write("data.csv", RandomRunTests.series(rows: Int.random(in: 160...240, using: &random), &random))
    let config = RandomRunTests.config(&random, path: path)
    let runID = try storedModelRun(scratch, config)
    let rule = RandomRunTests.threshold(&random)
    let ensemble = config.contains("ensemble:")
    let second = ensemble && Bool.random(using: &random)  // the ensemble's second member takes it
    let rethreshold = try CLI.run(
      ["rethreshold", runID, "--url", url]
        + rule.flatMap { ["--set", "\(second ? "ensemble[1]." : "")threshold.\($0)=\($1)"] }, in: scratch.url)
    try #require(rethreshold.status == 0, "\(rethreshold.stderr)")
    let newRule = "{ " + rule.map { "\($0): \($1)" }.joined(separator: ", ") + " }"
    let retold = config.split(separator: "\n").map {
      second
        ? String($0).replacingOccurrences(of: "threshold: { plugin: fixed, value: 3 } }]", with: "threshold: \(newRule) }]")
        : $0.hasPrefix("threshold:") ? "threshold: \(newRule)" : String($0)
    }.joined(separator: "\n")
    try scratch.write("retold.yaml", retold)
    let detect = try CLI.run(["detect", "retold.yaml", "--out", "b", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let judged = try sql(
      """
      SELECT (extract(epoch FROM j.ts) / 86400)::int, j.score::text, coalesce(j.cut::text, ''), j.flagged::int::text,
             coalesce(j.alerted::int::text, '?')
      FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = $1 AND j.score IS NOT NULL ORDER BY j.ts
      """, [runID]
    ).map { row in [date(Int(row[0]!)!)] + row.dropFirst().map { $0 ?? "" } }
    let csv = try scratch.read("b/scores.csv").split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
    let columns = ["score", "threshold", "is_anomaly", "alert"].map { csv[0].firstIndex(of: $0)! }
    let expected = csv.dropFirst().filter { !$0[columns[0]].isEmpty }.map { row in [row[0]] + columns.map { row[$0] } }
    func near(_ a: String, _ b: String) -> Bool {
      guard a != b else { return true }
      guard let x = Float(a), let y = Float(b) else { return false }
      return abs(x - y) <= 1e-5 * max(1, abs(x))
    }
    let context = "seed \(seed), rethreshold \(second ? "member 2's " : "")\(rule):\n\(config)"
    #expect(judged.count == expected.count, "\(judged.count) judged rows, \(expected.count) detected: \(context)")
    let differing = zip(judged, expected).filter { a, b in
      a[0] != b[0] || !near(a[1], b[1]) || !near(a[2], b[2]) || a[3] != b[3] || a[4] != b[4]
    }
    #expect(differing.isEmpty, "first differing rows \(differing.prefix(3).map { "\($0.0) against \($0.1)" }): \(context)")
  }
}
