import Foundation
import Testing

@testable import SeismoPostgres

/// `detect --each` and queued fan-outs: one stored run per indicator, going on by itself.
extension PostgresTests {
  /// Runs `detect --each` over `source` (indicators x and y, y without every tenth of x's 200
  /// days) with a sink that keeps the models, expects y's run to have read y's own 180 days, and
  /// returns that run's summary.
  func eachRunOfY(_ scratch: Scratch, source: String) throws -> [String: Any] {
    try scratch.write(
      "run.yaml",
      """
      source: \(source)
      detector: { plugin: rolling-zscore, window: 20 }
      sink: { plugin: postgres, url: "\(url)", save_model: true }
      """)
    let each = try CLI.run(["detect", "run.yaml", "--each", "--out", "each", "--quiet"], in: scratch.url)
    try #require(each.status == 0, "\(each.stderr)")
    let y = try JSONSerialization.jsonObject(with: Data(try scratch.read("each/y/summary.json").utf8)) as? [String: Any]
    #expect((y?["source"] as? [String: Any])?["rows_read"] as? Int == 180, "y's own 180 days, not x's 200")
    return y ?? [:]
  }

  /// `detect --each` over a long table runs each symbol on its own times, as its stored run (whose
  /// source is narrowed to the symbol) reads them again: y, which has no row on some of x's days,
  /// is not scored on them with carried values, and `--new-rows` goes on from its run. Before,
  /// y's run had x's days, and every later `--new-rows` refused it as a changed history.
  @Test func eachRunOfALongTableHasItsSymbolsOwnRows() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [], ["old.csv": 0..<200, "new.csv": 200..<220])
    // y misses every tenth day.
    for name in ["old", "new"] {
      let lines = try scratch.read("\(name).csv").split(separator: "\n").map(String.init)
      let sparse = lines.enumerated().filter { $0.offset == 0 || $0.offset % 10 != 3 }.map(\.element)
      try scratch.write("\(name)-y.csv", sparse.joined(separator: "\n") + "\n")
    }
    try ingest(scratch, "old.csv", ["--long", "--column", "a", "--as", "x", "--create"])
    try ingest(scratch, "old-y.csv", ["--long", "--column", "b", "--as", "y"])
    let y = try eachRunOfY(
      scratch, source: "{ plugin: postgres, url: \"\(url)\", schema: \(schema), table: m, layout: long }")
    #expect(y["scored_rows"] as? Int == 160)
    let runID = try #require(y["run_id"] as? String)

    try ingest(scratch, "new.csv", ["--long", "--column", "a", "--as", "x"])
    try ingest(scratch, "new-y.csv", ["--long", "--column", "b", "--as", "y"])
    let next = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(next.status == 0 && next.stdout.hasPrefix("run \(runID): scored 18 new rows"), "\(next.stdout)\(next.stderr)")
  }

  /// `detect --each` over a query, which cannot be narrowed to one indicator: each run's stored
  /// source is the whole query, and its model takes its own feature from what the query returns,
  /// so `score --run` and `--new-rows` go on from it. Before, both refused the run: "the model
  /// was trained on features [b] but the data has [a, b]".
  @Test func eachRunOfAQueryScoresItsOwnIndicatorAgain() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [150], ["old.csv": 0..<200, "new.csv": 200..<220])
    try ingest(scratch, "old.csv")
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(url)", query: "SELECT ts, a, b FROM \(schema).m ORDER BY ts" }
      detector: { plugin: rolling-zscore, window: 20 }
      sink: { plugin: postgres, url: "\(url)", save_model: true }
      """)
    let each = try CLI.run(["detect", "run.yaml", "--each", "--out", "each", "--quiet"], in: scratch.url)
    try #require(each.status == 0, "\(each.stderr)")
    let runID = try storedRunID(scratch, "each/b")
    let again = try CLI.run(["score", "--run", runID, "--url", url, "--out", "again", "--quiet"], in: scratch.url)
    #expect(again.status == 0, "\(again.stderr)")
    let column = { (folder: String) in SavedModelTests().column(try scratch.read("\(folder)/scores.csv"), "score") }
    #expect(try column("again") == column("each/b"), "the run's own scores")
    try ingest(scratch, "new.csv", [])
    let next = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(next.status == 0 && next.stdout.hasPrefix("run \(runID): scored 20 new rows"), "\(next.stdout)\(next.stderr)")
  }

  /// `detect --each` over joined CSV files stores each indicator's run, and `--new-rows` goes on
  /// from it reading that indicator's file alone, on its own days. Before, the stored model read
  /// both files again and refused y's run: "the data's history no longer matches".
  @Test func eachRunOfJoinedFilesGoesOnWithNewRows() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    // x has every day, y misses every tenth; 200 days, then 20 more appended to both.
    func write(days: Int) throws {
      let lines = syntheticCSV(rows: days, spikes: []).split(separator: "\n").dropFirst().map {
        $0.split(separator: ",").map(String.init)
      }
      try scratch.write("x.csv", (["date,close"] + lines.map { "\($0[0]),\($0[1])" }).joined(separator: "\n") + "\n")
      let sparse = lines.enumerated().filter { $0.offset % 10 != 3 }.map { "\($0.element[0]),\($0.element[2])" }
      try scratch.write("y.csv", (["date,close"] + sparse).joined(separator: "\n") + "\n")
    }
    try write(days: 200)
    let runID = try #require(
      try eachRunOfY(scratch, source: "{ plugin: csv, path: [x.csv, y.csv], columns: [close], as: [x, y] }")["run_id"]
        as? String)
    try write(days: 220)
    let next = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(next.status == 0 && next.stdout.hasPrefix("run \(runID): scored 18 new rows"), "\(next.stdout)\(next.stderr)")
  }

  @Test func fanOutRunsEverySymbolOfALongTable() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    // 52 symbols: column k spikes on row 100 + k.
    var text = "date," + (0..<52).map { "s\($0)" }.joined(separator: ",") + "\n"
    for r in 0..<160 {
      text +=
        date(18_262 + r) + ","
        + (0..<52).map { k in String(Double((r * (k + 3)) % 11) + (r == 100 + k % 50 ? 40 : 0)) }.joined(separator: ",") + "\n"
    }
    try scratch.write("wide.csv", text)
    #expect(
      try CLI.run(
        ["ingest", "wide.csv", "--url", url, "--schema", schema, "--table", "prices", "--create", "--long"], in: scratch.url
      ).status == 0)
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: prices, layout: long }
      split: { train_fraction: 0.5 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 8 }
      sink: { plugin: postgres, url: "\(url)" }
      """)
    let result = try CLI.run(["detect", "run.yaml", "--each", "--out", "each", "--quiet"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    let combined = try JSONSerialization.jsonObject(with: Data(try scratch.read("each/summary.json").utf8)) as! [String: Any]
    #expect(combined["indicators"] as? Int == 52 && combined["failed"] as? Int == 0)
    let runIDs = (combined["runs"] as! [[String: Any]]).map { $0["run_id"] as! String }
    let stored = try sql(
      "SELECT count(*), count(DISTINCT indicator) FROM seismo.runs WHERE run_id = ANY($1::text[])", [PGText.array(runIDs)])
    #expect(stored[0] == ["52", "52"])
    let s7 = try sql(
      "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM seismo.anomalies WHERE indicator = 's7' AND run_id = ANY($1::text[])",
      [PGText.array(runIDs)])
    #expect(s7.map { $0[0]! } == [date(18_262 + 107)])

    // One group for the fan-out; the runs command lists, shows and deletes by it.
    let group = combined["group_id"] as! String
    #expect(try sql("SELECT count(*) FROM seismo.runs WHERE group_id = $1", [group])[0][0] == "52")
    let list = try CLI.run(["runs", "list", "--url", url, "--group", group, "--limit", "100"], in: scratch.url)
    #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 53, "\(list.stderr)")
    let listed = try CLI.run(["runs", "list", "--url", url, "--group", group, "--limit", "100", "--json"], in: scratch.url)
    let entries = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
    #expect(entries.count == 52 && entries.allSatisfy { $0["group"] as? String == group && $0["indicator"] is String })
    #expect(Set(entries.compactMap { $0["run_id"] as? String }) == Set(runIDs))
    let none = try CLI.run(["runs", "list", "--url", url, "--group", "no-such-group", "--json"], in: scratch.url)
    #expect(none.status == 0 && none.stdout == "[]\n", "\(none.stdout)")
    let show = try CLI.run(["runs", "show", runIDs[7], "--url", url], in: scratch.url)
    #expect(show.status == 0 && show.stdout.contains("\"run_id\": \"\(runIDs[7])\""), "\(show.stdout.prefix(300))")

    // Every query of sql/examples.sql runs, and the cross-indicator one finds the two days on
    // which two symbols spiked together (s0 and s50 on row 100, s1 and s51 on row 101).
    try sql("CREATE SCHEMA IF NOT EXISTS market")
    try sql("DROP TABLE IF EXISTS market.weekly")  // the examples' table, whatever an earlier run left
    try scratch.write("weekly.csv", "date,vix\n2020-01-01,12\n")
    #expect(
      try CLI.run(["ingest", "weekly.csv", "--url", url, "--schema", "market", "--table", "weekly", "--create"], in: scratch.url)
        .status == 0)
    let examples = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql/examples.sql"),
      encoding: .utf8)
    let statements = examples.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      .filter { !$0.split(separator: "\n").allSatisfy { $0.hasPrefix("--") } }
    #expect(
      statements.count >= 7 && statements.contains { $0.contains("latest_flags") }
        && statements.contains { $0.contains("seismo.current_events") })
    // One run (not of the two days above) given a cut-off nothing reaches, for the query that
    // compares threshold versions.
    let recut = try CLI.run(
      ["rethreshold", runIDs[20], "--url", url, "--set", "threshold.plugin=fixed", "--set", "threshold.value=1000"],
      in: scratch.url)
    #expect(recut.status == 0, "\(recut.stderr)")
    let ownFlags = try sql(
      "SELECT count(*) FILTER (WHERE s.is_anomaly AND s.part = 'test')::text FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1",
      [runIDs[20]])[0][0]
    // One run that warns, for the query that lists runs' warnings: every row trained.
    let warned = try CLI.run(
      ["detect", "run.yaml", "--out", "warned", "--quiet", "--json", "--set", "split.train_until=2099-01-01"], in: scratch.url)
    try #require(warned.status == 0, "\(warned.stderr)")
    let warnedRun = try #require(
      (try JSONSerialization.jsonObject(with: Data(warned.stdout.utf8)) as? [String: Any])?["run_id"] as? String)
    // And one whose data's load warns: rows out of time order.
    let rows = syntheticCSV(rows: 40, spikes: []).split(separator: "\n").map(String.init)
    try scratch.write("swapped.csv", ([rows[0], rows[2], rows[1]] + rows[3...]).joined(separator: "\n") + "\n")
    try scratch.write(
      "swapped.yaml",
      "source: { plugin: csv, path: swapped.csv }\ndetector: { plugin: rolling-zscore, window: 5 }\nsink: { plugin: postgres, url: \"\(url)\" }\n"
    )
    let unsorted = try CLI.run(["detect", "swapped.yaml", "--out", "swapped", "--quiet", "--json"], in: scratch.url)
    try #require(unsorted.status == 0, "\(unsorted.stderr)")
    let unsortedRun = try #require(
      (try JSONSerialization.jsonObject(with: Data(unsorted.stdout.utf8)) as? [String: Any])?["run_id"] as? String)
    // The suite's other tests store fan-outs of their own on this server at the same time, so the
    // cross-indicator query is also run for this fan-out's group, where the file asks for the latest.
    let latestGroup = "(SELECT group_id FROM seismo.runs WHERE group_id IS NOT NULL ORDER BY finished_at DESC LIMIT 1)"
    for statement in statements {
      let rows = try sql(statement)
      if statement.contains("count(DISTINCT a.indicator) >= 2") {
        #expect(statement.contains(latestGroup))
        let ours = try sql(statement.replacingOccurrences(of: latestGroup, with: "$1"), [group])
        #expect(ours.map { [$0[0], $0[1]] } == [[date(18_262 + 100), "2"], [date(18_262 + 101), "2"]], "\(ours)")
      }
      if statement.contains("latest_flags") {
        #expect(rows.filter { $0[0] == runIDs[20] }.map { Array($0.dropFirst(2)) } == [["fixed", "2", ownFlags, "0"]], "\(rows)")
        #expect(ownFlags != "0", "the run's own threshold flags its spike")
      }
      if statement.contains("FROM seismo.warnings w") {
        // runs list counts them: the run's own, and its data's load's.
        let listed = try CLI.run(["runs", "list", "--url", url, "--limit", "500"], in: scratch.url).stdout
        for run in [warnedRun, unsortedRun] {
          let line = listed.split(separator: "\n").first { $0.hasPrefix(run) }?.split(separator: "\t")
          #expect(line?[7] == "1", "\(listed.prefix(400))")
        }
        let mine = rows.filter { $0[0] == warnedRun }
        #expect(
          mine.count == 1 && mine[0][3] == "run"
            && mine[0][5]?.hasPrefix("warning: split.train_until 2099-01-01 is not before") == true, "\(rows)")
        let load = rows.filter { $0[0] == unsortedRun }.map { [$0[3], $0[5]] }
        #expect(
          load == [["load", "warning: \(scratch.url.path)/swapped.csv had rows out of time order; they were sorted"]],
          "\(rows)")
      }
      if statement.contains("seismo.current_events") {
        // The re-cut run's events are its version 2's: none; the others' are their own.
        let mine = rows.filter { runIDs.contains($0[1] ?? "") }  // other tests' runs may be listed
        #expect(mine.count > 2 && mine.allSatisfy { $0[1] != runIDs[20] && $0[2] == "1" }, "\(mine)")
        #expect(
          try sql(
            "SELECT count(*) FROM seismo.events e JOIN seismo.runs r ON r.id = e.run WHERE r.run_id = $1 AND e.version = 1",
            [runIDs[20]])[0][0] != "0")
      }
    }

    let delete = try CLI.run(["runs", "delete", runIDs[7], "--url", url], in: scratch.url)
    #expect(delete.status == 0 && delete.stdout == "deleted 1 run\n")
    #expect(
      try sql("SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [runIDs[7]])[0][0]
        == "0")
    let again = try CLI.run(["runs", "delete", runIDs[7], runIDs[8], "--url", url], in: scratch.url)
    #expect(again.status == 1 && again.stderr.contains("no run '\(runIDs[7])'"), "\(again.stderr)")
    #expect(try sql("SELECT count(*) FROM seismo.runs WHERE run_id = $1", [runIDs[8]])[0][0] == "1", "all or nothing")
    let old = try CLI.run(["runs", "delete", "--older-than", "100 years", "--url", url], in: scratch.url)
    #expect(old.status == 0 && old.stdout == "deleted 0 runs\n", "\(old.stderr)")
    // Ages read as refit_every's periods: 6m is six months (PostgreSQL alone would read six
    // minutes, and delete a run of an hour ago).
    try sql("UPDATE seismo.runs SET finished_at = now() - interval '1 hour' WHERE run_id = $1", [runIDs[8]])
    let months = try CLI.run(["runs", "delete", "--older-than", "6m", "--url", url], in: scratch.url)
    #expect(months.status == 0 && months.stdout == "deleted 0 runs\n", "\(months.stderr)")
    try sql("UPDATE seismo.runs SET finished_at = now() - interval '13 months' WHERE run_id = $1", [runIDs[8]])
    // A dry run lists what it would delete, and deletes nothing.
    let wouldDelete = try CLI.run(["runs", "delete", "--older-than", "1y", "--dry-run", "--url", url], in: scratch.url)
    #expect(
      wouldDelete.status == 0 && wouldDelete.stdout.hasPrefix("\(runIDs[8])  ")
        && wouldDelete.stdout.contains("  rolling-zscore  s")
        && wouldDelete.stdout.hasSuffix("\nwould delete 1 run (a dry run: nothing was deleted)\n"),
      "\(wouldDelete.stdout) \(wouldDelete.stderr)")
    #expect(try sql("SELECT count(*) FROM seismo.runs WHERE run_id = $1", [runIDs[8]])[0][0] == "1")
    let year = try CLI.run(["runs", "delete", "--older-than", "1y", "--url", url], in: scratch.url)
    #expect(year.status == 0 && year.stdout == "deleted 1 run\n", "\(year.stderr)")
    #expect(try sql("SELECT count(*) FROM seismo.runs WHERE run_id = $1", [runIDs[8]])[0][0] == "0")
  }
}
