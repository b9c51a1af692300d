import Foundation
import SeismoSQL
import Testing

@testable import PostgresSource
@testable import SeismoCore
@testable import SeismoPostgres

/// Against a real PostgreSQL server: `.ci/run` starts one (scripts/pg-test-server.sh) and sets
/// SEISMO_TEST_PG_URL; without it these tests are skipped.
let postgresURL = ProcessInfo.processInfo.environment["SEISMO_TEST_PG_URL"]

@Suite(.enabled(if: postgresURL != nil, "needs SEISMO_TEST_PG_URL: a PostgreSQL server (.ci/run starts one)"))
struct PostgresTests {
  let url = postgresURL ?? ""
  /// A schema of this test's own, so tests can run in parallel.
  let schema = "t_" + UUID().uuidString.prefix(8).lowercased()

  @discardableResult
  func sql(_ statement: String, _ parameters: [String?] = []) throws -> [[String?]] {
    try PGConnection(url).execute(statement, parameters).rows
  }

  /// The postgres source with `values` on this test's server and schema.
  func source(_ values: [String: ParameterValue]) throws -> PostgresSource {
    let defaults: [String: ParameterValue] = ["url": .text(url), "schema": .text(schema)]
    return try PostgresSource(
      parameters: Parameters(specs: PostgresSource.descriptor.parameters, values: defaults.merging(values) { $1 }))
  }

  /// The frame the postgres source loads with `values`.
  func loadSource(_ values: [String: ParameterValue]) throws -> Frame { try source(values).load().frame }

  /// `loadSource`'s frame summarised, or its error's message.
  func loadOutcome(_ values: [String: ParameterValue], _ summary: (Frame) -> String) -> String {
    do { return summary(try loadSource(values)) } catch { return "\(error)" }
  }

  /// The run id recorded in `folder`/summary.json.
  func storedRunID(_ scratch: Scratch, _ folder: String) throws -> String {
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("\(folder)/summary.json").utf8))
    return try #require((summary as? [String: Any])?["run_id"] as? String)
  }

  /// Loads the CSV file `file` of `scratch` into this test's table `m` through `ingestURL`
  /// (default: the test server), with `extra` options (default: create the table).
  func ingest(_ scratch: Scratch, _ file: String, url ingestURL: String? = nil, _ extra: [String] = ["--create"]) throws {
    let result = try CLI.run(
      ["ingest", file, "--url", ingestURL ?? url, "--schema", schema, "--table", "m"] + extra, in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
  }

  /// Ingests `history` into table `m`, runs a rolling z-score detection on it (fixed cut-off 6)
  /// whose sink stores the model, and returns its run id.
  func storedZScoreRun(_ scratch: Scratch, history: String, transform: String = "level") throws -> String {
    try ingest(scratch, history)
    return try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20, transform: \(transform) }
      threshold: { plugin: fixed, value: 6 }
      """)
  }

  /// Loads column a of `xFile` as symbol x and column b of `yFile` as symbol y into this test's
  /// long table m, and stores a rolling z-score run of window 20 on it that saves its model;
  /// `extra` ends the config.
  func storedLongRun(_ scratch: Scratch, x xFile: String, y yFile: String, _ extra: String = "") throws -> String {
    try ingest(scratch, xFile, ["--long", "--column", "a", "--as", "x", "--create"])
    try ingest(scratch, yFile, ["--long", "--column", "b", "--as", "y"])
    return try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m, layout: long }
      detector: { plugin: rolling-zscore, window: 20 }
      \(extra)
      """)
  }

  /// Writes `config` plus a postgres sink that saves the model as run.yaml, detects it into
  /// folder `a` and returns the stored run's id.
  func storedModelRun(_ scratch: Scratch, _ config: String) throws -> String {
    try scratch.write("run.yaml", config + "\nsink: { plugin: postgres, url: \"\(url)\", save_model: true }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    return try storedRunID(scratch, "a")
  }

  /// Detects `base` (a source, split and detector) with the fixed cut-off 6 and the postgres sink
  /// into folder `out`; returns the stored run's id.
  func storedFixedCutRun(_ scratch: Scratch, _ base: String, out: String) throws -> String {
    try scratch.write(
      "run.yaml", base + "\nthreshold: { plugin: fixed, value: 6 }\nsink: { plugin: postgres, url: \"\(url)\" }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", out, "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    return try storedRunID(scratch, out)
  }

  /// Writes data.csv (200 days, a spike) and run.yaml: a rolling z-score run whose sink writes to
  /// `sinkURL`.
  func writeSinkRun(_ scratch: Scratch, sinkURL: String) throws {
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      detector: { plugin: rolling-zscore }
      sink: { plugin: postgres, url: "\(sinkURL)" }
      """)
  }

  /// Writes `config` plus a postgres sink that saves the model as run.yaml, stores its run, makes
  /// this test's table m announce new rows and starts `seismo watch` on the run.
  func watching(_ scratch: Scratch, _ config: String) throws -> (runID: String, watcher: CLI.Running) {
    let runID = try storedModelRun(scratch, config)
    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    return (runID, try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url))
  }

  /// The model run `runID` stored.
  func storedModel(_ runID: String) throws -> SavedModel {
    let hex = try sql("SELECT m.model::text FROM seismo.models m JOIN seismo.runs r ON r.id = m.run WHERE r.run_id = $1", [runID])
    return try SavedModel.decode(Data(try #require(PGText.bytes(fromBytea: hex[0][0] ?? ""))), origin: runID)
  }

  /// How many scores run `runID` has stored.
  func storedScores(_ runID: String) throws -> String? {
    try sql("SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [runID])[0][0]
  }

  /// A connection holding an exclusive lock on `table` until it rolls back.
  func holdingLock(on table: String) throws -> PGConnection {
    let holder = try PGConnection(url)
    try holder.execute("BEGIN")
    try holder.execute("LOCK TABLE \(table) IN ACCESS EXCLUSIVE MODE")
    return holder
  }

  func migrate(_ scratch: Scratch) throws {
    let result = try CLI.run(["db", "migrate", "--url", url], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
  }

  @Test func migrateIsIdempotent() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    let again = try CLI.run(["db", "migrate", "--url", url], in: scratch.url)
    #expect(again.stdout.hasPrefix("the seismo schema is up to date"))
    #expect(try sql("SELECT count(*) FROM seismo.schema_migrations")[0][0] == String(Migrations.all.count))
  }

  /// On a database without the results schema, every command that reads it says how to set it
  /// up, rather than PostgreSQL's "relation does not exist".
  @Test func commandsOnADatabaseWithoutTheSchemaSaySo() throws {
    let scratch = try Scratch()
    let database = schema
    try sql("CREATE DATABASE \(database)")
    defer { _ = try? sql("DROP DATABASE \(database) WITH (FORCE)") }
    let bare = try #require(url.range(of: "/", options: .backwards)).lowerBound
    let bareURL = url[..<bare] + "/" + database
    for command in [
      ["runs", "list"], ["runs", "show", "r1"], ["runs", "delete", "r1"], ["score", "--run", "r1"], ["watch", "--run", "r1"],
      ["rethreshold", "r1", "--set", "threshold.percentile=90"], ["jobs", "list"],
    ] {
      let result = try CLI.run(command + ["--url", String(bareURL)], in: scratch.url)
      #expect(result.status == 2, "\(command)")
      #expect(
        result.stderr
          == "error: postgres: the seismo schema is not set up (version 0 of \(Migrations.all.count)); run `seismo db migrate --url URL`\n",
        "\(command)")
    }
  }

  @Test func ingestDetectAndReadTheSameAnomaliesBackWithSQL() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [100, 220, 260]))
    let ingest = try CLI.run(
      ["ingest", "data.csv", "--url", url, "--schema", schema, "--table", "market", "--create"], in: scratch.url)
    #expect(ingest.status == 0, "\(ingest.stderr)")
    #expect(ingest.stdout.hasPrefix("wrote 300 rows to \(schema).market"))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: market }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      importance: { plugin: permutation, repeats: 2 }
      sink: { plugin: postgres, url: "\(url)", save_model: true }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("r/summary.json").utf8)) as! [String: Any]
    let runID = summary["run_id"] as! String
    let expected = (summary["anomalies"] as! [[String: Any]]).map { "\($0["timestamp"]!) \($0["top_feature"]!)" }
    #expect(expected.count == 3)
    let stored = try sql(
      "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), top_feature FROM seismo.anomalies WHERE run_id = $1 ORDER BY ts",
      [runID])
    #expect(stored.map { "\($0[0]!) \($0[1]!)" } == expected)
    let run = try sql(
      "SELECT features, train_rows, anomaly_count, config->'detector'->>'plugin' FROM seismo.runs WHERE run_id = $1", [runID])
    #expect(run.first.map { $0.map { $0 ?? "" } } == ["{a,b}", "180", "3", "rolling-zscore"])
    #expect(
      try sql("SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [runID])[0][0]
        == "280")
    // Every scored row keeps its own cut-off; the three isolated flags are three events, each
    // alerting on its row.
    #expect(
      try sql(
        "SELECT count(*), min(s.threshold), max(s.threshold), count(*) FILTER (WHERE s.alert) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1",
        [runID])[0] == ["280", "6", "6", "3"])
    let events = try sql(
      "SELECT to_char(alert_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), top_feature, flagged_rows FROM seismo.events e JOIN seismo.runs r ON r.id = e.run WHERE r.run_id = $1 ORDER BY alert_ts",
      [runID])
    #expect(events.map { "\($0[0]!) \($0[1]!)" } == expected)
    #expect(events.allSatisfy { $0[2] == "1" })
    #expect(
      try sql("SELECT count(*) FROM seismo.feature_importance i JOIN seismo.runs r ON r.id = i.run WHERE r.run_id = $1", [runID])[
        0][0] == "2")
    #expect(
      try sql("SELECT length(model) > 8 FROM seismo.models m JOIN seismo.runs r ON r.id = m.run WHERE r.run_id = $1", [runID])[0][
        0] == "t")
    // Deleting a run deletes its scores, importance and model.
    let id = try sql("SELECT id FROM seismo.runs WHERE run_id = $1", [runID])[0][0]!
    try sql("DELETE FROM seismo.runs WHERE run_id = $1", [runID])
    #expect(try sql("SELECT count(*) FROM seismo.scores WHERE run = $1::bigint", [id])[0][0] == "0")
    #expect(try sql("SELECT count(*) FROM seismo.models WHERE run = $1::bigint", [id])[0][0] == "0")
    #expect(try sql("SELECT count(*) FROM seismo.events WHERE run = $1::bigint", [id])[0][0] == "0")
  }

  /// The sink stores every event, though the summary (in the folder and in seismo.runs) lists
  /// only the 1,000 with the highest peaks.
  @Test func everyEventIsStoredThoughTheSummaryListsTheHighest() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try writeManyEventsRun(scratch, extra: "sink: { plugin: postgres, url: \"\(url)\" }")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("r/summary.json").utf8)) as! [String: Any]
    let runID = summary["run_id"] as! String
    let eventCount = summary["event_count"] as! Int
    #expect(eventCount > 1_000 && (summary["events"] as! [Any]).count == 1_000)
    let stored = try sql(
      """
      SELECT count(*), count(*) FILTER (WHERE e.alert_ts IS NOT NULL), sum(e.flagged_rows),
             jsonb_array_length(r.summary->'events'), jsonb_array_length(r.summary->'anomalies'), r.anomaly_count
      FROM seismo.events e JOIN seismo.runs r ON r.id = e.run WHERE r.run_id = $1 GROUP BY r.id
      """, [runID])
    #expect(
      stored.first == [
        "\(eventCount)", "\(eventCount)", "\(summary["anomaly_count"] as! Int)", "1000", "1000",
        "\(summary["anomaly_count"] as! Int)",
      ])
    // The listed events are the stored ones with the highest peaks.
    let highest = try sql(
      """
      SELECT to_char(e.start_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM seismo.events e JOIN seismo.runs r ON r.id = e.run
      WHERE r.run_id = $1 ORDER BY e.peak_score DESC, e.start_ts LIMIT 1000
      """, [runID])
    let unlisted = Set(highest.map { $0[0]! }).subtracting((summary["events"] as! [[String: Any]]).map { $0["start"] as! String })
    #expect(unlisted.count == 0, "\(unlisted.sorted().prefix(3))")
  }

  @Test func longTablesPivotToTheWideFrame() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 50, spikes: []))
    for (table, long) in [("wide", false), ("long", true)] {
      let r = try CLI.run(
        ["ingest", "data.csv", "--url", url, "--schema", schema, "--table", table, "--create"] + (long ? ["--long"] : []),
        in: scratch.url)
      #expect(r.status == 0, "\(r.stderr)")
    }
    let load = loadSource
    let wide = try load(["table": .text("wide")])
    let long = try load(["table": .text("long"), "layout": .text("long"), "symbols": .textList(["a", "b"])])
    #expect(wide.featureNames == ["a", "b"])
    #expect(long == wide)
    // A long table whose symbol and value columns have other names.
    try sql("CREATE TABLE \(schema).renamed AS SELECT ts, symbol AS ticker, value AS px FROM \(schema).long")
    let renamed = try load([
      "table": .text("renamed"), "layout": .text("long"), "symbol_column": .text("ticker"), "value_column": .text("px"),
    ])
    #expect(renamed == wide)
    // Symbols in another order are features in that order; a symbol without rows is named, with
    // the table's symbols to suggest from.
    let swapped = try load(["table": .text("long"), "layout": .text("long"), "symbols": .textList(["b", "a"])])
    #expect(swapped.featureNames == ["b", "a"] && swapped.values[0] == wide.values[1] && swapped.values[1] == wide.values[0])
    try sql(
      "CREATE TABLE \(schema).markets AS SELECT ts, CASE symbol WHEN 'a' THEN 'gold' ELSE 'vix' END AS symbol, value FROM \(schema).long"
    )
    #expect(
      loadOutcome(["table": .text("markets"), "layout": .text("long"), "symbols": .textList(["vix", "gld"])]) { _ in "" }
        .hasSuffix("no rows for symbol 'gld' (did you mean 'gold'?)"))
    #expect(try load(["table": .text("markets"), "layout": .text("long")]).featureNames == ["gold", "vix"])
    let ranged = try load(["table": .text("wide"), "from": .text(date(18_262 + 10)), "to": .text(date(18_262 + 19))])
    #expect(ranged.rowCount == 10)
    let query = try load(["query": .text("SELECT ts, a * 2 AS twice FROM \(schema).wide WHERE ts < '2020-01-04'")])
    #expect(query.featureNames == ["twice"] && query.rowCount == 3)
    #expect(query.values[0] == wide.values[0] * 2)
  }

  /// `ingest --time-column`: a time column that auto-detection does not know by name.
  @Test func ingestTakesTheNamedTimeColumn() throws {
    let scratch = try Scratch()
    try scratch.write("days.csv", "a,day\n1.5,2020-01-02\n2.5,2020-01-03\n")
    let auto = try CLI.run(["ingest", "days.csv", "--url", url, "--schema", schema, "--table", "t", "--create"], in: scratch.url)
    #expect(auto.status != 0, "without the option 'day' is no time column: \(auto.stdout)")
    try ingest(scratch, "days.csv", ["--create", "--time-column", "day"])
    #expect(
      try sql("SELECT ts::date::text, a::text FROM \(schema).m ORDER BY ts") == [["2020-01-02", "1.5"], ["2020-01-03", "2.5"]])
  }

  /// A missing table, or a table without a column the file brings, is named with what to do
  /// before any row is written: a wide table's columns with a suggestion, a long table's shape.
  @Test func ingestNamesAMissingTableOrColumnBeforeWriting() throws {
    let scratch = try Scratch()
    try scratch.write("vix.csv", "date,vix\n2020-01-02,12.5\n")
    try scratch.write("vx.csv", "date,vx,gold\n2020-01-03,13.5,1500\n")
    func ingest(_ file: String, _ table: String, _ extra: [String] = []) throws -> CLI.Result {
      try CLI.run(["ingest", file, "--url", url, "--schema", schema, "--table", table] + extra, in: scratch.url)
    }
    let none = try ingest("vix.csv", "m")
    #expect(none.status == 1 && none.stderr == "error: \(schema).m: no such table; --create makes it\n", "\(none.stderr)")
    #expect(try ingest("vix.csv", "m", ["--create"]).status == 0)
    let typo = try ingest("vx.csv", "m")
    #expect(
      typo.status == 1
        && typo.stderr.hasPrefix(
          "error: \(schema).m has no columns 'vx', 'gold'; its columns are: ts, vix. ingest writes a wide table: ts, then one column per feature of the file"
        ), "\(typo.stderr)")
    let one = try ingest("vx.csv", "m", ["--column", "vx"])
    #expect(
      one.stderr.hasPrefix("error: \(schema).m has no column 'vx' (did you mean 'vix'?); its columns are: ts, vix."),
      "\(one.stderr)")
    let long = try ingest("vix.csv", "m", ["--long"])
    #expect(
      long.stderr.hasPrefix(
        "error: \(schema).m has no columns 'symbol', 'value'; its columns are: ts, vix. ingest writes a long table: symbol, ts and value"
      ),
      "\(long.stderr)")
    #expect(try sql("SELECT count(*) FROM \(schema).m") == [["1"]], "nothing more was written")
  }

  /// `ingest --as` joins files of one indicator each, both with a column `close`: as symbols of
  /// a long table, or as columns of a wide one that `--create` extends and `--mode upsert` fills
  /// on the days already there. The postgres source reads both as the same frame. `--mode
  /// replace` then reloads one indicator without losing the other.
  @Test func ingestJoinsFilesOfOneIndicatorEach() throws {
    let scratch = try Scratch()
    try scratch.write("vix.csv", "date,close\n2020-01-02,12.5\n2020-01-03,14.0\n2020-01-06,13.0\n")
    try scratch.write("spx.csv", "date,open,close\n2020-01-03,3200,3234.5\n2020-01-06,3220,3246.25\n2020-01-07,3240,3237.0\n")
    func ingest(_ file: String, _ table: String, _ extra: [String]) throws -> CLI.Result {
      try CLI.run(
        ["ingest", file, "--url", url, "--schema", schema, "--table", table, "--column", "close"] + extra, in: scratch.url)
    }
    for (file, name, extra) in [("vix.csv", "vix", ["--create"]), ("spx.csv", "spx", [])] {
      let r = try ingest(file, "prices", ["--as", name, "--long"] + extra)
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(
      try sql("SELECT symbol, ts::text, value::text FROM \(schema).prices WHERE ts = '2020-01-03' ORDER BY symbol")
        == [["spx", "2020-01-03", "3234.5"], ["vix", "2020-01-03", "14"]])
    #expect(try ingest("vix.csv", "wide", ["--as", "vix", "--create"]).status == 0)
    let without = try ingest("spx.csv", "wide", ["--as", "spx"])
    #expect(
      without.status == 1 && without.stderr.contains("has no column 'spx'") && without.stderr.hasSuffix("or --create adds it\n"),
      "\(without.stderr)")
    let overlapping = try ingest("spx.csv", "wide", ["--as", "spx", "--create"])
    #expect(overlapping.status != 0 && overlapping.stderr.contains("--mode upsert overwrites them"), "\(overlapping.stderr)")
    #expect(
      try sql("SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'wide'", [schema]) == [
        ["2"]
      ],
      "the failed ingest added no column")
    let joined = try ingest("spx.csv", "wide", ["--as", "spx", "--create", "--mode", "upsert"])
    #expect(joined.status == 0, "\(joined.stderr)")
    #expect(
      try sql("SELECT ts::text, vix::text, spx::text FROM \(schema).wide ORDER BY ts") == [
        ["2020-01-02", "12.5", nil], ["2020-01-03", "14", "3234.5"], ["2020-01-06", "13", "3246.25"],
        ["2020-01-07", nil, "3237"],
      ])
    let wide = try loadSource(["table": .text("wide"), "gaps": .text("drop")])
    let long = try loadSource([
      "table": .text("prices"), "layout": .text("long"), "symbols": .textList(["vix", "spx"]), "gaps": .text("drop"),
    ])
    #expect(wide.featureNames == ["vix", "spx"] && wide.rowCount == 2 && long == wide)
    // A long table is no wide one: --create adds no column to it.
    let intoLong = try ingest("spx.csv", "prices", ["--as", "spx", "--create"])
    #expect(intoLong.status == 1 && intoLong.stderr.hasSuffix("or --create another table\n"), "\(intoLong.stderr)")
    // --mode replace reloads one indicator: a long table's other symbols stay; a wide table
    // whose other columns deleting would empty is refused, and left as it was.
    try scratch.write("vix2.csv", "date,close\n2020-01-09,15.5\n")
    #expect(try ingest("vix2.csv", "prices", ["--as", "vix", "--long", "--mode", "replace"]).status == 0)
    #expect(
      try sql("SELECT symbol, count(*)::text FROM \(schema).prices GROUP BY symbol ORDER BY symbol") == [
        ["spx", "3"], ["vix", "1"],
      ])
    let emptying = try ingest("vix2.csv", "wide", ["--as", "vix", "--mode", "replace"])
    #expect(
      emptying.status == 1
        && emptying.stderr.contains("has columns the file does not bring (spx), which --mode replace would empty too"),
      "\(emptying.stderr)")
    #expect(try sql("SELECT count(*)::text FROM \(schema).wide") == [["4"]])
    // Without --column, --as names every column of the file, in order.
    let unnamed = try CLI.run(
      ["ingest", "spx.csv", "--url", url, "--schema", schema, "--table", "prices", "--long", "--as", "spx"], in: scratch.url)
    #expect(
      unnamed.status == 1
        && unnamed.stderr.contains("--as names each column loaded, in order, but spx.csv has 2 (open, close) for 1 --as"),
      "\(unnamed.stderr)")
    try scratch.write("gold.csv", "date,close\n2020-01-09,1550\n")
    let gold = try CLI.run(
      ["ingest", "gold.csv", "--url", url, "--schema", schema, "--table", "prices", "--long", "--as", "gold"], in: scratch.url)
    #expect(gold.status == 0, "\(gold.stderr)")
    #expect(try sql("SELECT value::text FROM \(schema).prices WHERE symbol = 'gold'") == [["1550"]])
    // A table of dates takes no times of day, which PostgreSQL would cut to their day.
    try scratch.write("hourly.csv", "ts,close\n2020-01-10 10:00:00,16\n2020-01-10 11:00:00,17\n")
    let hourly = try ingest("hourly.csv", "prices", ["--as", "vix", "--long"])
    #expect(
      hourly.status == 1 && hourly.stderr.contains("keeps dates (ts date), but the file has times of day (2020-01-10 10:00:00)"),
      "\(hourly.stderr)")
    #expect(try sql("SELECT count(*)::text FROM \(schema).prices") == [["5"]])
  }

  /// `ingest --delimiter`, `--time-format` and `--decimal`: a European export, separated by ';'
  /// with day-first dates and decimal commas.
  @Test func ingestReadsOtherSeparatorsAndDateFormats() throws {
    let scratch = try Scratch()
    try scratch.write("eu.csv", "date;a\n02/01/2020;1.5\n03/01/2020;2.5\n")
    try scratch.write("comma.csv", "date;a\n02/01/2020;1.234,5\n03/01/2020;2,5\n")
    let plain = try CLI.run(["ingest", "eu.csv", "--url", url, "--schema", schema, "--table", "t", "--create"], in: scratch.url)
    #expect(plain.status == 1 && plain.stderr.contains("set the delimiter to ';'"), "\(plain.stderr)")
    let iso = try CLI.run(
      ["ingest", "eu.csv", "--url", url, "--schema", schema, "--table", "t", "--create", "--delimiter", ";"], in: scratch.url)
    #expect(iso.status == 1 && iso.stderr.contains("'02/01/2020' is not"), "without --time-format: \(iso.stderr)")
    try ingest(scratch, "eu.csv", ["--create", "--delimiter", ";", "--time-format", "%d/%m/%Y"])
    #expect(
      try sql("SELECT ts::date::text, a::text FROM \(schema).m ORDER BY ts") == [["2020-01-02", "1.5"], ["2020-01-03", "2.5"]])
    let options = ["--delimiter", ";", "--time-format", "%d/%m/%Y", "--mode", "replace"]
    let points = try CLI.run(
      ["ingest", "comma.csv", "--url", url, "--schema", schema, "--table", "m"] + options, in: scratch.url)
    #expect(points.status == 1 && points.stderr.contains("set decimal: comma"), "\(points.stderr)")
    try ingest(scratch, "comma.csv", options + ["--decimal", "comma"])
    #expect(
      try sql("SELECT ts::date::text, a::text FROM \(schema).m ORDER BY ts") == [
        ["2020-01-02", "1234.5"], ["2020-01-03", "2.5"],
      ])
  }

  /// Ingest stores the numbers as the file writes them, in double precision: a price with nine
  /// significant digits, a volume of ten and a tiny rate, wide and long, with a decimal comma and
  /// forward-filled gaps too (a detector reads them as Float; the table keeps them whole).
  @Test func ingestStoresNumbersAsWritten() throws {
    let scratch = try Scratch()
    try scratch.write("p.csv", "date,px,vol,rate\n2024-01-02,123456.789,1234567891,0.000123456789\n2024-01-03,,7,1e-9\n")
    try scratch.write("c.csv", "date;px\n2024-01-02;1.234.567,891\n")
    for (table, extra) in [("wide", [String]()), ("long", ["--long"])] {
      let r = try CLI.run(
        ["ingest", "p.csv", "--url", url, "--schema", schema, "--table", table, "--create"] + extra, in: scratch.url)
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(
      try sql("SELECT px::text, vol::text, rate::text FROM \(schema).wide ORDER BY ts")
        == [["123456.789", "1234567891", "0.000123456789"], ["123456.789", "7", "1e-09"]])
    #expect(
      try sql("SELECT value::text FROM \(schema).long WHERE symbol = 'vol' ORDER BY ts") == [["1234567891"], ["7"]])
    let comma = try CLI.run(
      [
        "ingest", "c.csv", "--url", url, "--schema", schema, "--table", "comma", "--create", "--delimiter", ";", "--decimal",
        "comma",
      ],
      in: scratch.url)
    #expect(comma.status == 0, "\(comma.stderr)")
    #expect(try sql("SELECT px::text FROM \(schema).comma") == [["1234567.891"]])
  }

  /// On a terminal, ingest shows the file read and the rows written, and the sink the scores
  /// stored, on one updating line that it clears; to a pipe or a log they print only their
  /// closing lines.
  @Test(.enabled(if: CLI.hasTerminal, "needs util-linux script for a pseudo-terminal"))
  func ingestAndTheSinkShowTheirProgressOnATerminal() throws {
    let scratch = try Scratch()
    try scratch.write("long.csv", syntheticCSV(rows: 25_000, spikes: []))
    let result = try CLI.runOnATerminal(
      "ingest long.csv --url '\(url)' --schema \(schema) --table t --create", in: scratch.url)
    let output = result.stdout
    #expect(result.status == 0, "\(output)")
    #expect(output.contains("\r\u{1B}[Kwriting 10,000 of 25,000 rows (40 %)"), "\(output)")
    #expect(output.contains(#/\r\e\[Kreading 0\.\d of 0\.\d MB \(100 %\)\r\e\[K/#), "the file read first: \(output.prefix(200))")
    #expect(output.contains("\r\u{1B}[Kwriting 25,000 of 25,000 rows (100 %)\r\u{1B}[K"), "cleared at the end: \(output)")
    #expect(output.contains("wrote 25000 rows to \(schema).t"))
    let piped = try CLI.run(
      ["ingest", "long.csv", "--url", url, "--schema", schema, "--table", "t", "--mode", "replace"], in: scratch.url)
    #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr)")
    // The sink's write of the scores too, cleared before the line that says it is done.
    try migrate(scratch)
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: t }
      detector: { plugin: rolling-zscore, window: 20 }
      sink: { plugin: postgres, url: "\(url)" }
      """)
    let detect = try CLI.runOnATerminal("detect run.yaml --out r", in: scratch.url)
    #expect(detect.status == 0, "\(detect.stdout)")
    #expect(detect.stdout.contains("\r\u{1B}[Kreading 25,000 of 25,000 rows (100 %)\r\u{1B}[K"), "\(detect.stdout.prefix(400))")
    #expect(detect.stdout.contains("\r\u{1B}[Kstoring 10,000 of 24,980 rows (40 %)"), "\(detect.stdout.prefix(400))")
    #expect(detect.stdout.contains("\r\u{1B}[Kstoring 24,980 of 24,980 rows (100 %)\r\u{1B}[Kwrote run "))
    let quiet = try CLI.run(["detect", "run.yaml", "--out", "q"], in: scratch.url)
    #expect(quiet.status == 0 && !quiet.stderr.contains("storing"), "not to a pipe: \(quiet.stderr)")
  }

  /// `db watch` attaches the triggers that announce new and changed rows; `--off` removes them,
  /// and either can run again. The changed rows' announcement names their earliest time, of the
  /// column --time-column names, which must be a date or timestamp.
  @Test func dbWatchAttachesAndOffRemovesTheTriggers() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 5, spikes: []))
    try ingest(scratch, "data.csv")
    func triggers() throws -> [String] {
      try sql("SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass ORDER BY tgname", ["\(schema).m"]).map { $0[0] ?? "" }
    }
    let all = ["seismo_watch", "seismo_watch_deletes", "seismo_watch_updates"]
    for (extra, expected) in [([String](), all), ([], all), (["--off"], []), (["--off"], [])] {
      let result = try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"] + extra, in: scratch.url)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(try triggers() == expected, "after db watch \(extra)")
    }
    let misnamed = try CLI.run(
      ["db", "watch", "--url", url, "--schema", schema, "--table", "m", "--time-column", "tss"], in: scratch.url)
    #expect(
      misnamed.status == 1
        && misnamed.stderr.hasPrefix(
          "error: postgres table \(schema).m: no time column 'tss' (did you mean 'ts'?); columns are: ts, a, b (--time-column names the table's time column)"
        ), "\(misnamed.stderr)")
    let numbers = try CLI.run(
      ["db", "watch", "--url", url, "--schema", schema, "--table", "m", "--time-column", "a"], in: scratch.url)
    #expect(numbers.status == 1 && numbers.stderr.contains("the time column 'a' is double precision"), "\(numbers.stderr)")
    #expect(
      numbers.stderr.hasSuffix("not a date or timestamp (--time-column names the table's time column)\n"),
      "triggers announce the table's own times: no query converts them: \(numbers.stderr)")
    let missing = try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "nope"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr == "error: postgres table \(schema).nope: no such table\n", "\(missing.stderr)")
    #expect(try triggers().isEmpty, "a refused db watch attaches nothing")

    // Announcements: new rows name the table; an UPDATE or DELETE its earliest time changed
    // (before or after the change); a statement that changes nothing, nothing.
    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    let listener = try PGConnection(url)
    try listener.execute("LISTEN seismo_rows")
    let table = "\(schema).m"
    // This table's announcements, `count` of them (up to 10 s), and any more that follow at once;
    // other tests' watched tables announce on the same channel.
    func heard(_ count: Int) throws -> [String] {
      func ours() throws -> [String] {
        try listener.notifications(waitingUpTo: 0.3).map(\.payload).filter { $0 == table || $0.contains("\"\(table)\"") }
      }
      var payloads: [String] = []
      let deadline = Date().addingTimeInterval(10)
      while payloads.count < count, Date() < deadline { payloads += try ours() }
      return payloads + (try ours())
    }
    func changed(_ day: Int) -> String { "{\"table\" : \"\(table)\", \"changed_from\" : \((18_262 + day) * 86_400)}" }
    try sql("UPDATE \(schema).m SET a = a + 1 WHERE ts >= $1::date", [date(18_262 + 3)])
    #expect(try heard(2) == [table, changed(3)])
    try sql("UPDATE \(schema).m SET ts = ts - 10 WHERE ts = $1::date", [date(18_262 + 4)])
    #expect(try heard(2) == [table, changed(-6)])
    try sql("DELETE FROM \(schema).m WHERE ts >= $1::date", [date(18_262 + 1)])
    #expect(try heard(1) == [changed(1)])
    try sql("UPDATE \(schema).m SET a = 0 WHERE false")
    #expect(try heard(1) == [table])
  }

  /// An UPDATE of a row the watcher has scored is named at once, not only when the watcher next
  /// starts; each restated row once. A DELETE among the scored rows stops it, as rows inserted
  /// among them do.
  @Test func watchNamesARestatedRowAtOnce() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [], ["old.csv": 0..<200, "new.csv": 200..<220])
    let runID = try storedZScoreRun(scratch, history: "old.csv")
    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let deadline = Date().addingTimeInterval(60)
    func printed(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
    func waitFor(_ what: String, in url: URL, count: Int = 1) throws {
      while printed(url).components(separatedBy: what).count <= count {
        guard Date() < deadline, watcher.process.isRunning else {
          throw SeismoTestError("never printed \(what): \(printed(watcher.outURL)) \(printed(watcher.errURL))")
        }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
    try waitFor("reads only the rows after the last it read", in: watcher.outURL)
    try ingest(scratch, "new.csv", [])
    try waitFor("scored 20 new rows", in: watcher.outURL)
    let warning = "changed in the table after it was scored (\(date(18_262 + 30)))"
    try sql("UPDATE \(schema).m SET b = b + 1 WHERE ts = $1::date", [date(18_262 + 30)])
    try waitFor(warning, in: watcher.errURL)
    // Another row restated: only that one is named; a change after the rows read, none.
    try sql("UPDATE \(schema).m SET b = b + 1 WHERE ts IN ($1::date, $2::date)", [date(18_262 + 30), date(18_262 + 210)])
    try waitFor("changed in the table after it was scored (\(date(18_262 + 210)))", in: watcher.errURL)
    #expect(printed(watcher.errURL).components(separatedBy: warning).count == 2, "\(printed(watcher.errURL))")
    try sql("DELETE FROM \(schema).m WHERE ts = $1::date", [date(18_262 + 100)])
    let stopped = try watcher.wait()
    #expect(stopped.status == 1 && stopped.stderr.contains("the data's history no longer matches run"), "\(stopped.stderr)")
    #expect(!stopped.stderr.contains("reconnecting"), "the watcher read again without losing its connection")
  }

  @Test func ingestKeepsGapsAsNullsForTheSourcesGapPolicy() throws {
    let scratch = try Scratch()
    try scratch.write("gaps.csv", "date,a,b\n2020-01-01,1,\n2020-01-02,,2\n2020-01-03,3,4\n")
    for (table, extra) in [("wide", [String]()), ("long", ["--long"])] {
      let r = try CLI.run(
        ["ingest", "gaps.csv", "--url", url, "--schema", schema, "--table", table, "--create", "--gaps", "keep"] + extra,
        in: scratch.url)
      #expect(r.status == 0 && r.stdout.contains("2 empty cells stored as NULL"), "\(r.stdout) \(r.stderr)")
    }
    #expect(
      try sql("SELECT ts::text, a::text, b::text FROM \(schema).wide ORDER BY ts")
        == [["2020-01-01", "1", nil], ["2020-01-02", nil, "2"], ["2020-01-03", "3", "4"]])
    #expect(try sql("SELECT count(*) FROM \(schema).long WHERE value IS NULL")[0][0] == "2")
    // Read back, the source's own policy handles the NULLs: ffill drops the leading gap of b.
    func load(_ table: String, _ extra: [String: ParameterValue]) throws -> Frame {
      try loadSource(extra.merging(["table": .text(table)]) { $1 })
    }
    let filled = try load("wide", [:])
    #expect(filled.rowCount == 2 && filled.values == [1, 2, 3, 4])
    #expect(try load("long", ["layout": .text("long")]) == filled)
    #expect(throws: SeismoError.self) { try load("wide", ["gaps": .text("error")]) }
    // A column of NULLs leaves no row: the error names it, under either policy.
    try sql("ALTER TABLE \(schema).wide ADD COLUMN unset double precision")
    for gaps in ["ffill", "drop"] {
      #expect(
        "\(try #require(throws: SeismoError.self) { try load("wide", ["columns": .textList(["a", "unset"]), "gaps": .text(gaps)]) })"
          == "postgres table \(schema).wide: no rows left after the gap policy '\(gaps)': feature 'unset' has no value in any row"
      )
    }
    // Without keep, the CSV's own gap policy applies before anything is stored.
    let ffill = try CLI.run(
      ["ingest", "gaps.csv", "--url", url, "--schema", schema, "--table", "filled", "--create"], in: scratch.url)
    #expect(ffill.stdout.contains("1 rows dropped by gaps: ffill") && ffill.stdout.contains("1 empty cells forward-filled"))
    #expect(try sql("SELECT count(*) FROM \(schema).filled WHERE a IS NULL OR b IS NULL")[0][0] == "0")
    // FRED writes '.' for a day without a print: --missing stores it as NULL; without, it is refused.
    try scratch.write("fred.csv", "DATE,DGS30\n2020-01-01,2.5\n2020-01-02,.\n2020-01-03,2.75\n")
    let refused = try CLI.run(
      ["ingest", "fred.csv", "--url", url, "--schema", schema, "--table", "fred", "--create"], in: scratch.url)
    #expect(refused.status == 1 && refused.stderr.contains("set missing: ['.']"), "\(refused.stderr)")
    let fred = try CLI.run(
      [
        "ingest", "fred.csv", "--url", url, "--schema", schema, "--table", "fred", "--create", "--missing", ".", "--gaps", "keep",
      ],
      in: scratch.url)
    #expect(fred.status == 0 && fred.stdout.contains("1 empty cells stored as NULL"), "\(fred.stdout) \(fred.stderr)")
    #expect(try sql("SELECT \"DGS30\"::text FROM \(schema).fred ORDER BY ts") == [["2.5"], [nil], ["2.75"]])
    // A title above the header: refused with the count, read with --skip-lines.
    try scratch.write("titled.csv", "10-Year Treasury\ndate,t10\n2020-01-01,1.9\n2020-01-02,1.95\n")
    let titled = try CLI.run(
      ["ingest", "titled.csv", "--url", url, "--schema", schema, "--table", "t10", "--create"], in: scratch.url)
    #expect(titled.status == 1 && titled.stderr.contains("a title or notes above the table? skip_lines: 1"), "\(titled.stderr)")
    let skipped = try CLI.run(
      ["ingest", "titled.csv", "--url", url, "--schema", schema, "--table", "t10", "--create", "--skip-lines", "1"],
      in: scratch.url)
    #expect(skipped.status == 0, "\(skipped.stderr)")
    #expect(try sql("SELECT t10::text FROM \(schema).t10 ORDER BY ts") == [["1.9"], ["1.95"]])
  }

  @Test func pooledConnectionsAreReusedAndReplacedWhenTheServerClosedThem() throws {
    let pool = PGConnectionPool(idlePerTarget: 2)
    func backend() throws -> String? { try pool.withConnection(url) { try $0.execute("SELECT pg_backend_pid()").rows[0][0] } }
    let first = try backend()
    #expect(try backend() == first && pool.idleCount(for: url) == 1)
    try sql("SELECT pg_terminate_backend($1::int)", [first])
    Thread.sleep(forTimeInterval: 0.2)
    var tries = 0
    let replaced = try pool.withConnection(url) { db -> String? in
      tries += 1
      return try db.execute("SELECT pg_backend_pid()").rows[0][0]
    }
    #expect(replaced != first && tries == 2)
    #expect(throws: SeismoError.self) { try pool.withConnection(url) { _ in throw SeismoError.invalidInput("no") } }
    #expect(pool.idleCount(for: url) == 0)  // a connection whose body failed is not kept
  }

  /// A float8 read comes a row at a time, in binary, bit for bit, with NULL apart from a stored
  /// NaN; it refuses a column that is not float8 rather than misreading its bytes. A failure
  /// mid-read, or a caller that stops, leaves the connection ready for the next statement.
  @Test func float8RowsAreReadExactlyOneAtATime() throws {
    let db = try PGConnection(url)
    var rows: [[Double?]] = []
    try db.forEachFloat8Row(
      "SELECT x, $1::float8 FROM unnest('{1.5,-0,1e300,5e-324,NULL,NaN,-Infinity}'::float8[]) WITH ORDINALITY AS u(x, k) ORDER BY k",
      ["0.1"]
    ) { row in rows.append((0..<row.columnCount).map { row[$0] }) }
    #expect(rows.count == 7 && rows.allSatisfy { $0.count == 2 && $0[1] == 0.1 })
    let column = rows.map { $0[0] }
    #expect(Array(column.prefix(5)) == [1.5, -0.0, 1e300, 5e-324, nil])
    #expect(column[1]?.sign == .minus && column[5]?.isNaN == true && column[6] == -.infinity)
    var none = 0
    try db.forEachFloat8Row("SELECT 1.5::float8 WHERE false") { _ in none += 1 }
    #expect(none == 0)
    #expect(throws: SeismoError.state("postgres: column 2 of a float8 read is not float8")) {
      try db.forEachFloat8Row("SELECT 1::float8, 2::real") { _ in }
    }
    var read = 0
    #expect(throws: SeismoError.self) {
      try db.forEachFloat8Row("SELECT 1 / (3 - x)::float8 FROM generate_series(1, 5) x") { _ in read += 1 }
    }
    #expect(read == 2, "the rows before the server's error")
    struct Enough: Error {}
    #expect(throws: Enough.self) {
      try db.forEachFloat8Row("SELECT generate_series(1, 100000000)::float8") { row in
        if row[0] == 3 { throw Enough() }
      }
    }
    #expect(try db.execute("SELECT 41 + 1").rows == [["42"]], "the cancelled query is over")
  }

  /// A stream's reader may pause between rows for longer than the statement timeout: each fetch
  /// of its cursor is a statement of its own. A single-row read is one statement, which the
  /// timeout stops once the server has had more to send than the socket holds.
  @Test func aCursorReadOutlastsTheStatementTimeout() throws {
    let db = try PGConnection(url)
    try db.execute("SET statement_timeout = 500")
    let select = "SELECT generate_series(1, 2000000)::float8"
    let pauseAtTheFirstRow = { (row: PGFloat8Row) in if row[0] == 1 { Thread.sleep(forTimeInterval: 1) } }
    var rows = 0
    try db.transaction {
      try db.forEachFloat8Row(select, fetching: 50_000) { row in
        pauseAtTheFirstRow(row)
        rows += 1
      }
    }
    #expect(rows == 2_000_000)
    let stopped = #expect(throws: SeismoError.self) { try db.forEachFloat8Row(select, [], pauseAtTheFirstRow) }
    #expect("\(stopped.map { "\($0)" } ?? "")".contains("statement timeout"))
    // A caller that stops leaves nothing on the connection: the batch asked for ahead is taken off.
    struct Enough: Error {}
    try db.transaction {
      #expect(throws: Enough.self) {
        try db.forEachFloat8Row(select, fetching: 1_000) { row in if row[0] == 1_500 { throw Enough() } }
      }
      var after = 0
      try db.forEachFloat8Row("SELECT 1::float8") { _ in after += 1 }
      #expect(after == 1)
    }
  }

  /// A stream scores as it reads, so its read lasts as long as the scoring: the statement timeout
  /// bounds each fetch of its cursor, and a slow piece does not stop it.
  @Test func aStreamOutlastsTheStatementTimeout() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).t (ts timestamp PRIMARY KEY, x float8)")
    try sql(
      "INSERT INTO \(schema).t SELECT timestamp '2000-01-01' + g * interval '1 minute', g FROM generate_series(1, 1000000) g"
    )
    let timeout = (url.contains("?") ? "&" : "?") + "options=-c%20statement_timeout%3D1000"
    var rows = 0
    try source(["table": .text("t"), "url": .text(url + timeout)]).stream(rows: 65_536, observer: nil) { piece in
      if rows == 0 { Thread.sleep(forTimeInterval: 1.5) }
      rows += piece.frame.rowCount
    }
    #expect(rows == 1_000_000)
  }

  /// A table or query read a piece at a time gives, piece after piece, the rows `load` gives:
  /// duplicates (sub-second rows) and a long table's symbols merged across the cuts, gaps
  /// filled across them; each piece holds about the rows asked for. Progress counts table rows.
  @Test func streamedTablesGiveTheRowsALoadGives() throws {
    try sql("CREATE SCHEMA \(schema)")
    // Rows 2k and 2k + 1 share second k; a is NULL in every fifth second.
    try sql(
      """
      CREATE TABLE \(schema).w AS SELECT timestamp '2020-01-01' + (i / 2) * interval '1 second'
        + (i % 2) * interval '0.25 second' AS ts, CASE WHEN (i / 2) % 5 = 3 THEN NULL ELSE i::float8 END AS a,
        (i * i)::float8 AS b FROM generate_series(0, 40) i
      """)
    try sql(
      "CREATE TABLE \(schema).l AS SELECT ts, 'a' AS symbol, a AS value FROM \(schema).w UNION ALL SELECT ts, 'b', b FROM \(schema).w"
    )
    let merged: [String: ParameterValue] = ["duplicates": .text("mean"), "gaps": .text("ffill")]
    let cases: [(values: [String: ParameterValue], tableRows: Int, counted: Bool)] = [
      (["table": .text("w")], 41, true),
      (["table": .text("l"), "layout": .text("long")], 82, true),
      (["query": .text("SELECT ts, a, b FROM \(schema).w")], 41, false),
    ]
    for (values, tableRows, counted) in cases {
      let source = try self.source(values.merging(merged) { $1 })
      var loadCounts: [ProgressCount] = []
      let whole = try source.load(observer: { loadCounts.append($0) })
      #expect(whole.frame.rowCount == 21, "41 rows in 21 seconds: \(values)")
      #expect(loadCounts.last == ProgressCount(tableRows, of: counted ? tableRows : nil, .rows), "\(values)")
      var pieces: [LoadedFrame] = []
      var counts: [ProgressCount] = []
      // Pieces of 3 rows cut seconds in two.
      try source.stream(rows: 3, observer: { counts.append($0) }) { pieces.append($0) }
      #expect(pieces.count >= 7, "\(values)")
      #expect(pieces.allSatisfy { $0.rowsRead <= 4 }, "\(pieces.map(\.rowsRead))")
      #expect(pieces.flatMap(\.frame.timestamps) == whole.frame.timestamps, "\(values)")
      #expect(pieces.flatMap(\.frame.values) == whole.frame.values, "\(values)")
      #expect(pieces.map(\.cellsFilled).reduce(0, +) == whole.cellsFilled && whole.cellsFilled > 0)
      #expect(pieces.map(\.duplicateRowsMerged).reduce(0, +) == whole.duplicateRowsMerged)
      #expect(counts.last == ProgressCount(tableRows, of: counted ? tableRows : nil, .rows))
    }
    // Progress every 50,000 rows and at the end.
    var counts: [ProgressCount] = []
    try sql(
      "CREATE TABLE \(schema).big AS SELECT timestamp '2020-01-01' + i * interval '1 minute' AS ts, i::float8 AS x FROM generate_series(1, 120000) i"
    )
    _ = try source(["table": .text("big")]).load(observer: { counts.append($0) })
    #expect(counts == [50_000, 100_000, 120_000].map { ProgressCount($0, of: 120_000, .rows) })
    // A listed symbol without rows is named before any piece is handed on.
    var handed = 0
    let missing = #expect(throws: SeismoError.self) {
      try source(["table": .text("l"), "layout": .text("long"), "symbols": .textList(["a", "c"])])
        .stream(rows: 3, observer: nil) { _ in handed += 1 }
    }
    #expect("\(missing.map { "\($0)" } ?? "")".contains("no rows for symbol 'c'") && handed == 0)
  }

  @Test func legalButAwkwardTablesGiveClearAnswers() throws {
    try sql("CREATE SCHEMA \(schema)")
    func load(_ table: String, _ extra: [String: ParameterValue] = [:]) -> String {
      loadOutcome(extra.merging(["table": .text(table)]) { $1 }) { "rows \($0.rowCount): \($0.values)" }
    }
    // An infinite timestamp: refused with a hint, not a crash.
    try sql("CREATE TABLE \(schema).inf (ts timestamptz, x float8)")
    try sql("INSERT INTO \(schema).inf VALUES ('2020-01-01', 1), ('infinity', 2)")
    #expect(load("inf").contains("a row's time is infinity; bound the range with from and to"))
    #expect(load("inf", ["to": .text("2020-12-31")]) == "rows 1: [1.0]")
    // A stored NaN is refused as the CSV source refuses it; NULL stays a gap.
    try sql("CREATE TABLE \(schema).nan (ts timestamptz, x float8)")
    try sql("INSERT INTO \(schema).nan VALUES ('2020-01-01', 1), ('2020-01-02', NULL), ('2020-01-03', 'NaN')")
    #expect(load("nan").contains("NaN or infinity at 2020-01-03 is not"), "a midnight is a date: \(load("nan"))")
    #expect(load("nan", ["to": .text("2020-01-02")]) == "rows 2: [1.0, 1.0]", "NULL forward-filled")
    try sql("CREATE TABLE \(schema).huge (ts date, x float8)")
    try sql("INSERT INTO \(schema).huge VALUES ('2020-01-01', 1), ('2020-01-02', 1e39)")
    #expect(load("huge").contains("at 2020-01-02 is not a number Seismo can use (nor is a number beyond a 32-bit float's"))
    // Sub-second rows share a second: an error by default, merged on request.
    try sql("CREATE TABLE \(schema).sub (ts timestamptz, x float8)")
    try sql(
      "INSERT INTO \(schema).sub VALUES ('2020-01-01 00:00:00.2', 1), ('2020-01-01 00:00:00.7', 3), ('2020-01-01 00:00:01', 5)")
    #expect(load("sub").contains("sub-second rows share one); set duplicates"), "\(load("sub"))")
    #expect(load("sub", ["duplicates": .text("mean")]) == "rows 2: [2.0, 5.0]")
    // first and last follow the stored times, not the order the rows were inserted in.
    try sql("CREATE TABLE \(schema).subrev (ts timestamptz, x float8)")
    try sql("INSERT INTO \(schema).subrev VALUES ('2020-01-01 00:00:00.7', 3), ('2020-01-01 00:00:00.2', 1)")
    #expect(load("subrev", ["duplicates": .text("first")]) == "rows 1: [1.0]")
    #expect(load("subrev", ["duplicates": .text("last")]) == "rows 1: [3.0]")
    try sql("CREATE TABLE \(schema).sublong (ts timestamptz, symbol text, value float8)")
    try sql(
      "INSERT INTO \(schema).sublong VALUES ('2020-01-01 00:00:00.2', 'v', 1), ('2020-01-01 00:00:00.7', 'v', 3), ('2020-01-01 00:00:01', 'v', 5)"
    )
    #expect(load("sublong", ["layout": .text("long")]).contains("set duplicates"))
    #expect(load("sublong", ["layout": .text("long"), "duplicates": .text("last")]) == "rows 2: [3.0, 5.0]")
    #expect(load("sublong", ["layout": .text("long"), "duplicates": .text("mean")]) == "rows 2: [2.0, 5.0]")
    // A symbol listed twice is a config error, not a crash.
    #expect(load("sublong", ["layout": .text("long"), "symbols": .textList(["v", "v"])]).contains("'v' is listed twice"))
  }

  /// Columns are checked by name and type before any row is read: a missing one is named with
  /// the table's columns, a text one or a time column that is no date says so (not a failed
  /// cast), and a domain counts as its base type.
  @Test func missingAndMistypedColumnsAreNamed() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE DOMAIN \(schema).price AS float8")
    try sql("CREATE TABLE \(schema).mixed (ts date, a float8, label text, n integer, p \(schema).price)")
    try sql("INSERT INTO \(schema).mixed SELECT '2020-01-01'::date + i, i, 'x', i, i * 2 FROM generate_series(0, 9) i")
    try sql("CREATE TABLE \(schema).long (ts timestamptz, symbol text, value text)")
    try sql("CREATE TABLE \(schema).bare ()")
    func load(_ values: [String: ParameterValue]) -> String {
      loadOutcome(values) { "\($0.featureNames) × \($0.rowCount)" }
    }
    let table = "postgres table \(schema).mixed"
    #expect(load(["table": .text("mixed")]) == "[\"a\", \"n\", \"p\"] × 10", "numeric columns and the domain, not the text")
    #expect(
      load(["table": .text("mixed"), "columns": .textList(["label"])])
        == "\(table): column 'label' is text, not a number (numbers? read the table with a query that converts it: SELECT \"label\"::float8 AS \"label\", … FROM \"\(schema)\".\"mixed\")"
    )
    #expect(
      load(["table": .text("mixed"), "columns": .textList(["A"])])
        == "\(table): no column 'A' (did you mean 'a'?); columns are: ts, a, label, n, p")
    #expect(
      load(["table": .text("mixed"), "time_column": .text("a")])
        == "\(table): the time column 'a' is double precision, not a date or timestamp (seconds since 1970? read the table with a query that converts it: SELECT to_timestamp(\"a\") AS \"a\", … FROM \"\(schema)\".\"mixed\")"
    )
    #expect(
      load(["table": .text("mixed"), "time_column": .text("when")])
        == "\(table): no time column 'when'; columns are: ts, a, label, n, p")
    #expect(
      load(["query": .text("SELECT ts, label FROM \(schema).mixed")])
        == "postgres query: column 'label' is text, not a number (numbers? convert it in the query: SELECT \"label\"::float8 AS \"label\", …)"
    )
    #expect(
      load(["query": .text("SELECT a, ts FROM \(schema).mixed")])
        == "postgres query: the time column 'a' is double precision, not a date or timestamp (seconds since 1970? convert it in the query: SELECT to_timestamp(\"a\") AS \"a\", …)"
    )
    #expect(
      load(["query": .text("SELECT ts::text AS ts, a FROM \(schema).mixed")]).hasSuffix(
        "(times written as text? convert it in the query: SELECT \"ts\"::timestamptz AS \"ts\", …)"))
    #expect(
      load(["query": .text("SELECT ts, a::numeric::money AS m FROM \(schema).mixed")]).hasSuffix(
        "(numbers? convert it in the query: SELECT \"m\"::numeric AS \"m\", …)"))
    #expect(
      load(["query": .text("SELECT ts, a > 1 AS b FROM \(schema).mixed")]).hasSuffix(
        "(numbers? convert it in the query: SELECT \"b\"::int AS \"b\", …)"))
    #expect(load(["query": .text("SELECT ts, p, n * 2 AS twice FROM \(schema).mixed")]) == "[\"p\", \"twice\"] × 10")
    #expect(
      load(["table": .text("long"), "layout": .text("long")])
        == "postgres table \(schema).long: column 'value' is text, not a number")
    #expect(
      load(["table": .text("long"), "layout": .text("long"), "symbol_column": .text("ticker")])
        == "postgres table \(schema).long: no symbol column 'ticker'; columns are: ts, symbol, value")
    #expect(load(["table": .text("bare")]) == "postgres table \(schema).bare: the table has no columns")
    // A setting the chosen form would not read is refused, not ignored.
    let query: ParameterValue = .text("SELECT ts, a FROM \(schema).mixed")
    for (values, expected) in [
      (["query": query, "from": .text("2020-01-03")], "source.from: not read here: a query bounds its own rows"),
      (["query": query, "symbols": .textList(["a"])], "source.symbols: not read here: a query's features"),
      (["table": .text("long"), "layout": .text("long"), "columns": .textList(["a"])], "source.columns: not read here"),
      (["table": .text("mixed"), "symbols": .textList(["a"])], "source.symbols: not read here: a wide table picks columns"),
      (["table": .text("mixed"), "from": .text("2020-01-05"), "to": .text("2020-01-03")], "source.to: '2020-01-03' is before"),
    ] as [([String: ParameterValue], String)] {
      #expect(load(values).hasPrefix(expected), "\(values): \(load(values))")
    }
    // The indicators without pivoting rows: a wide table's numeric columns or those listed; a
    // long table's symbols, listed or those in the time range; a query's, never.
    func indicators(_ values: [String: ParameterValue]) throws -> [String]? { try source(values).indicatorNames() }
    #expect(try indicators(["table": .text("mixed")]) == ["a", "n", "p"])
    #expect(try indicators(["table": .text("mixed"), "columns": .textList(["n"])]) == ["n"])
    let long: [String: ParameterValue] = ["table": .text("long"), "layout": .text("long")]
    #expect(try indicators(long) == nil, "no symbol at all")
    try sql(
      "INSERT INTO \(schema).long VALUES ('2020-01-02', 'b', '1'), ('2020-01-01', 'a', '1'), ('2020-01-02', NULL, '1'), ('2020-01-02', 'a', '2')"
    )
    #expect(try indicators(long) == ["a", "b"])
    #expect(try indicators(long.merging(["to": .text("2020-01-01")]) { $1 }) == ["a"], "the symbols of the time range")
    #expect(try indicators(long.merging(["symbols": .textList(["x"])]) { $1 }) == ["x"])
    #expect(try indicators(["query": .text("SELECT 1")]) == nil)
    #expect(load(["table": .text("none")]) == "postgres table \(schema).none: no such table")
  }

  /// `newRows` reads the whole table once, then only the rows after the last it read, with the
  /// gap policy carrying values across reads, and stops when rows appear or vanish among those
  /// already read.
  @Test func newRowsAreTheRowsAfterTheLastRead() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).w (ts date, a float8, b float8)")
    try sql("CREATE TABLE \(schema).l (ts timestamptz, symbol text, value float8)")
    // Days 0–3; a is NULL on day 0 (and on day 4, added later), b is ten times the day.
    func insert(_ days: ClosedRange<Int>) throws {
      try sql(
        "INSERT INTO \(schema).w SELECT '2020-01-01'::date + d, CASE WHEN d % 4 = 0 THEN NULL ELSE d END, d * 10 FROM generate_series($1::int, $2::int) d",
        ["\(days.lowerBound)", "\(days.upperBound)"])
    }
    try insert(0...3)
    try sql(
      "INSERT INTO \(schema).l SELECT '2020-01-01'::timestamptz + d * interval '1 day', 'x', d FROM generate_series(1, 3) d")
    for (table, layout, features) in [("w", "wide", ["a", "b"]), ("l", "long", ["x"])] {
      let reader = try source(["table": .text(table), "layout": .text(layout)])
      var position = PostgresSource.ReadPosition(features: features)
      let first = try reader.newRows(after: &position).frame
      #expect(first.rowCount == 3, "\(table): day 0 has no a (a leading gap, dropped)")
      #expect(try reader.newRows(after: &position).frame.rowCount == 0, "\(table): nothing new")
      if layout == "wide" {
        try insert(4...5)
        let next = try reader.newRows(after: &position).frame
        let days: [Timestamp] = [18_266 * 86_400, 18_267 * 86_400]
        #expect(next.timestamps == days)
        #expect(next.values == [3, 40, 5, 50], "day 4's a is carried from day 3, read the time before")
        try sql("INSERT INTO \(schema).w VALUES ('2019-12-31', 1, 1)")
      } else {
        try sql("INSERT INTO \(schema).l VALUES ('2020-01-05', 'x', 4), ('2020-01-05', 'y', 7)")
        let next = try reader.newRows(after: &position).frame
        #expect(next.values == [4] && next.featureNames == ["x"], "only the read symbols")
        try sql("DELETE FROM \(schema).l WHERE ts = '2020-01-02'")
      }
      var thrown = ""
      do { _ = try reader.newRows(after: &position) } catch { thrown = "\(error)" }
      #expect(thrown.contains("rows were inserted or deleted among those already scored"), "\(table): \(thrown)")
    }
    let query = try source(["query": .text("SELECT ts, a FROM \(schema).w")])
    var position = PostgresSource.ReadPosition(features: ["a"])
    #expect(!query.readsNewRows)
    #expect(throws: SeismoError.self) { try query.newRows(after: &position) }
  }

  /// Rows at the end of a table that miss a feature wait (`wait_for`, by default every feature):
  /// they are read again at the next call and come out once complete, with their own values,
  /// not carried ones, or once a later row is complete. The wait moves no row count, so a
  /// symbol that comes late is no insertion among the rows read. Rows up to `settled` (a run's
  /// scored rows) never wait.
  @Test func newRowsWaitForEveryFeature() throws {
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).l (ts date, symbol text, value float8)")
    try sql("CREATE TABLE \(schema).w (ts date, a float8, b float8)")
    try sql(
      "INSERT INTO \(schema).l SELECT '2020-01-01'::date + d, s, d FROM generate_series(1, 3) d, unnest(ARRAY['x', 'y']) s")
    try sql("INSERT INTO \(schema).w SELECT '2020-01-01'::date + d, d, d * 10 FROM generate_series(1, 3) d")
    let day = { (d: Int) in Timestamp((18_262 + d) * 86_400) }

    let long = try source(["table": .text("l"), "layout": .text("long")])
    var position = PostgresSource.ReadPosition(features: ["x", "y"])
    #expect(try long.newRows(after: &position).frame.rowCount == 3 && position.waiting == nil)
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-05', 'x', 4), ('2020-01-06', 'x', 5)")
    #expect(try long.newRows(after: &position).frame.rowCount == 0)
    #expect(position.waiting == WaitingRows(rows: 2, since: day(4), missing: ["y"]))
    #expect(position.waiting?.description == "2 rows wait for y (from 2020-01-05)")
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-06', 'y', 50)")
    let late = try long.newRows(after: &position).frame
    #expect(late.timestamps == [day(4), day(5)] && late.values == [4, 3, 5, 50], "day 4 waited, then carried y: \(late.values)")
    #expect(position.waiting == nil)
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-07', 'y', 6)")
    #expect(try long.newRows(after: &position).frame.rowCount == 0 && position.waiting?.missing == ["x"])
    try sql("INSERT INTO \(schema).l VALUES ('2020-01-07', 'x', 60)")
    #expect(try long.newRows(after: &position).frame.values == [60, 6], "its own x, once it came")
    // A whole load does not wait; it carries y through the last 5 days and says so.
    try sql("INSERT INTO \(schema).l SELECT '2020-01-01'::date + d, 'x', d FROM generate_series(8, 12) d")
    let loaded = try long.load()
    #expect(
      loaded.frame.rowCount == 11
        && loaded.carriedToEnd == [GapPolicy.Carry(feature: 1, rows: 5, after: day(6), from: day(8))])

    let wide = try source(["table": .text("w")])
    func read(_ reader: PostgresSource, settled: Timestamp? = nil) throws -> (values: [Float], waiting: Int) {
      var position = PostgresSource.ReadPosition(features: ["a", "b"], settled: settled)
      let frame = try reader.newRows(after: &position).frame
      return (frame.values, position.waiting?.rows ?? 0)
    }
    try sql("INSERT INTO \(schema).w VALUES ('2020-01-05', 4, NULL)")
    #expect(try read(wide) == ([1, 10, 2, 20, 3, 30], 1))
    #expect(try read(wide, settled: day(4)).values.suffix(2) == [4, 30], "a scored row never waits")
    #expect(try read(source(["table": .text("w"), "wait_for": .textList([])])) == ([1, 10, 2, 20, 3, 30, 4, 30], 0))
    #expect(try read(source(["table": .text("w"), "wait_for": .textList(["a"])])).waiting == 0)
    #expect(try read(source(["table": .text("w"), "wait_for": .textList(["b"])])).waiting == 1)
    try sql("UPDATE \(schema).w SET b = 40 WHERE ts = '2020-01-05'")
    #expect(try read(wide) == ([1, 10, 2, 20, 3, 30, 4, 40], 0))
    #expect(
      loadOutcome(["table": .text("w"), "wait_for": .textList(["bb"])]) { _ in "" } == "",
      "a whole load does not wait")
    var unknown = PostgresSource.ReadPosition(features: ["a", "b"])
    #expect {
      try source(["table": .text("w"), "wait_for": .textList(["bb"])]).newRows(after: &unknown)
    } throws: { "\($0)".contains("source.wait_for: 'bb' is not a feature read (did you mean 'b'?)") }
    #expect(throws: SeismoError.self) { try source(["table": .text("w"), "wait_for": .textList(["all", "a"])]) }
  }

  /// `from` and `to` are UTC, as every time in Seismo, whatever the server's TimeZone: with the
  /// session in New York, a day's bounds still take exactly that day's rows of a `timestamptz`,
  /// a `date` and a `timestamp` column.
  @Test func timeBoundsAreUTCInAnySessionTimeZone() throws {
    try sql("CREATE SCHEMA \(schema)")
    for (table, type) in [("instants", "timestamptz"), ("days", "date"), ("clock", "timestamp")] {
      try sql("CREATE TABLE \(schema).\(table) (ts \(type), x float8)")
      // Midnight UTC of ten days (a timestamp read as UTC becomes the instant).
      let day = "(timestamp '2020-01-01' + i * interval '1 day')" + (type == "timestamptz" ? " AT TIME ZONE 'UTC'" : "")
      try sql("INSERT INTO \(schema).\(table) SELECT \(day), i FROM generate_series(0, 9) i")
    }
    let newYork = url + (url.contains("?") ? "&" : "?") + "options=-c%20TimeZone%3DAmerica/New_York"
    #expect(try PGConnection(newYork).execute("SHOW TimeZone").rows == [["America/New_York"]])
    for table in ["instants", "days", "clock"] {
      for (from, to) in [("2020-01-03", "2020-01-05"), ("2020-01-03T00:00Z", "2020-01-05 00:00:00+00:00")] {
        let frame = try source([
          "url": .text(newYork), "table": .text(table), "from": .text(from), "to": .text(to),
        ]).load().frame
        #expect(frame.values == [2, 3, 4], "\(table) from \(from) to \(to)")
      }
      let shifted = try source(["url": .text(newYork), "table": .text(table), "from": .text("2020-01-03 00:00-05")]).load()
      #expect(shifted.frame.values.first == 3, "\(table): 05:00 UTC on the 3rd is after that day's row")
    }
  }

  @Test func badTargetsGiveClearErrorsAndExecuteNothingElse() throws {
    let scratch = try Scratch()
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).victim (ts timestamptz, a float8)")
    func detect(_ source: String) throws -> CLI.Result {
      try scratch.write("run.yaml", "source: \(source)\ndetector: { plugin: rolling-zscore }\n")
      return try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    }
    let wrongPassword = url.replacingOccurrences(of: "postgres@", with: "seismo_pw:wrong-secret@")
    let cases: [(String, String)] = [
      ("{ plugin: postgres, url: \"\(wrongPassword)\", table: x }", "password authentication failed for user \"seismo_pw\""),
      ("{ plugin: postgres, url: \"\(url)\", schema: \(schema), table: nope }", "postgres table \(schema).nope: no such table"),
      (
        "{ plugin: postgres, url: \"\(url)\", schema: \(schema), table: victim, columns: [nope] }",
        "postgres table \(schema).victim: no column 'nope'; columns are: ts, a"
      ),
      (
        "{ plugin: postgres, url: \"\(url)\", schema: \(schema), table: 'victim\"; DROP TABLE \(schema).victim; --' }",
        "no such table"
      ),
      (
        "{ plugin: postgres, url: \"postgresql://postgres@127.0.0.1:1/postgres\", table: x }",
        "cannot connect to postgresql://postgres@127.0.0.1:1/postgres"
      ),
    ]
    for (source, expected) in cases {
      let result = try detect(source)
      // 2: the server refused or could not be reached; 1: the table or column simply is not there.
      #expect(result.status == (expected.contains("no such table") || expected.contains("no column") ? 1 : 2), "\(result.stderr)")
      #expect(result.stderr.hasPrefix("error: postgres"), "\(result.stderr)")
      #expect(result.stderr.contains(expected), "\(result.stderr)")
      #expect(!result.stderr.contains("wrong-secret"), "the password never reaches output")
      #expect(result.stderr.split(separator: "\n").count == 1)
    }
    #expect(
      try sql("SELECT to_regclass($1) IS NOT NULL", ["\(schema).victim"])[0][0] == "t", "nothing beyond the failing statement ran"
    )
    #expect(PGConnection.redact("postgresql://u:s3cret@h/db") == "postgresql://u:***@h/db")
    #expect(PGConnection.redact("host=h password=s3cret user=u") == "host=h password=*** user=u")
  }

  /// The sink writes on a pooled connection (the one `prepare` checked the schema on). Cut mid-write,
  /// it writes again once on a new connection; cut again, it fails with exit 2, and neither cut
  /// write leaves any part of the run behind.
  @Test(arguments: [1, 2]) func aConnectionLostMidWriteLeavesNoPartOfTheRun(cuts: Int) throws {
    let scratch = try Scratch()
    try migrate(scratch)
    let name = "seismo_\(schema)_\(cuts)"  // this test's own connections: other tests' sinks may wait on the lock too
    try writeSinkRun(scratch, sinkURL: "\(url)?application_name=\(name)")
    // Hold a lock on the scores table and its partitions so the sink blocks inside its transaction
    // (after inserting the run row, which gave it a transaction id), then cut its connection the
    // way a stopped server would.
    let holder = try holdingLock(on: "seismo.scores")
    let process = Process()
    process.executableURL = CLI.executable
    process.arguments = ["detect", "run.yaml", "--out", "r", "--quiet"]
    process.currentDirectoryURL = scratch.url
    let stderr = Pipe()
    process.standardError = stderr
    try process.run()
    var killed: [String] = []
    // Poll from another connection: inside a transaction pg_stat_activity is one cached snapshot.
    let watcher = try PGConnection(url)
    for _ in 0..<400 where killed.count < cuts {
      let waiting = try watcher.execute(
        "SELECT pid::text FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL AND NOT pid::text = ANY($2::text[])",
        [name, PGText.array(killed)])
      if let pid = waiting.rows.first?.first ?? nil {
        try watcher.execute("SELECT pg_terminate_backend($1::int)", [pid])
        killed.append(pid)
      } else {
        Thread.sleep(forTimeInterval: 0.05)
      }
    }
    try holder.execute("ROLLBACK")
    let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(killed.count == cuts, "the sink blocked on the lock \(killed.count) times")
    let runID = try storedRunID(scratch, "r")
    let stored = try sql(
      "SELECT count(*)::text, (SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1)::text FROM seismo.runs WHERE run_id = $1",
      [runID])
    if cuts == 1 {
      #expect(process.terminationStatus == 0, "\(message)")
      #expect(stored == [["1", "180"]])  // once, whole: 200 rows less the window's 20
    } else {
      #expect(process.terminationStatus == 2, "a database failure exits 2")
      #expect(message.hasPrefix("error: postgres"), "\(message)")
      #expect(stored == [["0", "0"]])
    }
  }

  /// The sink locks seismo.scores before the partition it copies into, the order PostgreSQL's own
  /// statements take (a query, `DROP`, `ALTER` and `LOCK TABLE` lock the parent first). Copying into
  /// the partition alone took the partition first and the parent after (to read its bounds), and
  /// deadlocked against anyone locking the whole table meanwhile.
  /// On a throwaway server of its own: another test's run that starts a partition meanwhile would
  /// wait for the lock held here with the partition creators' lock, which this run would then
  /// wait for instead.
  @Test func theSinkLocksTheScoresTableBeforeItsPartition() throws {
    let server = try ThrowawayServer()
    defer { server.stop() }
    let url = server.url
    let scratch = try Scratch()
    #expect(try CLI.run(["db", "migrate", "--url", url], in: scratch.url).status == 0)
    let name = "seismo_\(schema)_order"
    try writeSinkRun(scratch, sinkURL: "\(url)?application_name=\(name)")
    let first = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    #expect(first.status == 0, "\(first.stderr)")  // the partition now exists
    let holder = try PGConnection(url)
    try holder.execute("BEGIN")
    try holder.execute("LOCK TABLE ONLY seismo.scores IN ACCESS EXCLUSIVE MODE")
    let process = Process()
    process.executableURL = CLI.executable
    process.arguments = ["detect", "run.yaml", "--out", "b", "--quiet"]
    process.currentDirectoryURL = scratch.url
    try process.run()
    let watcher = try PGConnection(url)
    var held: [String?] = []
    var waited = false
    for _ in 0..<400 where !waited {
      let waiting = try watcher.execute(
        """
        SELECT array_agg(l.relation::regclass::text ORDER BY l.relation::regclass::text) FILTER (WHERE l.granted)
        FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
        WHERE a.application_name = $1 AND a.wait_event_type = 'Lock' AND a.backend_xid IS NOT NULL
          AND l.locktype = 'relation' AND l.relation::regclass::text LIKE 'seismo.scores%'
        GROUP BY a.pid HAVING bool_or(NOT l.granted AND l.relation = 'seismo.scores'::regclass)
        """, [name]
      ).rows.first
      if let waiting {
        held = waiting
        waited = true
      } else {
        Thread.sleep(forTimeInterval: 0.05)
      }
    }
    try holder.execute("ROLLBACK")
    process.waitUntilExit()
    #expect(waited, "the sink waited for seismo.scores")
    #expect(held == [nil], "while waiting for seismo.scores the sink held \(held)")
    #expect(process.terminationStatus == 0)
  }

  @Test func ingestRefusesNamesPostgreSQLWouldShorten() throws {
    let scratch = try Scratch()
    let long = String(repeating: "é", count: 32)  // 64 bytes
    try scratch.write("data.csv", "date,\(long)\n2020-01-01,1\n")
    let result = try CLI.run(
      ["ingest", "data.csv", "--url", url, "--schema", schema, "--table", "t", "--create"], in: scratch.url)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("the column name '\(long)' is 64 bytes; PostgreSQL keeps only 63 and would shorten it silently"),
      "\(result.stderr)")
    #expect(try sql("SELECT to_regnamespace($1) IS NULL", [schema])[0][0] == "t", "nothing was created")
    let table = try CLI.run(
      ["ingest", "data.csv", "--url", url, "--table", String(repeating: "t", count: 64)], in: scratch.url)
    #expect(table.status == 1 && table.stderr.contains("the table name"), "\(table.stderr)")
  }

  /// A run with a known password in both URLs: no artefact, model or table holds it afterwards.
  @Test func noPasswordIsStoredAnywhere() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    let secret = "KnownSecret-\(schema)"
    // The test server trusts local connections, so any password is accepted and carried along.
    let withPassword = url.replacingOccurrences(of: "postgres@", with: "postgres:\(secret)@")
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try ingest(scratch, "data.csv", url: withPassword)
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(withPassword)", schema: \(schema), table: m }
      detector: { plugin: rolling-zscore }
      sink: { plugin: postgres, url: "\(withPassword)", save_model: true }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--save-model", "m.seismo"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    #expect(!detect.stdout.contains(secret) && !detect.stderr.contains(secret))
    for file in ["r/summary.json", "r/scores.csv", "r/report.html", "m.seismo"] {
      let bytes = try Data(contentsOf: scratch.url.appendingPathComponent(file))
      #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the password")
    }
    #expect(try scratch.read("r/summary.json").contains("postgres@127.0.0.1"), "the URL is kept, without its password")
    let hits = try sql(
      """
      SELECT (SELECT count(*) FROM seismo.runs WHERE config::text LIKE $1 OR summary::text LIKE $1)
           + (SELECT count(*) FROM seismo.models WHERE position(convert_to($2, 'UTF8') IN model) > 0)
      """, ["%\(secret)%", secret])
    #expect(hits[0][0] == "0")
  }

  @Test func ingestModesAppendUpsertAndReplaceInOneTransaction() throws {
    let scratch = try Scratch()
    func ingest(_ file: String, _ extra: [String]) throws -> CLI.Result {
      try CLI.run(["ingest", file, "--url", url, "--schema", schema, "--table", "m"] + extra, in: scratch.url)
    }
    func rows() throws -> [[String?]] { try sql("SELECT ts::text, a::text, b::text FROM \(schema).m ORDER BY ts") }
    try scratch.write("first.csv", "date,a,b\n2020-01-01,1,10\n2020-01-02,2,20\n2020-01-03,3,30\n")
    try scratch.write("next.csv", "date,a,b\n2020-01-03,33,330\n2020-01-04,4,40\n")
    let first = try ingest("first.csv", ["--create"])
    #expect(first.status == 0 && first.stdout.hasPrefix("wrote 3 rows to \(schema).m (append)"), "\(first.stdout)")
    let overlap = try ingest("next.csv", [])
    #expect(overlap.status == 2)
    #expect(
      overlap.stderr.contains("duplicate key") && overlap.stderr.contains("--mode upsert overwrites them"), "\(overlap.stderr)")
    #expect(try rows().count == 3, "nothing of the failed append was written")
    let upsert = try ingest("next.csv", ["--mode", "upsert"])
    #expect(upsert.status == 0 && upsert.stdout.hasPrefix("wrote 2 rows to \(schema).m (upsert)"), "\(upsert.stderr)")
    #expect(
      try rows() == [
        ["2020-01-01", "1", "10"], ["2020-01-02", "2", "20"], ["2020-01-03", "33", "330"], ["2020-01-04", "4", "40"],
      ])
    let replace = try ingest("next.csv", ["--mode", "replace"])
    #expect(replace.status == 0, "\(replace.stderr)")
    #expect(try rows() == [["2020-01-03", "33", "330"], ["2020-01-04", "4", "40"]])
    // Rows a gap policy drops are counted, not silently lost.
    try scratch.write("gappy.csv", "date,a,b\n2020-02-01,,1\n2020-02-02,,2\n2020-02-03,3,3\n2020-02-04,,4\n")
    let gappy = try ingest("gappy.csv", ["--mode", "replace"])
    #expect(gappy.stdout.contains("2 rows dropped by gaps: ffill, 1 empty cells forward-filled"), "\(gappy.stdout)")
  }

  /// Daily dates read back as the same day in any session time zone (issue 12, item 7).
  @Test func datesStayDatesInEveryTimeZone() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try ingest(scratch, "data.csv")
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      sink: { plugin: postgres, url: "\(url)" }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("r/summary.json").utf8)) as! [String: Any]
    let runID = summary["run_id"] as! String
    let flagged = (summary["anomalies"] as! [[String: Any]]).map { $0["timestamp"] as! String }
    #expect(flagged == [date(18_262 + 150)])
    for zone in ["America/New_York", "Asia/Tokyo"] {
      let db = try PGConnection(url)
      try db.execute("SELECT set_config('TimeZone', $1, false)", [zone])
      #expect(try db.execute("SELECT ts::text FROM \(schema).m ORDER BY ts LIMIT 1").rows[0][0] == date(18_262), "\(zone)")
      let days = try db.execute("SELECT day::text FROM seismo.anomalies WHERE run_id = $1 ORDER BY day", [runID]).rows
      #expect(days.map { $0[0] } == flagged, "\(zone)")
    }
  }

  /// `score` with a model stored by the sink (`--run`) or saved from a PostgreSQL run, reading
  /// the model's own table again; the connection comes from `--url`, as models hold no password.
  @Test func scoreReadsStoredModelsAndTheirTables() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try ingest(scratch, "data.csv")
    let withPassword = url.replacingOccurrences(of: "postgres@", with: "postgres:pw@")
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(withPassword)", schema: \(schema), table: m }
      detector: { plugin: lstm-forecaster, window: 5, units: [4], epochs: 2 }
      sink: { plugin: postgres, url: "\(url)", save_model: true }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    let runID = try storedRunID(scratch, "a")
    let scores = { (folder: String) throws -> [Substring] in
      SavedModelTests().column(try scratch.read("\(folder)/scores.csv"), "score")
    }
    let stored = try CLI.run(["score", "--run", runID, "--url", url, "--out", "b", "--quiet"], in: scratch.url)
    #expect(stored.status == 0, "\(stored.stderr)")
    #expect(try scores("b") == scores("a"), "the stored model on its own table gives the run's scores")
    let file = try CLI.run(["score", "--model", "m.seismo", "--url", url, "--out", "c", "--quiet"], in: scratch.url)
    #expect(file.status == 0, "\(file.stderr)")
    #expect(try scores("c") == scores("a"))
    let csv = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "d", "--quiet"], in: scratch.url)
    #expect(csv.status == 0, "\(csv.stderr)")
    #expect(try scores("d") == scores("a"), "a model trained from PostgreSQL scores a CSV with the same columns")
    // A run that does not exist, or stored no model, is the user's to fix (exit 1), not a
    // database failure to retry (2).
    let missing = try CLI.run(["score", "--run", "nope", "--url", url, "--quiet"], in: scratch.url)
    #expect(
      missing.status == 1 && missing.stderr == "error: no run 'nope' in seismo.runs (seismo runs list shows them)\n",
      "\(missing.stderr)")
    let modelless = try storedFixedCutRun(
      scratch, "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 20 }", out: "nm")
    for command in [["score", "--run", modelless, "--url", url, "--new-rows"], ["watch", "--run", modelless, "--url", url]] {
      let refused = try CLI.run(command, in: scratch.url)
      #expect(
        refused.status == 1 && refused.stderr.hasPrefix("error: run '\(modelless)' stored no model: a run keeps one when"),
        "\(command[0]): \(refused.stderr)")
    }
  }

  /// `score --stream` reads a run's table through a cursor, a piece at a time, and gives the
  /// scores and flags of `score`.
  @Test func scoreStreamsATable() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [200, 260]))
    let runID = try storedZScoreRun(scratch, history: "data.csv")
    let whole = try CLI.run(["score", "--run", runID, "--url", url, "--out", "w", "--quiet"], in: scratch.url)
    #expect(whole.status == 0, "\(whole.stderr)")
    let streamed = try CLI.run(
      ["score", "--run", runID, "--url", url, "--stream", "--piece-rows", "7", "--out", "s"], in: scratch.url)
    #expect(streamed.status == 0, "\(streamed.stderr)")
    #expect(streamed.stderr.contains("streaming postgres table \(schema).m in pieces of about 7 rows"), "\(streamed.stderr)")
    let (a, b) = (try scratch.read("w/scores.csv"), try scratch.read("s/scores.csv"))
    let column = SavedModelTests().column
    for name in ["timestamp", "is_anomaly", "value_a"] { #expect(column(a, name) == column(b, name), "\(name)") }
    for (x, y) in zip(column(a, "score"), column(b, "score")) {
      if let x = Float(x), let y = Float(y) { #expect(abs(x - y) <= 1e-5 * max(1, abs(x))) }
    }
    #expect(column(a, "is_anomaly").contains("1"), "the spikes are flagged")
  }

  /// The README's daily loop, command by command (its `watch` step has a test of its own):
  /// detect with a stored model, then each "day" ingest the new rows, score only them, and
  /// rethreshold and list runs.
  @Test func theReadmeDailyLoopRunsEndToEnd() throws {
    let scratch = try Scratch()
    try scratch.writeSyntheticParts(
      rows: 230, spikes: [120, 215], ["history.csv": 0..<200, "day1.csv": 200..<210, "day2.csv": 210..<230])
    func seismo(_ arguments: [String], exit: Int32 = 0) throws -> CLI.Result {
      let result = try CLI.run(arguments, in: scratch.url)
      #expect(result.status == exit, "\(arguments): \(result.stderr)")
      return result
    }
    _ = try seismo(["db", "migrate", "--url", url])
    _ = try seismo(["ingest", "history.csv", "--url", url, "--schema", schema, "--table", "weekly", "--create"])
    try scratch.write(
      "pg.yaml",
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: weekly }
      detector: { plugin: rolling-zscore, window: 26, transform: diff }
      threshold: { plugin: percentile, percentile: 99 }
      importance: { plugin: permutation }
      sink: { plugin: postgres, url: "\(url)", save_model: true }
      """)
    let detect = try seismo(["detect", "pg.yaml", "--json", "--quiet"])
    let run = try #require(
      (try JSONSerialization.jsonObject(with: Data(detect.stdout.utf8)) as? [String: Any])?["run_id"] as? String)

    _ = try seismo(["ingest", "day1.csv", "--url", url, "--schema", schema, "--table", "weekly"])
    let day1 = try seismo(["score", "--run", run, "--url", url, "--new-rows", "--fail-on-anomalies"])
    #expect(day1.stdout.hasPrefix("run \(run): scored 10 new rows after \(date(18_262 + 199)), 0 anomalies"), "\(day1.stdout)")
    let again = try seismo(["score", "--run", run, "--url", url, "--new-rows"])
    #expect(again.stdout.hasPrefix("run \(run): no new rows after \(date(18_262 + 209))"), "\(again.stdout)")
    _ = try seismo(["ingest", "day2.csv", "--url", url, "--schema", schema, "--table", "weekly"])
    let day2 = try seismo(["score", "--run", run, "--url", url, "--new-rows", "--fail-on-anomalies"], exit: 3)
    #expect(day2.stdout.contains("scored 20 new rows"), "\(day2.stdout)")
    #expect(
      try sql(
        "SELECT to_char(day, 'YYYY-MM-DD') FROM seismo.anomalies WHERE run_id = $1 AND part = 'test' AND day > $2::date ORDER BY day",
        [run, date(18_262 + 199)]
      ).map { $0[0] } == [date(18_262 + 215), date(18_262 + 216)])

    let recut = try seismo(["rethreshold", run, "--url", url, "--set", "threshold.percentile=99.5"]).stdout
    let events = recut.firstMatch(of: /in (\d+) events?/).map { String($0.1) }
    #expect(try sql("SELECT max(threshold_version)::text FROM seismo.anomalies WHERE run_id = $1", [run]) == [["2"]])
    // The list shows the latest version and what it flags, not version 1's count.
    let flagged = try sql("SELECT count(*)::text FROM seismo.anomalies WHERE run_id = $1", [run])[0][0]
    #expect(try sql("SELECT anomaly_count::text FROM seismo.runs WHERE run_id = $1", [run])[0][0] != flagged)
    let listed = try seismo(["runs", "list", "--url", url, "--limit", "500"])
    let line = listed.stdout.split(separator: "\n").first { $0.hasPrefix(run) }?.split(separator: "\t").map(String.init)
    #expect(line?[4] == "percentile (version 2)" && line?[5] == flagged && line?[6] == events, "\(listed.stdout)")
    #expect(events != nil && events != "0", "\(recut)")
    // --json gives the same, typed, for scripts.
    let json = try seismo(["runs", "list", "--url", url, "--limit", "500", "--json"]).stdout
    let entry = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])?.first {
      $0["run_id"] as? String == run
    }
    #expect(entry?["threshold"] as? String == "percentile" && entry?["threshold_version"] as? Int == 2, "\(json.prefix(400))")
    #expect(entry?["anomalies"] as? Int == flagged.flatMap { Int($0) } && entry?["events"] as? Int == events.flatMap { Int($0) })
    #expect(entry?["group"] is NSNull && entry?["indicator"] is NSNull && (entry?["finished_utc"] as? String)?.count == 19)
    #expect(entry?["warnings"] as? Int == 0 && line?[7] == "0", "no warning")
  }

  /// Rows appended after a per-row threshold version (an adaptive rule) have no cut-off in it:
  /// seismo.anomalies judges them by the run's own threshold, as they were scored, and says so.
  @Test func rowsAppendedAfterAPerRowVersionAreJudgedByTheRunsThreshold() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [150, 210], ["old.csv": 0..<200, "new.csv": 200..<220])
    let runID = try storedZScoreRun(scratch, history: "old.csv")
    let recut = try CLI.run(
      [
        "rethreshold", runID, "--url", url, "--set", "threshold.plugin=likelihood", "--set", "threshold.long_window=50",
        "--set", "threshold.min_history=30",
      ], in: scratch.url)
    #expect(recut.status == 0 && recut.stdout.contains("per row"), "\(recut.stdout)\(recut.stderr)")
    try ingest(scratch, "new.csv", [])
    let scored = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(scored.status == 0 && scored.stdout.contains("1 anomaly"), "\(scored.stdout)\(scored.stderr)")
    let listed = try sql(
      "SELECT to_char(day, 'YYYY-MM-DD'), threshold_version::text FROM seismo.anomalies WHERE run_id = $1 AND day > $2::date",
      [runID, date(18_262 + 199)])
    #expect(listed == [[date(18_262 + 210), "1"]])
  }

  @Test func scoreStoresItsScoresAsANewRunWhenAsked() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    let runID = try storedZScoreRun(scratch, history: try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150])))
    let scored = try CLI.run(["score", "--run", runID, "--url", url, "--store", "--out", "s", "--json"], in: scratch.url)
    try #require(scored.status == 0, "\(scored.stderr)")
    let newRun = try storedRunID(scratch, "s")
    #expect(newRun != runID)
    let stored = try sql(
      """
      SELECT r.test_rows::text, r.train_rows::text, string_agg(s.score::text, ',' ORDER BY s.row_no)
      FROM seismo.runs r JOIN seismo.scores s ON s.run = r.id WHERE r.run_id = $1 GROUP BY r.id
      """, [newRun])
    let written = SavedModelTests().column(try scratch.read("s/scores.csv"), "score").filter { !$0.isEmpty }
    #expect(stored.first?[0] == "200" && stored.first?[1] == "0", "\(stored)")
    #expect(stored.first?[2]?.split(separator: ",").map { Float($0)! } == written.map { Float($0)! })
    // It keeps the model, with the training ranges of the rows it was fitted on, so the nightly
    // job can go on from the new run.
    let ranges = try #require(try storedModel(runID).trainingRanges)
    let kept = try storedModel(newRun).trainingRanges
    #expect(ranges.count == 2 && kept == ranges)
    let next = try CLI.run(["score", "--run", newRun, "--url", url, "--new-rows"], in: scratch.url)
    #expect(next.status == 0 && next.stdout.hasPrefix("run \(newRun): no new rows after"), "\(next.stdout)\(next.stderr)")
    // It has no training scores: a threshold rule that calibrates on them says so.
    let uncalibrated = try CLI.run(
      ["rethreshold", newRun, "--url", url, "--set", "threshold.plugin=percentile"], in: scratch.url)
    #expect(
      uncalibrated.status == 1
        && uncalibrated.stderr.contains(
          "was scored by a saved model and has no training scores to calibrate on (the percentile threshold needs at least one training score); rethreshold the run that trained the model"
        ), "\(uncalibrated.stderr)")
    let cut = try CLI.run(["rethreshold", newRun, "--url", url, "--set", "threshold.value=8"], in: scratch.url)
    #expect(cut.status == 0 && cut.stdout.contains("(fixed, cut-off 8.0)"), "\(cut.stderr)")
    // The database is checked before any scoring: nothing is written when it cannot be reached.
    let saved = try CLI.run(["detect", "run.yaml", "--save-model", "m.seismo", "--out", "m", "--quiet"], in: scratch.url)
    try #require(saved.status == 0, "\(saved.stderr)")
    let refused = try CLI.run(
      ["score", "--model", "m.seismo", "--store", "--url", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2", "--out", "u"],
      in: scratch.url)
    #expect(refused.status == 2 && refused.stderr.contains("cannot connect"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("u").path))
    let both = try CLI.run(["score", "--run", runID, "--url", url, "--store", "--new-rows"], in: scratch.url)
    #expect(both.status == 64 && both.stderr.contains("choose one"), "\(both.stderr)")
  }

  /// A file announces no new rows: watching a run whose model reads one is refused at once, with
  /// the command that scores the file's new rows.
  @Test func watchRefusesARunThatReadsAFile() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\nsink: { plugin: postgres, url: \"\(url)\", save_model: true }\n"
    )
    #expect(try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url).status == 0)
    let runID = try storedRunID(scratch, "a")
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    let deadline = Date().addingTimeInterval(15)
    while watcher.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    if watcher.process.isRunning { watcher.process.terminate() }  // it waited for notifications
    let watched = try watcher.wait()
    #expect(
      watched.status == 1
        && watched.stderr.contains(
          "reads a csv source, which announces no new rows: watch follows a PostgreSQL table; score a file's new rows with seismo score --run \(runID) --new-rows"
        ), "\(watched.stderr)")
    let scored = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(scored.status == 0 && scored.stdout.contains("no new rows"), "\(scored.stderr)")
  }

  /// `evaluate --run` judges a stored run as its folder is judged, then by its latest threshold
  /// version: a version equals a fresh run with that threshold, events and NAB included.
  @Test func evaluateJudgesStoredRunsByTheirLatestThresholdVersion() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [100, 250, 320]))
    let base = """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      events: { merge_gap: 3 }
      """
    let runID = try storedFixedCutRun(scratch, base, out: "r")
    try scratch.write("labels.txt", [100, 250, 251, 300, 330].map { date(18_262 + $0) }.joined(separator: "\n") + "\n")
    func evaluate(_ target: [String]) throws -> CLI.Result {
      let result = try CLI.run(["evaluate"] + target + ["--labels", "labels.txt", "--nab"], in: scratch.url)
      #expect(result.status == 0, "\(result.stderr)")
      return result
    }
    let stored = try evaluate(["--run", runID, "--url", url])
    #expect(stored.stdout == (try evaluate(["r"])).stdout, "\(stored.stdout)")
    #expect(stored.stdout.contains("(TP 1, FP 1, FN 3)"), "\(stored.stdout)")

    // Another version is judged, named in a heading.
    #expect(try CLI.run(["rethreshold", runID, "--url", url, "--set", "threshold.value=100"], in: scratch.url).status == 0)
    let strict = try evaluate(["--run", runID, "--url", url]).stdout
    #expect(strict.hasPrefix("run \(runID) (labels.txt, threshold version 2):\n"), "\(strict)")
    #expect(strict.contains("point-wise      precision 0.000  recall 0.000  F1 0.000  (TP 0, FP 0, FN 4)"), "\(strict)")
    let recut = try CLI.run(
      ["rethreshold", runID, "--url", url, "--set", "threshold.plugin=percentile", "--set", "threshold.percentile=99"],
      in: scratch.url)
    #expect(recut.status == 0, "\(recut.stderr)")
    try scratch.write("fresh.yaml", base + "\nthreshold: { plugin: percentile, percentile: 99 }\n")
    #expect(try CLI.run(["detect", "fresh.yaml", "--out", "f", "--quiet"], in: scratch.url).status == 0)
    let fresh = try evaluate(["f"]).stdout
    let judged = try evaluate(["--run", runID, "--url", url])
    let percentile = judged.stdout
    #expect(
      percentile.split(separator: "\n").dropFirst().map { $0.dropFirst(2) } == fresh.split(separator: "\n").map { $0[...] },
      "\(percentile)\n\(fresh)")
    #expect(!fresh.contains("(TP 1, FP 1, FN 3)"), "the percentile judges otherwise than the fixed cut-off")
    #expect(!judged.stderr.contains("warning"), "\(judged.stderr)")

    // A version made before schema version 10 stored no events: its alerts are unknown (NULL),
    // which evaluate and runs list say instead of counting none.
    try sql(
      "UPDATE seismo.threshold_versions v SET has_events = false FROM seismo.runs r WHERE r.id = v.run AND r.run_id = $1",
      [runID])
    #expect(
      try sql(
        "SELECT DISTINCT alerted::text FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = $1",
        [runID]) == [[nil]])
    let unknown = try evaluate(["--run", runID, "--url", url])
    #expect(unknown.stderr.contains("was made before Seismo stored each version's events"), "\(unknown.stderr)")
    let listed = try CLI.run(["runs", "list", "--url", url, "--limit", "500"], in: scratch.url)
    #expect(listed.stdout.split(separator: "\n").first { $0.hasPrefix(runID) }?.split(separator: "\t")[6] == "?")
    let json = try CLI.run(["runs", "list", "--url", url, "--limit", "500", "--json"], in: scratch.url).stdout
    let entry = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])?.first {
      $0["run_id"] as? String == runID
    }
    #expect(entry?["events"] is NSNull, "unknown, not none: \(String(describing: entry))")

    let missing = try CLI.run(["evaluate", "--run", "nope", "--url", url, "--labels", "labels.txt"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr.contains("no run 'nope'"), "\(missing.stderr)")
    let neither = try CLI.run(["evaluate", "--labels", "labels.txt"], in: scratch.url)
    #expect(neither.status == 64 && neither.stderr.contains("give run folders, or stored runs with --run"), "\(neither.stderr)")
  }

  /// `rethreshold` adds threshold versions computed from the stored scores; the anomalies view
  /// follows the latest, and each equals what a fresh run with that threshold flags.
  @Test func rethresholdVersionsMatchFreshRuns() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [100, 220, 260]))
    let base = """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      events: { merge_gap: 50 }
      """
    let runID = try storedFixedCutRun(scratch, base, out: "a")
    func viewed() throws -> [String] {
      try sql("SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM seismo.anomalies WHERE run_id = $1 ORDER BY ts", [runID])
        .map { $0[0]! }
    }
    func rethreshold(_ settings: [String]) throws -> CLI.Result {
      try CLI.run(["rethreshold", runID, "--url", url] + settings.flatMap { ["--set", $0] }, in: scratch.url)
    }
    #expect(try viewed().count == 3)
    #expect(try sql("SELECT count(*) FROM seismo.flagged_at($1, 6)", [runID])[0][0] == "3")

    let strict = try rethreshold(["threshold.value=100"])
    #expect(
      strict.status == 0
        && strict.stdout.contains(
          "threshold version 2 (fixed, cut-off 100.0): 0 anomalies in 0 events (version 1 had 3 anomalies)"),
      "\(strict.stdout)\(strict.stderr)")
    #expect(try viewed().isEmpty)
    // Version 1 keeps its events: the spike on row 100, and those on 220 and 260 merged.
    #expect(
      try sql(
        "SELECT version, flagged_rows FROM seismo.events e JOIN seismo.runs r ON r.id = e.run WHERE r.run_id = $1 ORDER BY start_ts",
        [runID]) == [["1", "1"], ["1", "2"]])

    let percentile = try rethreshold(["threshold.plugin=percentile", "threshold.percentile=99"])
    #expect(percentile.status == 0 && percentile.stdout.contains("threshold version 3 (percentile"), "\(percentile.stderr)")
    try scratch.write("fresh.yaml", base + "\nthreshold: { plugin: percentile, percentile: 99 }\n")
    #expect(try CLI.run(["detect", "fresh.yaml", "--out", "f", "--quiet"], in: scratch.url).status == 0)
    let fresh =
      (try JSONSerialization.jsonObject(with: Data(try scratch.read("f/summary.json").utf8)) as! [String: Any])[
        "anomalies"] as! [[String: Any]]
    #expect(try viewed() == fresh.map { $0["timestamp"] as! String }, "the new version flags what a fresh run flags")
    #expect(!fresh.isEmpty)
    // Its events, under the run's events rule, and so its alerts, are a fresh run's too.
    let freshEvents =
      (try JSONSerialization.jsonObject(with: Data(try scratch.read("f/summary.json").utf8)) as! [String: Any])[
        "events"] as! [[String: Any]]
    #expect(
      try sql(
        """
        SELECT to_char(start_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char(end_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
               to_char(alert_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), flagged_rows::text, peak_score::text, top_feature, part
        FROM seismo.current_events WHERE run_id = $1 ORDER BY start_ts
        """, [runID])
        == freshEvents.map { event in
          ["start", "end", "alert", "flagged_rows", "peak_score", "top_feature", "part"].map { event[$0].map { "\($0)" } }
        })
    #expect(freshEvents.count >= 2 && freshEvents.contains { $0["flagged_rows"] as? Int ?? 0 > 1 }, "\(freshEvents)")
    #expect(
      try sql(
        "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM seismo.anomalies WHERE run_id = $1 AND alert ORDER BY ts",
        [runID]
      ).map { $0[0]! } == freshEvents.map { $0["alert"] as! String })
    #expect(
      try sql("SELECT DISTINCT threshold_version FROM seismo.anomalies WHERE run_id = $1", [runID]) == [["3"]])

    // runs show lists the versions after the summary's own threshold (version 1).
    let shown = try CLI.run(["runs", "show", runID, "--url", url], in: scratch.url)
    let versions = try #require(
      (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["threshold_versions"]
        as? [[String: Any]], "\(shown.stdout.suffix(600))")
    #expect(
      versions.map { $0["version"] as? Int } == [2, 3] && versions.map { $0["plugin"] as? String } == ["fixed", "percentile"])
    #expect(
      (versions[0]["cutoff"] as? Double) == 100 && (versions[1]["parameters"] as? [String: Any])?["percentile"] as? Double == 99)
    #expect(versions.map { $0["events"] as? Int } == [0, freshEvents.count])

    let adaptive = try rethreshold(["threshold.plugin=likelihood", "threshold.long_window=100", "threshold.min_history=50"])
    #expect(adaptive.status == 0 && adaptive.stdout.contains("per row"), "\(adaptive.stderr)")
    let perRow = try CLI.run(["runs", "show", runID, "--url", url], in: scratch.url).stdout
    #expect(perRow.contains("\"cutoff\": \"per row\""), "\(perRow.suffix(400))")
    #expect(
      try sql(
        "SELECT cutoff IS NULL, array_length(cutoffs, 1) FROM seismo.current_thresholds c JOIN seismo.runs r ON r.id = c.run WHERE r.run_id = $1",
        [runID]) == [["t", "280"]])

    let retrain = try rethreshold(["detector.window=5"])
    #expect(retrain.status == 64 && retrain.stderr.contains("only threshold.* settings change without retraining"))
    let missing = try CLI.run(["rethreshold", "nope", "--url", url, "--set", "threshold.value=1"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr.contains("no run 'nope'"))

    // An ensemble's stored scores are margins over each member's own cut-off: one new threshold
    // cannot re-cut them, and rethreshold says so.
    try scratch.write(
      "ensemble.yaml",
      base
        + "\nthreshold: { plugin: fixed, value: 6 }\nensemble:\n  - detector: { plugin: rolling-zscore, window: 40 }\n"
        + "    threshold: { plugin: fixed, value: 6 }\nsink: { plugin: postgres, url: \"\(url)\" }\n")
    #expect(try CLI.run(["detect", "ensemble.yaml", "--out", "e", "--quiet"], in: scratch.url).status == 0)
    let ensemble = try CLI.run(
      ["rethreshold", try storedRunID(scratch, "e"), "--url", url, "--set", "threshold.value=1"], in: scratch.url)
    #expect(ensemble.status == 1 && ensemble.stderr.contains("is an ensemble"), "\(ensemble.stderr)")
  }

  /// `rethreshold` re-cuts a walk-forward run fold by fold: each fold's rule is calibrated on that
  /// fold's model's own scores of its training rows (seismo.fold_scores), which are not the
  /// run's scores of those rows (the previous fold's model gave those). Each version's cut-offs
  /// are a fresh walk-forward run's with that threshold, row for row.
  @Test func rethresholdRecutsAWalkForwardRunFoldByFold() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [150, 200, 260]))
    let base = """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.4, refit_every: 60 }
      detector: { plugin: lstm-autoencoder, window: 5, units: 4, epochs: 2, threads: 1 }
      """
    try scratch.write(
      "run.yaml", base + "\nthreshold: { plugin: fixed, value: 100 }\nsink: { plugin: postgres, url: \"\(url)\" }\n")
    let detected = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    try #require(detected.status == 0, "\(detected.stderr)")
    let runID = try storedRunID(scratch, "a")
    let kept = try sql(
      """
      SELECT f.fold::text, f.first_row::text, f.calibration::text, array_length(f.scores, 1)::text
      FROM seismo.fold_scores f JOIN seismo.runs r ON r.id = f.run WHERE r.run_id = $1 ORDER BY f.fold
      """, [runID])
    // 120 training rows, then refits at rows 180 and 240; windows of 5 score from row 4 of each.
    #expect(kept == [["1", "4", "116", "116"], ["2", "4", "176", "176"], ["3", "4", "236", "236"]])
    #expect(
      try sql(
        """
        SELECT count(*) FILTER (WHERE f.scores[s.row_no - f.first_row + 1] <> s.score)::text
        FROM seismo.fold_scores f JOIN seismo.runs r ON r.id = f.run JOIN seismo.scores s ON s.run = f.run
        WHERE r.run_id = $1 AND f.fold = 3 AND s.row_no BETWEEN 180 AND 239
        """, [runID]) == [["60"]], "fold 3's own scores of rows 180–239 are not fold 2's")

    func versionCutoffs() throws -> [Float?] {
      try sql(
        """
        SELECT coalesce(v.cutoff, v.cutoffs[s.row_no - v.first_row + 1])::text
        FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run JOIN seismo.current_thresholds v ON v.run = s.run
        WHERE r.run_id = $1 ORDER BY s.row_no
        """, [runID]
      ).map { $0[0].flatMap { Float($0) } }
    }
    let thresholds = [
      ["plugin": "percentile", "percentile": "95"],
      ["plugin": "likelihood", "long_window": "40", "short_window": "3", "min_history": "20"],
    ]
    for (k, settings) in thresholds.enumerated() {
      let pairs = settings.sorted { $0.key < $1.key }
      let threshold = "{ " + pairs.map { "\($0): \($1)" }.joined(separator: ", ") + " }"
      let recut = try CLI.run(
        ["rethreshold", runID, "--url", url] + pairs.flatMap { ["--set", "threshold.\($0)=\($1)"] }, in: scratch.url)
      #expect(recut.status == 0 && recut.stdout.contains("threshold version \(k + 2) ("), "\(recut.stdout)\(recut.stderr)")
      try scratch.write("fresh\(k).yaml", base + "\nthreshold: \(threshold)\n")
      #expect(try CLI.run(["detect", "fresh\(k).yaml", "--out", "f\(k)", "--quiet"], in: scratch.url).status == 0)
      // scores.csv lists the 4 rows before the first window too, without a score.
      let fresh = SavedModelTests().column(try scratch.read("f\(k)/scores.csv"), "threshold").dropFirst(4).map { Float($0) }
      #expect(try versionCutoffs() == fresh, "\(threshold)")
      #expect(Set(fresh.compactMap { $0 }).count >= 3, "each fold has its own cut-offs")
    }

    // A walk-forward run stored before schema version 9 has no fold scores: said, not guessed.
    try sql("DELETE FROM seismo.fold_scores f USING seismo.runs r WHERE r.id = f.run AND r.run_id = $1", [runID])
    let old = try CLI.run(["rethreshold", runID, "--url", url, "--set", "threshold.value=1"], in: scratch.url)
    #expect(
      old.status == 1
        && old.stderr.contains("walked forward over 3 folds but was stored before Seismo kept each fold's training scores"),
      "\(old.stderr)")
  }

  /// `score --run --new-rows`: the nightly job. New rows are appended to the run once, scored as
  /// a full rescoring scores them; a second call adds nothing; a row changed after it was scored
  /// is named in a warning; a changed history is refused.
  @Test func incrementalScoringAppendsEachNewRowOnce() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 240, spikes: [150, 210, 232], ["old.csv": 0..<200, "new.csv": 200..<220, "later.csv": 220..<240])
    let runID = try storedZScoreRun(scratch, history: "old.csv", transform: "log_return")
    func stored() throws -> [[String?]] {
      try sql(
        "SELECT s.row_no::text AS row_text, s.score::text, s.part FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1 ORDER BY s.row_no",
        [runID])
    }
    let before = try stored()
    #expect(before.count == 179)

    try ingest(scratch, "new.csv", [])
    let first = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--fail-on-anomalies"], in: scratch.url)
    #expect(first.status == 3, "the new rows hold the spike on row 210: \(first.stderr)")
    #expect(first.stdout == "run \(runID): scored 20 new rows after \(date(18_262 + 199)), 1 anomaly\n", "\(first.stdout)")
    #expect(!first.stderr.contains("changed in the table"), "no row has changed: \(first.stderr)")
    let after = try stored()
    #expect(after.count == 199 && Array(after.prefix(179)) == before, "earlier rows untouched")
    #expect(after.suffix(20).allSatisfy { $0[2] == "test" })
    #expect(try sql("SELECT anomaly_count, test_rows FROM seismo.runs WHERE run_id = $1", [runID]) == [["2", "100"]])

    // The appended scores are those a full rescoring gives.
    let full = try CLI.run(["score", "--run", runID, "--url", url, "--out", "full", "--quiet"], in: scratch.url)
    #expect(full.status == 0, "\(full.stderr)")
    let rescored = SavedModelTests().column(try scratch.read("full/scores.csv"), "score").suffix(20).map { Float($0)! }
    #expect(after.suffix(20).map { Float($0[1]!)! } == rescored)

    let again = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(again.status == 0 && again.stdout == "run \(runID): no new rows after \(date(18_262 + 219))\n", "\(again.stdout)")
    #expect(again.stderr == "", "the rows appended by the first call are as the table holds them: \(again.stderr)")
    #expect(try stored().count == 199)

    // Only the new rows are scored, with the rows before them that their scores use: an old row
    // later set to a value no score can use (as a whole rescoring shows) is not scored again.
    try sql("UPDATE \(schema).m SET b = -1 WHERE ts = $1::date", [date(18_262 + 25)])
    let wholly = try CLI.run(["score", "--run", runID, "--url", url, "--out", "wholly", "--quiet"], in: scratch.url)
    #expect(wholly.status == 1 && wholly.stderr.contains("needs positive values"), "\(wholly.stderr)")
    try ingest(scratch, "later.csv", [])
    // --json says what was appended; --in-last 3 counts the flags of the last 3 rows only (the
    // spike is on row 232, of 220–239).
    let later = try CLI.run(
      ["score", "--run", runID, "--url", url, "--new-rows", "--json", "--fail-on-anomalies", "--in-last", "3"], in: scratch.url)
    #expect(later.status == 0, "\(later.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(later.stdout.utf8)) as? [String: Any]
    #expect(json?["new_rows"] as? Int == 20 && json?["anomalies"] as? Int == 1, "\(later.stdout)")
    #expect(json?["after"] as? String == date(18_262 + 219) && json?["up_to"] as? String == date(18_262 + 239))
    // The changed row is named: its stored score used the old value.
    #expect(json?["restated"] as? Int == 1 && json?["restated_from"] as? String == date(18_262 + 25), "\(later.stdout)")
    #expect(
      later.stderr.contains(
        "warning: 1 row of run \(runID) changed in the table after it was scored (\(date(18_262 + 25))): restated, or a late value where the gap policy had carried one. The stored scores of that row"
      ), "\(later.stderr)")
    // Scores stored before schema version 11 have no digest: they are not compared.
    try sql(
      "UPDATE seismo.scores s SET input_digest = NULL FROM seismo.runs r WHERE r.id = s.run AND r.run_id = $1", [runID])
    let undigested = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    let quiet = try JSONSerialization.jsonObject(with: Data(undigested.stdout.utf8)) as? [String: Any]
    #expect(quiet?["restated"] as? Int == 0 && undigested.stderr == "", "\(undigested.stdout) \(undigested.stderr)")
    #expect(try stored().count == 219)
    let folder = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--out", "f"], in: scratch.url)
    #expect(folder.status == 64 && folder.stderr.contains("writes no folder"), "\(folder.stderr)")

    try sql("DELETE FROM \(schema).m WHERE ts = $1::date", [date(18_262 + 25)])
    let changed = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(changed.status == 1 && changed.stderr.contains("history no longer matches"), "\(changed.stderr)")
    #expect(!changed.stderr.contains("changed in the table"), "a refused history is not also called restated")
    #expect(try stored().count == 219)
    let usage = try CLI.run(["score", "--model", "m.seismo", "--new-rows"], in: scratch.url)
    #expect(usage.status == 64)
  }

  /// Indicators loaded one at a time, each from its own file into a long table: a new day with
  /// only some of them waits (the source's `wait_for`, every feature by default) instead of being
  /// scored with a carried value. `--new-rows` says what waits, and scores the days once the
  /// rest has come, as a whole rescoring scores them; `wait_for: []` scores them at once. A
  /// watcher, which used to stop when a symbol came after its day was scored (an insertion among
  /// the rows read), goes on and scores the day once.
  @Test func newRowsWaitForIndicatorsLoadedOneAtATime() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 206, spikes: [150, 201], ["old.csv": 0..<200, "new.csv": 200..<202, "next.csv": 202..<203, "last.csv": 203..<206])
    func load(_ file: String, _ column: String, as name: String) throws {
      try ingest(scratch, file, ["--long", "--column", column, "--as", name])
    }
    let runID = try storedLongRun(
      scratch, x: "old.csv", y: "old.csv", "split: { train_fraction: 0.6 }\nthreshold: { plugin: fixed, value: 6 }")
    func newRows(_ extra: [String] = []) throws -> [String: Any] {
      let r = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"] + extra, in: scratch.url)
      #expect(r.status == 0, "\(r.stderr)")
      return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    try load("new.csv", "a", as: "x")
    let waiting = try newRows()
    #expect(waiting["new_rows"] as? Int == 0 && waiting["waiting"] as? Int == 2, "\(waiting)")
    #expect(waiting["waiting_for"] as? [String] == ["y"])
    let said = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(
      said.stdout == "run \(runID): no new rows after \(date(18_262 + 199)); 2 rows wait for y (from \(date(18_262 + 200)))\n")
    try load("new.csv", "b", as: "y")
    let scored = try newRows()
    #expect(scored["new_rows"] as? Int == 2 && scored["anomalies"] as? Int == 1 && scored["waiting"] as? Int == 0, "\(scored)")
    try expectStoredScoresOfAWholeRescoring(runID, from: 200, scratch)

    // wait_for: [] scores a day as soon as one indicator has come, the other carried.
    try load("next.csv", "a", as: "x")
    let eager = try newRows(["--set", "source.wait_for=[]"])
    #expect(eager["new_rows"] as? Int == 1 && eager["waiting"] as? Int == 0, "\(eager)")

    try load("next.csv", "b", as: "y")  // day 202 keeps its score, with y carried

    // The watcher waits too, and goes on when the other symbol comes.
    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    Thread.sleep(forTimeInterval: 1)  // it is listening, and has caught up
    let deadline = Date().addingTimeInterval(60)
    try load("last.csv", "a", as: "x")
    Thread.sleep(forTimeInterval: 1)
    #expect(try storedScores(runID) == "183", "days 203–205 wait for y")
    try load("last.csv", "b", as: "y")
    while try storedScores(runID) != "186" {
      guard Date() < deadline, watcher.process.isRunning else { throw SeismoTestError("the watcher never scored days 203–205") }
      Thread.sleep(forTimeInterval: 0.1)
    }
    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(stopped.status == 143, "\(stopped.stderr)")
    #expect(stopped.stdout.contains("run \(runID): 3 rows wait for y (from \(date(18_262 + 203)))"), "\(stopped.stdout)")
    #expect(stopped.stdout.contains("run \(runID): scored 3 new rows up to \(date(18_262 + 205))"), "\(stopped.stdout)")
  }

  /// `watch --set source.wait_for=[]` reads the table otherwise than the model's source did: a
  /// day with one indicator of two is scored at once, the other carried.
  @Test func watchTakesSourceSettings() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 201, spikes: [], ["old.csv": 0..<200, "new.csv": 200..<201])
    let runID = try storedLongRun(scratch, x: "old.csv", y: "old.csv")
    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    let before = try storedScores(runID)
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url, "--set", "source.wait_for=[]"], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    Thread.sleep(forTimeInterval: 1)  // it is listening, and has caught up
    try ingest(scratch, "new.csv", ["--long", "--column", "a", "--as", "x"])
    let deadline = Date().addingTimeInterval(30)
    while try storedScores(runID) == before {
      guard Date() < deadline, watcher.process.isRunning else { throw SeismoTestError("the day with x only was never scored") }
      Thread.sleep(forTimeInterval: 0.1)
    }
  }

  /// A run whose last scored day missed an indicator (detect scored it with the value carried)
  /// goes on from that day: rows the run has scored never wait.
  @Test func newRowsGoOnFromALastScoredRowThatMissedAnIndicator() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 202, spikes: [], ["x.csv": 0..<200, "y.csv": 0..<199, "new.csv": 200..<202])
    let runID = try storedLongRun(scratch, x: "x.csv", y: "y.csv")
    let none = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(none.status == 0 && none.stdout == "run \(runID): no new rows after \(date(18_262 + 199))\n", "\(none.stderr)")
    try ingest(scratch, "new.csv", ["--long", "--column", "a", "--as", "x"])
    try ingest(scratch, "new.csv", ["--long", "--column", "b", "--as", "y"])
    let next = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(next.stdout.hasPrefix("run \(runID): scored 2 new rows after \(date(18_262 + 199))"), "\(next.stderr)")
    // y's print for that day comes at last: the day was scored with a carried y, and is named.
    try scratch.writeSyntheticParts(rows: 202, spikes: [], ["late.csv": 199..<200])
    try ingest(scratch, "late.csv", ["--long", "--column", "b", "--as", "y"])
    let late = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    let json = try JSONSerialization.jsonObject(with: Data(late.stdout.utf8)) as? [String: Any]
    #expect(json?["restated"] as? Int == 1 && json?["restated_from"] as? String == date(18_262 + 199), "\(late.stdout)")
  }

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

  /// Runs stored at once by `detect --each`, the first in a new partition of seismo.scores (every
  /// 1,000 runs): they all need the partition, and one creates it while the others wait. Before,
  /// each took a share of seismo.scores and then queued for the creator's lock, while the
  /// creator waited for their shares to go: PostgreSQL broke the deadlock by failing a run. On a
  /// throwaway server of the test's own, whose run numbers it moves to a new partition each round
  /// without moving other tests' runs.
  @Test func runsStoredAtOnceShareANewPartition() throws {
    let server = try ThrowawayServer()
    defer { server.stop() }
    let scratch = try Scratch()
    let symbols = (0..<8).map { "s\($0)" }
    let rows = (0..<60).map { r in
      date(18_262 + r) + "," + symbols.indices.map { k in String(Double((r * (k + 3)) % 11)) }.joined(separator: ",")
    }
    try scratch.write("wide.csv", (["date," + symbols.joined(separator: ",")] + rows).joined(separator: "\n") + "\n")
    func run(_ arguments: [String]) throws -> CLI.Result {
      try CLI.run(arguments, in: scratch.url)
    }
    #expect(try run(["db", "migrate", "--url", server.url]).status == 0)
    #expect(try run(["ingest", "wide.csv", "--url", server.url, "--table", "m", "--create", "--long"]).status == 0)
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(server.url)", table: m, layout: long }
      detector: { plugin: rolling-zscore, window: 10 }
      sink: { plugin: postgres, url: "\(server.url)" }
      """)
    for round in 1...8 {
      // The next run starts a partition of its own.
      try PGConnection(server.url).execute(
        "SELECT setval('seismo.runs_id_seq', (SELECT (last_value / 1000 + 1) * 1000 + 999 FROM seismo.runs_id_seq))")
      let each = try run(["detect", "run.yaml", "--each", "--jobs", "8", "--out", "each\(round)", "--quiet"])
      #expect(each.status == 0 && !each.stderr.contains("deadlock"), "round \(round): \(each.stderr)")
    }
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

  /// Expects run `runID`'s stored scores from row `first` on to be those a whole rescoring with
  /// its model gives (`score --run` into a folder): the rows' own values were scored.
  func expectStoredScoresOfAWholeRescoring(_ runID: String, from first: Int, _ scratch: Scratch) throws {
    let full = try CLI.run(["score", "--run", runID, "--url", url, "--out", "full", "--quiet"], in: scratch.url)
    try #require(full.status == 0, "\(full.stderr)")
    let stored = try sql(
      "SELECT s.score::text FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1 AND s.row_no >= $2 ORDER BY s.row_no",
      [runID, String(first)])
    let rescored = SavedModelTests().column(try scratch.read("full/scores.csv"), "score").suffix(stored.count).map { Float($0)! }
    #expect(stored.map { Float($0[0]!)! } == rescored, "the days' own values, as a whole rescoring reads them")
  }

  /// A stored run of joined CSV files waits for a late file as a table's run waits for a late
  /// symbol: a day that one file has and the other not yet is held back, and scored with its own
  /// values once the other's print comes. Before, it was scored at once with the other carried,
  /// and never again (here a spike on the late file's day went unflagged).
  @Test func newRowsOfJoinedFilesWaitForALateFile() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    let lines = syntheticCSV(rows: 203, spikes: [201]).split(separator: "\n").dropFirst().map {
      $0.split(separator: ",").map(String.init)
    }
    func write(_ name: String, column: Int, days: Int) throws {
      let rows = lines.prefix(days).map { "\($0[0]),\($0[column])" }
      try scratch.write(name, (["date,close"] + rows).joined(separator: "\n") + "\n")
    }
    try write("x.csv", column: 1, days: 200)
    try write("y.csv", column: 2, days: 200)
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: [x.csv, y.csv], columns: [close], as: [x, y] }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      sink: { plugin: postgres, url: "\(url)", save_model: true }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--json", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let runID = try #require(
      (try JSONSerialization.jsonObject(with: Data(detect.stdout.utf8)) as? [String: Any])?["run_id"] as? String)
    func newRows(_ extra: [String] = []) throws -> [String: Any] {
      let r = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"] + extra, in: scratch.url)
      #expect(r.status == 0, "\(r.stderr)")
      return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    try write("x.csv", column: 1, days: 202)  // x's two days come first
    let waiting = try newRows()
    #expect(waiting["new_rows"] as? Int == 0 && waiting["waiting"] as? Int == 2, "\(waiting)")
    #expect(waiting["waiting_for"] as? [String] == ["y"])
    try write("y.csv", column: 2, days: 202)
    let scored = try newRows()
    #expect(scored["new_rows"] as? Int == 2 && scored["anomalies"] as? Int == 1 && scored["waiting"] as? Int == 0, "\(scored)")
    try expectStoredScoresOfAWholeRescoring(runID, from: 200, scratch)
    // wait_for: [] scores a day as soon as one file has it, the other carried.
    try write("x.csv", column: 1, days: 203)
    let eager = try newRows(["--set", "source.wait_for=[]"])
    #expect(eager["new_rows"] as? Int == 1 && eager["waiting"] as? Int == 0, "\(eager)")
  }

  /// Incremental scoring keeps seismo.events: an event the new rows continue is stored again
  /// with them, and its alert row is marked, as a full rescoring groups the flags. Here a flag on
  /// the last row of one night (219) is too short to alert (min_length 2) until the next night's
  /// flag two rows on (221; the window of 60 keeps it above 6 despite 219) joins it (merge_gap
  /// 2). Both ways of reading new rows keep them: a table (only the new rows are scored) and a
  /// query (the whole source is scored again); and a run given another threshold version first
  /// (the same cut-off, `rethreshold`) keeps them under that version, whose events give the
  /// alerts.
  @Test(
    arguments: zip(
      ["table: m", "query: \"SELECT ts, a, b FROM {schema}.m\"", "table: m"], [1, 1, 2]))
  func incrementalScoringExtendsTheStoredEvents(source: String, version: Int) throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 240, spikes: [150, 219, 221], ["old.csv": 0..<200, "new.csv": 200..<220, "later.csv": 220..<240])
    try ingest(scratch, "old.csv")
    let read = source.replacingOccurrences(of: "{schema}", with: schema)
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), \(read) }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 60 }
      threshold: { plugin: fixed, value: 6 }
      events: { merge_gap: 2, min_length: 2 }
      """)
    if version == 2 {
      let recut = try CLI.run(["rethreshold", runID, "--url", url, "--set", "threshold.value=6"], in: scratch.url)
      #expect(recut.status == 0, "\(recut.stderr)")
    }
    func events() throws -> [[String?]] {
      try sql(
        """
        SELECT to_char(start_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char(end_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
               to_char(alert_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), flagged_rows::text, peak_score::text, top_feature
        FROM seismo.events e JOIN seismo.runs r ON r.id = e.run WHERE r.run_id = $1 AND e.version = $2::integer
        ORDER BY start_ts
        """, [runID, String(version)])
    }
    #expect(try events().isEmpty, "the lone flag on row 150 is too short to alert")
    for (night, rows, alerts) in [("new.csv", 219, 0), ("later.csv", 239, 1)] {
      try ingest(scratch, night, [])
      let scored = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
      #expect(scored.status == 0, "\(scored.stderr)")
      let json = try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any]
      #expect(json?["anomalies"] as? Int == 1 && json?["alerts"] as? Int == alerts, "\(night): \(scored.stdout)")
      #expect(json?["restated"] as? Int == 0, "no stored row has changed: \(scored.stdout)")
      #expect(
        try sql("SELECT max(row_no)::text FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [runID])
          == [["\(rows)"]])
    }
    let stored = try events()
    #expect(
      stored.map { Array($0.prefix(4)) } == [[date(18_262 + 219), date(18_262 + 221), date(18_262 + 221), "2"]], "\(stored)")
    #expect(
      try sql(
        "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM seismo.anomalies WHERE run_id = $1 AND alert", [runID])
        == [[date(18_262 + 221)]])

    // The events a full rescoring of the whole table finds.
    let full = try CLI.run(["score", "--run", runID, "--url", url, "--out", "full", "--quiet"], in: scratch.url)
    #expect(full.status == 0, "\(full.stderr)")
    let summary = try #require(
      try JSONSerialization.jsonObject(with: Data(try scratch.read("full/summary.json").utf8)) as? [String: Any])
    let rescored = try #require(summary["events"] as? [[String: Any]]).map { event in
      [event["start"], event["end"], event["alert"], event["flagged_rows"], event["peak_score"], event["top_feature"]]
        .map { $0.map { "\($0)" } }
    }
    #expect(stored == rescored)

    // Two stored rows restated, read either way (a table's first read is whole; a query's every),
    // and a row of the warm-up (the window's first 59 rows, which have no score of their own).
    try sql(
      "UPDATE \(schema).m SET a = a + 1 WHERE ts IN ($1::date, $2::date, $3::date)",
      [date(18_262 + 10), date(18_262 + 100), date(18_262 + 230)])
    let restated = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    let json = try JSONSerialization.jsonObject(with: Data(restated.stdout.utf8)) as? [String: Any]
    #expect(
      json?["restated"] as? Int == 3 && json?["restated_from"] as? String == date(18_262 + 10)
        && json?["restated_to"] as? String == date(18_262 + 230), "\(restated.stdout)")
    #expect(
      restated.stderr.contains(
        "warning: 3 rows of run \(runID) changed in the table after they were scored (\(date(18_262 + 10)) to \(date(18_262 + 230))): restated, or a late value where the gap policy had carried one. The stored scores of those rows, and of the rows whose windows hold them, used the old values;"
      ), "\(restated.stderr)")
    // A run stored before schema version 12 has no warm-up digests: its warm-up is not compared.
    try sql("UPDATE seismo.runs SET warmup_digests = NULL WHERE run_id = $1", [runID])
    let older = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    let olderJSON = try JSONSerialization.jsonObject(with: Data(older.stdout.utf8)) as? [String: Any]
    #expect(olderJSON?["restated"] as? Int == 2, "\(older.stdout)")
  }

  /// An event that began long before the new rows (here every row is flagged, so the run has
  /// one event from its first scored row, far more rows back than the first look-back reaches)
  /// is continued, not split where the look-back started.
  @Test func incrementalScoringContinuesAnEventThatBeganLongBefore() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 2_520, spikes: [], ["old.csv": 0..<2_500, "new.csv": 2_500..<2_520])
    try ingest(scratch, "old.csv")
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: -1 }
      """)
    try ingest(scratch, "new.csv", [])
    let scored = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(scored.status == 0, "\(scored.stderr)")
    #expect(
      try sql(
        """
        SELECT to_char(start_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char(end_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), flagged_rows::text
        FROM seismo.events e JOIN seismo.runs r ON r.id = e.run WHERE r.run_id = $1
        """, [runID]) == [[date(18_262 + 20), date(18_262 + 2_519), "2500"]])
  }

  /// `seismo watch` across a real restart of its server (a throwaway server of the test's own):
  /// rows committed around the restart are scored once it has reconnected, none twice.
  @Test func watchCatchesUpAfterItsServerRestarts() throws {
    let server = try ThrowawayServer()
    defer { server.stop() }
    let scratch = try Scratch()
    try scratch.writeSyntheticParts(rows: 240, spikes: [], ["old.csv": 0..<200, "new.csv": 200..<220, "later.csv": 220..<240])
    func run(_ arguments: [String]) throws {
      let result = try CLI.run(arguments, in: scratch.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    try run(["db", "migrate", "--url", server.url])
    try run(["ingest", "old.csv", "--url", server.url, "--schema", "market", "--table", "m", "--create"])
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: postgres, url: "\(server.url)", schema: market, table: m }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      sink: { plugin: postgres, url: "\(server.url)", save_model: true }
      """)
    try run(["detect", "run.yaml", "--out", "a", "--quiet"])
    let runID = try storedRunID(scratch, "a")
    try run(["db", "watch", "--url", server.url, "--schema", "market", "--table", "m"])
    let watcher = try CLI.start(["watch", "--run", runID, "--url", server.url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    func scored() -> String? {
      (try? PGConnection(server.url).execute(
        "SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [runID]
      ).rows[0][0]) ?? nil
    }
    func waitFor(_ count: String) throws {
      let deadline = Date().addingTimeInterval(60)
      while scored() != count {
        guard Date() < deadline, watcher.process.isRunning else {
          throw SeismoTestError("the watcher never scored \(count) rows")
        }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
    Thread.sleep(forTimeInterval: 0.5)  // the watcher is listening
    try run(["ingest", "new.csv", "--url", server.url, "--schema", "market", "--table", "m"])
    try waitFor("200")
    try server.restart()
    try run(["ingest", "later.csv", "--url", server.url, "--schema", "market", "--table", "m"])
    try waitFor("220")
    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(stopped.stderr.contains("reconnecting"), "\(stopped.stderr)")
    #expect(stopped.stdout.contains("scored 20 new rows up to \(date(18_262 + 239))"), "\(stopped.stdout)")
    #expect(scored() == "220")
  }

  /// `score --new-rows` killed (SIGKILL) while it appends: nothing of it remains, and a rerun
  /// appends the new rows exactly once.
  @Test func anInterruptedIncrementalScoreIsCompletedOnceByARerun() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [150], ["old.csv": 0..<200, "new.csv": 200..<220])
    let runID = try storedZScoreRun(scratch, history: "old.csv")
    try ingest(scratch, "new.csv", [])
    func stored() throws -> String? {
      try sql("SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [runID])[0][0]
    }
    let name = "seismo_inc_\(schema)"
    let holder = try holdingLock(on: "seismo.scores")
    let scoring = try CLI.start(
      ["score", "--run", runID, "--url", "\(url)?application_name=\(name)", "--new-rows"], in: scratch.url)
    let watcher = try PGConnection(url)
    var blocked = false
    for _ in 0..<400 where !blocked {
      blocked = try !watcher.execute(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [name]
      ).rows.isEmpty
      if !blocked { Thread.sleep(forTimeInterval: 0.05) }
    }
    #expect(blocked, "the append never waited on the lock")
    kill(scoring.process.processIdentifier, SIGKILL)
    _ = try scoring.wait()
    try holder.execute("ROLLBACK")
    for _ in 0..<200 {  // the killed client's backend ends once it gets the lock and finds no client
      if try watcher.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = $1", [name]).rows.isEmpty { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(try stored() == "180", "the killed append left nothing")
    let rerun = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(rerun.stdout.hasPrefix("run \(runID): scored 20 new rows"), "\(rerun.stdout) \(rerun.stderr)")
    let again = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(again.stdout.hasPrefix("run \(runID): no new rows"))
    #expect(try stored() == "200")
  }

  /// `seismo watch`: rows committed to a watched table are scored and their anomalies announced
  /// on seismo_anomaly; one watcher per run.
  @Test func watchScoresCommittedRowsAndAnnouncesAnomalies() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 240, spikes: [150, 210], ["old.csv": 0..<200, "new.csv": 200..<220, "later.csv": 220..<240])
    func run(_ arguments: [String]) throws {
      let result = try CLI.run(arguments, in: scratch.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    let runID = try storedZScoreRun(scratch, history: "old.csv")
    try run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"])

    let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let deadline = Date().addingTimeInterval(60)
    while try sql(
      "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 8117318 AND objid = hashtext($1)::oid", [runID]
    )[0][0] == "0" {
      guard Date() < deadline, watcher.process.isRunning else { throw SeismoTestError("the watcher never took its lock") }
      Thread.sleep(forTimeInterval: 0.1)
    }
    let second = try CLI.run(["watch", "--run", runID, "--url", url], in: scratch.url)
    #expect(second.status == 2 && second.stderr.contains("another seismo watch is scoring run"), "\(second.stderr)")

    let listener = try PGConnection(url)
    try listener.execute("LISTEN seismo_anomaly")
    try ingest(scratch, "new.csv", [])
    var announced: [PGConnection.Notification] = []
    while announced.isEmpty, Date() < deadline {
      // This run's: other tests' watchers announce on the same channel.
      announced = try listener.notifications(waitingUpTo: 1).filter { $0.payload.contains("\"\(runID)\"") }
    }
    try #require(announced.count == 1, "no anomaly was announced")
    let payload = try JSONSerialization.jsonObject(with: Data(announced[0].payload.utf8)) as! [String: Any]
    #expect(payload["run"] as? String == runID && payload["ts"] as? String == date(18_262 + 210), "\(payload)")
    #expect(
      payload["top_feature"] as? String == "b" && (payload["score"] as? Double ?? 0) > 6 && payload["threshold"] as? Double == 6
        && payload["alert"] as? Bool == true)
    func scored() throws -> String? {
      try sql("SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [runID])[0][0]
    }
    #expect(try scored() == "200")

    // A row it scored is restated: the UPDATE announces its time, and the watcher warns at once,
    // reading the table whole again; it does not warn again after the reconnect below.
    try sql("UPDATE \(schema).m SET b = b + 1 WHERE ts = $1::date", [date(18_262 + 30)])

    // The watcher's connection is cut, as by a server restart; rows committed meanwhile are
    // scored once it has reconnected and caught up.
    try sql(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 8117318 AND objid = hashtext($1)::oid",
      [runID])
    try ingest(scratch, "later.csv", [])
    while try scored() != "220" {
      guard Date() < deadline.addingTimeInterval(30), watcher.process.isRunning else {
        throw SeismoTestError("the watcher did not catch up after the connection was cut")
      }
      Thread.sleep(forTimeInterval: 0.2)
    }

    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(stopped.status == 143, "\(stopped.stderr)")
    #expect(
      stopped.stdout.contains("run \(runID): scored 20 new rows up to \(date(18_262 + 219)), 1 anomaly"), "\(stopped.stdout)")
    #expect(
      stopped.stdout.contains("run \(runID): scored 20 new rows up to \(date(18_262 + 239)), 0 anomalies"), "\(stopped.stdout)")
    #expect(stopped.stderr.contains("reconnecting"), "\(stopped.stderr)")
    #expect(
      stopped.stderr.components(
        separatedBy: "warning: 1 row of run \(runID) changed in the table after it was scored (\(date(18_262 + 30)))"
      ).count == 2,
      "warned once: \(stopped.stderr)")
  }

  /// After catching up, `seismo watch` reads only each batch's new rows, keeping the threshold's
  /// state: with an adaptive threshold its stored scores, cut-offs and flags are those a whole
  /// `score` of the table gives. A row inserted among those it has read stops it.
  @Test func watchReadsOnlyNewRowsAndScoresAsAWholeScoreWould() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 260, spikes: [150, 230], ["old.csv": 0..<200, "b1.csv": 200..<220, "b2.csv": 220..<240, "b3.csv": 240..<260])
    try ingest(scratch, "old.csv")
    let (runID, watcher) = try watching(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: dynamic, window: 50, smoothing_span: 3, refresh: 7, min_history: 30 }
      """)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    func scored() throws -> String? { try storedScores(runID) }
    let deadline = Date().addingTimeInterval(90)
    for (batch, total) in [("b1.csv", "200"), ("b2.csv", "220"), ("b3.csv", "240")] {
      Thread.sleep(forTimeInterval: 0.5)  // the watcher is listening (and has caught up)
      try ingest(scratch, batch, [])
      while try scored() != total {
        guard Date() < deadline, watcher.process.isRunning else { throw SeismoTestError("the watcher never scored \(batch)") }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
    // As a whole score of the table: the same rows, scores, cut-offs and flags.
    let whole = try CLI.run(["score", "--run", runID, "--url", url, "--out", "whole", "--quiet"], in: scratch.url)
    try #require(whole.status == 0, "\(whole.stderr)")
    let expected = try scratch.read("whole/scores.csv").split(separator: "\n").dropFirst().map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }.filter { $0[0] >= Substring(date(18_262 + 200)) }
    let stored = try sql(
      """
      SELECT to_char(s.ts, 'YYYY-MM-DD'), s.score::text, s.threshold::text, s.is_anomaly::text FROM seismo.scores s
      JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1 AND s.row_no >= 200 ORDER BY s.row_no
      """, [runID])
    try #require(stored.count == 60 && expected.count == 60, "\(stored.count) stored, \(expected.count) scored whole")
    var flags = 0
    for (row, line) in zip(stored, expected) {
      #expect(row[0].map { Substring($0) } == line[0])
      for (value, whole) in [(row[1], line[2]), (row[2], line[3])] {
        let (a, b) = (Double(value ?? "") ?? .nan, Double(whole) ?? .nan)
        #expect(a.isNaN == b.isNaN && !(abs(a - b) > 1e-5 * (1 + abs(b))), "\(line[0]): \(a) stored, \(b) scored whole")
      }
      #expect((row[3] == "true") == (line[4] == "1" || line[4] == "true"), "\(line[0]): flag")
      flags += row[3] == "true" ? 1 : 0
    }
    #expect(flags >= 1, "the spike on day 230 is flagged")
    // A row inserted among those read: the counts no longer match, and the watcher stops.
    try sql("INSERT INTO \(schema).m (ts, a, b) VALUES ('2019-12-31', 1, 1)")
    let stopped = try watcher.wait()
    #expect(stopped.status == 1)
    #expect(
      stopped.stdout.hasPrefix("watching \(schema).m for run \(runID)")
        && stopped.stdout.contains("reads only the rows after the last it read"))
    #expect(
      stopped.stderr.contains("rows were inserted or deleted among those already scored; run detect again"), "\(stopped.stderr)")
    #expect(!stopped.stderr.contains("does not announce new rows"), "the table has its trigger")
  }

  /// A watcher of a table without `seismo db watch`'s trigger would wait forever in silence: it
  /// says so, and what to run, when it starts.
  @Test func watchWarnsWhenItsTableDoesNotAnnounceNewRows() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("old.csv", syntheticCSV(rows: 120, spikes: []))
    try ingest(scratch, "old.csv")
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      detector: { plugin: rolling-zscore, window: 20 }
      """)
    func started() throws -> CLI.Result {
      let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
      let deadline = Date().addingTimeInterval(30)
      while (try? Data(contentsOf: watcher.outURL))?.isEmpty ?? true, Date() < deadline, watcher.process.isRunning {
        Thread.sleep(forTimeInterval: 0.1)  // until it has started watching
      }
      watcher.process.terminate()
      return try watcher.wait()
    }
    let stopped = try started()
    #expect(
      stopped.stderr.contains(
        "warning: \(schema).m does not announce new rows (it has no seismo_watch trigger), so nothing will be scored until it does: seismo db watch --url URL --schema \(schema) --table m"
      ), "\(stopped.stderr)")
    // A table set up by an older db watch announces new rows but not changed ones.
    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    let set = try started()
    #expect(!set.stderr.contains("warning"), "\(set.stderr)")
    try sql("DROP TRIGGER seismo_watch_updates ON \(schema).m")
    let older = try started().stderr.split(separator: "\n").first ?? ""
    #expect(
      older
        == "warning: \(schema).m does not announce changed rows (its triggers are from an older seismo db watch), so a restated row is named only when the watcher starts or reconnects; to hear of one at once: seismo db watch --url URL --schema \(schema) --table m",
      "\(older)")
  }

  /// A query's new rows cannot be told from its old ones, so a watcher of a query-sourced run
  /// reads the query whole at every batch, and says so.
  @Test func watchReadsAQueryWholeAtEveryBatch() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [], ["old.csv": 0..<200, "new.csv": 200..<220])
    try ingest(scratch, "old.csv")
    let (runID, watcher) = try watching(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", query: "SELECT ts, a, b FROM \(schema).m" }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      """)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    Thread.sleep(forTimeInterval: 0.5)
    try ingest(scratch, "new.csv", [])
    let deadline = Date().addingTimeInterval(60)
    while try storedScores(runID) != "200" {
      guard Date() < deadline, watcher.process.isRunning else { throw SeismoTestError("the watcher never scored the rows") }
      Thread.sleep(forTimeInterval: 0.1)
    }
    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(
      stopped.stdout.contains("reads the whole source at each batch, as a query's new rows cannot be told apart"),
      "\(stopped.stdout)")
    #expect(stopped.stdout.contains("scored 20 new rows up to \(date(18_262 + 219))"), "\(stopped.stdout)")
  }

  /// New rows that leave the training range of a model of levels are warned about: by
  /// `score --new-rows` (stderr and --json's `warnings`), judging the rows it appends, and by a
  /// watcher once per feature; a model of changes on the same rows is not.
  @Test func newRowsOutsideTheTrainingRangeOfAModelOfLevelsAreWarnedAbout() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    // b jumps from about 50 to about 150 on day 200; a stays in its range.
    let lines = syntheticCSV(rows: 240, spikes: []).split(separator: "\n").map(String.init)
    let shifted = lines.enumerated().map { r, line in
      guard r > 200 else { return line }
      let cells = line.split(separator: ",")
      return "\(cells[0]),\(cells[1]),\(Double(cells[2])! + 100)"
    }
    for (name, range) in [("old.csv", 0..<200), ("new.csv", 200..<220), ("b1.csv", 220..<230), ("b2.csv", 230..<240)] {
      try scratch.write(name, ([shifted[0]] + shifted[(range.lowerBound + 1)...range.upperBound]).joined(separator: "\n") + "\n")
    }
    try ingest(scratch, "old.csv")
    let source = "source: { plugin: postgres, url: \"\(url)\", schema: \(schema), table: m }\nsplit: { train_fraction: 0.6 }"
    let changes = try storedModelRun(
      scratch, source + "\ndetector: { plugin: lstm-autoencoder, window: 10, units: 4, epochs: 1, transform: diff }")
    // A query is read whole at every call: its new rows are the last of what it reads.
    let query = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", query: "SELECT ts, a, b FROM \(schema).m" }
      split: { train_fraction: 0.6 }
      detector: { plugin: lstm-autoencoder, window: 10, units: 4, epochs: 1 }
      """)
    let (runID, watcher) = try watching(
      scratch, source + "\ndetector: { plugin: lstm-autoencoder, window: 10, units: 4, epochs: 1 }")
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let range = try #require(try storedModel(runID).trainingRanges?[1])
    let warning =
      "warning: b: 20 of 20 new rows lie outside its training range (\(LevelDrift.shown(range.lowerBound)) to \(LevelDrift.shown(range.upperBound))); lstm-autoencoder models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes"
    watcher.process.terminate()  // started here to share the run; followed below
    _ = try watcher.wait()

    try ingest(scratch, "new.csv", [])
    let levels = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    #expect(levels.status == 0 && levels.stderr == warning + "\n", "\(levels.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(levels.stdout.utf8)) as? [String: Any]
    #expect(json?["new_rows"] as? Int == 20 && json?["warnings"] as? [String] == [warning], "\(levels.stdout)")
    let whole = try CLI.run(["score", "--run", query, "--url", url, "--new-rows", "--json"], in: scratch.url)
    #expect(whole.status == 0 && whole.stderr == warning + "\n", "a query: \(whole.stderr)")
    let diffs = try CLI.run(["score", "--run", changes, "--url", url, "--new-rows", "--json"], in: scratch.url)
    let quiet = try JSONSerialization.jsonObject(with: Data(diffs.stdout.utf8)) as? [String: Any]
    #expect(diffs.stderr == "" && quiet?["warnings"] as? [String] == [], "a model of changes: \(diffs.stderr)")

    // A watcher counts the rows it appends, and names b once: after the first batch (10 of 10).
    let following = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    defer { if following.process.isRunning { following.process.terminate() } }
    let deadline = Date().addingTimeInterval(60)
    let scored = Int(try #require(try storedScores(runID)))!
    for (batch, total) in [("b1.csv", scored + 10), ("b2.csv", scored + 20)] {
      Thread.sleep(forTimeInterval: 0.5)  // the watcher is listening
      try ingest(scratch, batch, [])
      while try storedScores(runID) != String(total) {
        guard Date() < deadline, following.process.isRunning else { throw SeismoTestError("the watcher never scored \(batch)") }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
    following.process.terminate()
    let stopped = try following.wait()
    let once = warning.replacingOccurrences(of: "20 of 20", with: "10 of 10")
    #expect(
      stopped.stderr.components(separatedBy: "warning: b:").count == 2 && stopped.stderr.contains(once), "\(stopped.stderr)")
  }

  @Test func sourceQueriesCannotWrite() throws {
    let scratch = try Scratch()
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE SEQUENCE \(schema).counter START 100")
    let objects = try sql("SELECT count(*) FROM pg_largeobject_metadata")[0][0]
    for (query, expected) in [
      ("SELECT now() AS ts, setval('\(schema).counter', 1)::float8 AS x", "cannot execute setval() in a read-only transaction"),
      // Read-only mode lets lo_create through; the transaction is rolled back, so it leaves nothing.
      ("SELECT now() AS ts, lo_create(0)::text::float8 AS x", "the split leaves no training rows"),
      (
        "SELECT now() AS ts, 1.0 AS x FROM (SELECT set_config('transaction_read_only', 'off', true)) s",
        "transaction read-write mode must be set before any query"
      ),
    ] {
      try scratch.write(
        "run.yaml", "source: { plugin: postgres, url: \"\(url)\", query: \"\(query)\" }\ndetector: { plugin: rolling-zscore }\n")
      let result = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
      #expect(result.status == (expected.contains("no training rows") ? 1 : 2), "\(result.stderr)")
      #expect(result.stderr.contains(expected), "\(query): \(result.stderr)")
    }
    #expect(try sql("SELECT last_value FROM \(schema).counter")[0][0] == "100")
    #expect(try sql("SELECT count(*) FROM pg_largeobject_metadata")[0][0] == objects)
  }

  @Test func lockAndStatementTimeoutsEndWaitsWithAClearError() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    // The URL overrides the defaults (30 s, 10 min), so the test waits one second.
    let options = "options=-c%20lock_timeout%3D1s%20-c%20statement_timeout%3D20s"
    try writeSinkRun(scratch, sinkURL: "\(url)?\(options)")
    let holder = try holdingLock(on: "seismo.runs")
    let locked = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    try holder.execute("ROLLBACK")
    #expect(locked.status == 2)
    #expect(
      locked.stderr.contains("canceling statement due to lock timeout")
        && locked.stderr.contains("another session holds a lock it needs"), "\(locked.stderr)")
    #expect(PGConnection.Limits().lockTimeout == "30s" && PGConnection.Limits().statementTimeout == "10min")
    #expect(try PGConnection(url).applied == ["lock_timeout": "30s", "statement_timeout": "10min"])

    try scratch.write(
      "slow.yaml",
      """
      source: { plugin: postgres, url: "\(url)?options=-c%20statement_timeout%3D1s", query: "SELECT now() AS ts, 1.0 AS x FROM pg_sleep(3)" }
      detector: { plugin: rolling-zscore }
      """)
    let slow = try CLI.run(["detect", "slow.yaml", "--out", "s", "--quiet"], in: scratch.url)
    #expect(slow.status == 2)
    #expect(
      slow.stderr.contains("canceling statement due to statement timeout") && slow.stderr.contains("statement_timeout"),
      "\(slow.stderr)")
  }

  /// A server that accepts the TCP connection but never answers: the default connect_timeout
  /// (10 s) ends the wait.
  @Test func aSilentServerTimesOut() throws {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(listener) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(listener, pointer, length) == 0 && listen(listener, 8) == 0 && getsockname(listener, pointer, &length) == 0
      }
    }
    #expect(bound)
    let port = UInt16(bigEndian: address.sin_port)
    let scratch = try Scratch()
    try scratch.write(
      "run.yaml",
      "source: { plugin: postgres, url: \"postgresql://u:secret@127.0.0.1:\(port)/db\", table: t }\ndetector: { plugin: rolling-zscore }\n"
    )
    let started = Date()
    let result = try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url)
    let waited = Date().timeIntervalSince(started)
    #expect(result.status == 2)
    #expect(result.stderr.contains("timeout expired (connect_timeout in the URL sets the wait)"), "\(result.stderr)")
    #expect(!result.stderr.contains("secret"))
    #expect(waited > 5 && waited < 60, "\(waited) s")
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
    for statement in statements {
      let rows = try sql(statement)
      if statement.contains("count(DISTINCT a.indicator) >= 2") {
        #expect(rows.map { [$0[0], $0[1]] } == [[date(18_262 + 100), "2"], [date(18_262 + 101), "2"]], "\(rows)")
      }
      if statement.contains("latest_flags") {
        #expect(rows.filter { $0[0] == runIDs[20] }.map { Array($0.dropFirst(2)) } == [["fixed", "2", ownFlags, "0"]], "\(rows)")
        #expect(ownFlags != "0", "the run's own threshold flags its spike")
      }
      if statement.contains("jsonb_array_elements_text(r.summary -> 'warnings')") {
        // runs list counts them.
        let listed = try CLI.run(["runs", "list", "--url", url, "--limit", "500"], in: scratch.url).stdout
        let line = listed.split(separator: "\n").first { $0.hasPrefix(warnedRun) }?.split(separator: "\t")
        #expect(line?[7] == "1", "\(listed.prefix(400))")
        let mine = rows.filter { $0[0] == warnedRun }
        #expect(
          mine.count == 1 && mine[0][4]?.hasPrefix("warning: split.train_until 2099-01-01 is not before") == true, "\(rows)")
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
    let year = try CLI.run(["runs", "delete", "--older-than", "1y", "--url", url], in: scratch.url)
    #expect(year.status == 0 && year.stdout == "deleted 1 run\n", "\(year.stderr)")
    #expect(try sql("SELECT count(*) FROM seismo.runs WHERE run_id = $1", [runIDs[8]])[0][0] == "0")
  }
}
