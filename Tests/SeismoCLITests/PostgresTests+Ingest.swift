import Foundation
import Testing

@testable import SeismoCore

/// `seismo ingest`: CSV files into market tables, read back by the postgres source.
extension PostgresTests {
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
    // A day and a time of day in two columns (MetaTrader's Date,Time): --time-of-day-column adds them.
    try scratch.write("mt.csv", "Date,Time,Close\n2020-01-02,09:30,1.5\n2020-01-02,09:31,2.5\n")
    let apart = try CLI.run(
      ["ingest", "mt.csv", "--url", url, "--schema", schema, "--table", "ticks", "--create"], in: scratch.url)
    #expect(
      apart.status == 1 && apart.stderr.contains("(a time of day? --time-of-day-column Time adds it to the days of 'Date')"),
      "\(apart.stderr)")
    let joined = try CLI.run(
      ["ingest", "mt.csv", "--url", url, "--schema", schema, "--table", "ticks", "--create", "--time-of-day-column", "Time"],
      in: scratch.url)
    #expect(joined.status == 0, "\(joined.stderr)")
    #expect(
      try sql("SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), \"Close\"::text FROM \(schema).ticks ORDER BY ts")
        == [["2020-01-02 09:30", "1.5"], ["2020-01-02 09:31", "2.5"]])
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
    #expect(
      none.status == 1
        && none.stderr == "error: \(schema).m: no such table; there is no schema '\(schema)'; --create makes it\n",
      "\(none.stderr)")
    #expect(try ingest("vix.csv", "m", ["--create"]).status == 0)
    let near = try ingest("vix.csv", "mm")
    #expect(near.stderr == "error: \(schema).mm: no such table (did you mean 'm'?); --create makes it\n", "\(near.stderr)")
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
    // A table named with its schema, as in SQL, is refused, not made under that whole name.
    let dotted = try CLI.run(["ingest", "vix.csv", "--url", url, "--table", "\(schema).n", "--create"], in: scratch.url)
    #expect(
      dotted.status == 1
        && dotted.stderr
          == "error: --table \(schema).n: a name is taken whole, dots included, and public has no table '\(schema).n'; for table 'n' of schema '\(schema)' give --schema \(schema) --table n\n",
      "\(dotted.stderr)")
    #expect(try sql("SELECT to_regclass('public.\"\(schema).n\"') IS NULL, to_regclass('\(schema).n') IS NULL") == [["t", "t"]])
  }

  /// A table made by hand may lack a key on its times, or keep a feature as text. Appending
  /// rows it has already would store them twice, and upsert has no rows to overwrite by; numbers
  /// in a text column are left out by the postgres source, and a fraction cannot go into a
  /// whole-number column. Each is refused before anything is written, naming the SQL that mends
  /// the table; with a unique index, both modes work, and whole numbers go into a bigint.
  @Test func ingestRefusesWhatATableWithoutKeyOrNumbersWouldLose() throws {
    let scratch = try Scratch()
    func ingest(_ file: String, _ table: String, _ extra: [String] = []) throws -> CLI.Result {
      try CLI.run(["ingest", file, "--url", url, "--schema", schema, "--table", table] + extra, in: scratch.url)
    }
    try scratch.write("first.csv", "date,a,b\n2020-01-01,1,10\n2020-01-02,2,20\n2020-01-03,3,30\n")
    try scratch.write("next.csv", "date,a,b\n2020-01-03,33,330\n2020-01-04,4,40\n")
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).wide (ts date, a double precision, b double precision)")
    try sql("CREATE TABLE \(schema).long (symbol text, ts timestamptz, value double precision)")
    try sql("CREATE TABLE \(schema).texts (ts date PRIMARY KEY, a text, b double precision)")
    #expect(try ingest("first.csv", "wide").status == 0)
    let twice = try ingest("next.csv", "wide")
    #expect(
      twice.status == 2
        && twice.stderr
          == "error: \(schema).wide already has 1 of these rows (2020-01-03), which appending would store twice: it has no primary key on (ts) to refuse them. --mode replace deletes the old ones first; with a key (ALTER TABLE \"\(schema)\".\"wide\" ADD PRIMARY KEY (\"ts\")), --mode upsert overwrites them\n",
      "\(twice.stderr)")
    let upsert = try ingest("next.csv", "wide", ["--mode", "upsert"])
    #expect(
      upsert.status == 1
        && upsert.stderr
          == "error: \(schema).wide has no primary key or unique index on (ts), by which --mode upsert finds the rows to overwrite; add one (ALTER TABLE \"\(schema)\".\"wide\" ADD PRIMARY KEY (\"ts\")), or --mode replace\n",
      "\(upsert.stderr)")
    #expect(try sql("SELECT count(*) FROM \(schema).wide") == [["3"]], "nothing more was written")
    // A long table's key is (symbol, ts): another symbol on the same days is no overlap.
    #expect(try ingest("first.csv", "long", ["--long", "--column", "a"]).status == 0)
    #expect(try ingest("first.csv", "long", ["--long", "--column", "b"]).status == 0)
    let again = try ingest("next.csv", "long", ["--long"])
    #expect(again.status == 2 && again.stderr.contains("already has 2 of these rows (2020-01-03)"), "\(again.stderr)")
    #expect(again.stderr.contains("no primary key on (symbol, ts)"), "\(again.stderr)")
    // With a unique index, an overlap is the database's duplicate key, and upsert merges.
    try sql("CREATE UNIQUE INDEX ON \(schema).wide (ts)")
    let keyed = try ingest("next.csv", "wide")
    #expect(keyed.status == 2 && keyed.stderr.contains("duplicate key"), "\(keyed.stderr)")
    #expect(try ingest("next.csv", "wide", ["--mode", "upsert"]).status == 0)
    #expect(try sql("SELECT count(*), sum(a) FROM \(schema).wide") == [["4", "40"]])
    let text = try ingest("first.csv", "texts")
    #expect(
      text.status == 1
        && text.stderr
          == "error: \(schema).texts: column 'a' is text, and ingest writes numbers, which the postgres source reads from numeric columns only; make it one (ALTER TABLE \"\(schema)\".\"texts\" ALTER COLUMN \"a\" TYPE double precision USING \"a\"::double precision), or load another table\n",
      "\(text.stderr)")
    #expect(try sql("SELECT count(*) FROM \(schema).texts") == [["0"]])
    // A whole-number column (volumes kept as bigint) takes whole numbers, which were written 5.0
    // and refused; a fraction is refused before any row is written.
    try sql("CREATE TABLE \(schema).volumes (ts date PRIMARY KEY, a bigint, b float8)")
    #expect(try ingest("first.csv", "volumes").status == 0)
    #expect(try sql("SELECT a::text, b::text FROM \(schema).volumes ORDER BY ts") == [["1", "10"], ["2", "20"], ["3", "30"]])
    try scratch.write("fraction.csv", "date,a,b\n2020-01-04,4,40\n2020-01-05,5.5,50\n")
    let fraction = try ingest("fraction.csv", "volumes")
    #expect(
      fraction.status == 1
        && fraction.stderr
          == "error: \(schema).volumes: column 'a' is bigint, and the file's a has 5.5 at 2020-01-05, which it cannot hold; make it double precision (ALTER TABLE \"\(schema)\".\"volumes\" ALTER COLUMN \"a\" TYPE double precision), or load another table\n",
      "\(fraction.stderr)")
    #expect(try sql("SELECT count(*) FROM \(schema).volumes") == [["3"]])
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

  /// Several files in one ingest (`seismo ingest prices/*.csv`), in one transaction: a long
  /// table gets each file's rows on its own days, a wide one the files joined on time; features
  /// that share a column's name are named for their files, or by `--as` across the files.
  @Test func ingestLoadsSeveralFilesAtOnce() throws {
    let scratch = try Scratch()
    try scratch.write("vix.csv", "date,close\n2020-01-02,12.5\n2020-01-03,14.0\n2020-01-06,13.0\n")
    try scratch.write("spx.csv", "date,open,close\n2020-01-03,3200,3234.5\n2020-01-06,3220,3246.25\n2020-01-07,3240,3237.0\n")
    func ingest(_ table: String, _ extra: [String]) throws -> CLI.Result {
      try CLI.run(
        ["ingest", "vix.csv", "spx.csv", "--url", url, "--schema", schema, "--table", table, "--create"] + extra, in: scratch.url)
    }
    let long = try ingest("several_long", ["--long", "--column", "close"])
    #expect(long.status == 0 && long.stdout.hasPrefix("wrote 6 rows to \(schema).several_long"), "\(long.stderr)")
    #expect(
      try sql("SELECT symbol, ts::text, value::text FROM \(schema).several_long ORDER BY symbol, ts") == [
        ["spx", "2020-01-03", "3234.5"], ["spx", "2020-01-06", "3246.25"], ["spx", "2020-01-07", "3237"],
        ["vix", "2020-01-02", "12.5"], ["vix", "2020-01-03", "14"], ["vix", "2020-01-06", "13"],
      ])
    let wide = try ingest("several_wide", ["--column", "close", "--gaps", "keep"])
    #expect(wide.status == 0, "\(wide.stderr)")
    #expect(
      try sql("SELECT ts::text, vix::text, spx::text FROM \(schema).several_wide ORDER BY ts") == [
        ["2020-01-02", "12.5", nil], ["2020-01-03", "14", "3234.5"], ["2020-01-06", "13", "3246.25"],
        ["2020-01-07", nil, "3237"],
      ])
    // Every column: a file of several names each for the file and the column; --as names them all.
    #expect(try ingest("several_every", ["--long"]).status == 0)
    #expect(
      try sql("SELECT DISTINCT symbol FROM \(schema).several_every ORDER BY symbol") == [
        ["spx_close"], ["spx_open"], ["vix_close"],
      ])
    #expect(try ingest("several_as", ["--long", "--as", "v", "--as", "so", "--as", "sc"]).status == 0)
    #expect(try sql("SELECT DISTINCT symbol FROM \(schema).several_as ORDER BY symbol") == [["sc"], ["so"], ["v"]])
    // Files of one series cut by time: refused as indicators, appended with --combine append.
    try scratch.write("2019.csv", "date,close\n2019-12-30,1\n2019-12-31,2\n")
    try scratch.write("2020.csv", "date,close\n2020-01-02,3\n2020-01-03,4\n")
    let periods = ["ingest", "2019.csv", "2020.csv", "--url", url, "--schema", schema, "--create", "--long"]
    let refused = try CLI.run(periods + ["--table", "periods"], in: scratch.url)
    #expect(
      refused.status == 1 && refused.stderr.contains("whose rows --combine append reads as one file's"), "\(refused.stderr)")
    let appended = try CLI.run(periods + ["--table", "periods", "--combine", "append", "--as", "eurusd"], in: scratch.url)
    #expect(appended.status == 0, "\(appended.stderr)")
    #expect(try sql("SELECT symbol, count(*)::text FROM \(schema).periods GROUP BY symbol") == [["eurusd", "4"]])
    let short = try ingest("several_short", ["--long", "--as", "v"])
    #expect(
      short.status == 1
        && short.stderr.contains(
          "--as names each column loaded, in order, but vix.csv + spx.csv have 3 (vix_close, spx_open, spx_close) for 1 --as"),
      "\(short.stderr)")
  }

  /// A long CSV (`--symbol-column Name`, a row per symbol and day): a long table gets each
  /// symbol's rows on its own days, a wide one the symbols joined on time; `--symbol` picks them.
  @Test func ingestReadsALongFile() throws {
    let scratch = try Scratch()
    try scratch.write(
      "all.csv",
      "date,close,Name\n2020-01-02,12.5,vix\n2020-01-03,3234.5,spx\n2020-01-03,14.0,vix\n2020-01-06,3246.25,spx\n2020-01-07,9,gold\n"
    )
    func ingest(_ table: String, _ extra: [String]) throws -> CLI.Result {
      try CLI.run(
        ["ingest", "all.csv", "--url", url, "--schema", schema, "--table", table, "--create", "--symbol-column", "Name"] + extra,
        in: scratch.url)
    }
    let long = try ingest("long_csv", ["--long", "--symbol", "vix", "--symbol", "spx"])
    #expect(long.status == 0 && long.stdout.hasPrefix("wrote 4 rows"), "\(long.stderr)")
    #expect(
      try sql("SELECT symbol, ts::text, value::text FROM \(schema).long_csv ORDER BY symbol, ts") == [
        ["spx", "2020-01-03", "3234.5"], ["spx", "2020-01-06", "3246.25"], ["vix", "2020-01-02", "12.5"],
        ["vix", "2020-01-03", "14"],
      ])
    let wide = try ingest("wide_csv", ["--symbol", "vix", "--symbol", "spx", "--gaps", "keep"])
    #expect(wide.status == 0, "\(wide.stderr)")
    #expect(
      try sql("SELECT ts::text, vix::text, spx::text FROM \(schema).wide_csv ORDER BY ts") == [
        ["2020-01-02", "12.5", nil], ["2020-01-03", "14", "3234.5"], ["2020-01-06", nil, "3246.25"],
      ])
    let unnamed = try CLI.run(
      ["ingest", "all.csv", "--url", url, "--schema", schema, "--table", "x", "--symbol", "vix"], in: scratch.url)
    #expect(unnamed.status == 64 && unnamed.stderr.contains("name its --symbol-column"), "\(unnamed.stderr)")
  }

  /// `ingest --delimiter`, `--time-format` and `--decimal`: a European export, separated by ';'
  /// with day-first dates and decimal commas.
  @Test func ingestReadsOtherSeparatorsAndDateFormats() throws {
    let scratch = try Scratch()
    try scratch.write("eu.csv", "date;a\n02/01/2020;1.5\n03/01/2020;2.5\n")
    try scratch.write("comma.csv", "date;a\n02/01/2020;1.234,5\n03/01/2020;2,5\n")
    let plain = try CLI.run(["ingest", "eu.csv", "--url", url, "--schema", schema, "--table", "t", "--create"], in: scratch.url)
    #expect(plain.status == 1 && plain.stderr.contains("set --delimiter ';'"), "\(plain.stderr)")
    let iso = try CLI.run(
      ["ingest", "eu.csv", "--url", url, "--schema", schema, "--table", "t", "--create", "--delimiter", ";"], in: scratch.url)
    #expect(iso.status == 1 && iso.stderr.contains("'02/01/2020' is not"), "without --time-format: \(iso.stderr)")
    try ingest(scratch, "eu.csv", ["--create", "--delimiter", ";", "--time-format", "%d/%m/%Y"])
    #expect(
      try sql("SELECT ts::date::text, a::text FROM \(schema).m ORDER BY ts") == [["2020-01-02", "1.5"], ["2020-01-03", "2.5"]])
    let options = ["--delimiter", ";", "--time-format", "%d/%m/%Y", "--mode", "replace"]
    let points = try CLI.run(
      ["ingest", "comma.csv", "--url", url, "--schema", schema, "--table", "m"] + options, in: scratch.url)
    #expect(points.status == 1 && points.stderr.contains("set --decimal comma"), "\(points.stderr)")
    try ingest(scratch, "comma.csv", options + ["--decimal", "comma"])
    #expect(
      try sql("SELECT ts::date::text, a::text FROM \(schema).m ORDER BY ts") == [
        ["2020-01-02", "1234.5"], ["2020-01-03", "2.5"],
      ])
    // Rows sharing a time: refused, or merged as --duplicates says, and counted.
    try scratch.write("twice.csv", "date,a\n2020-01-04,1\n2020-01-04,2\n2020-01-05,4\n")
    func twice(_ policy: String) throws -> CLI.Result {
      try CLI.run(
        ["ingest", "twice.csv", "--url", url, "--schema", schema, "--table", "m", "--mode", "upsert", "--duplicates", policy],
        in: scratch.url)
    }
    #expect(try twice("error").status == 1)
    for (policy, value) in [("first", "1"), ("last", "2"), ("mean", "1.5")] {
      let merged = try twice(policy)
      #expect(merged.stdout.hasSuffix("; 1 rows sharing a time merged by --duplicates \(policy)\n"), "\(merged.stdout)")
      #expect(try sql("SELECT a::text FROM \(schema).m WHERE ts = '2020-01-04'") == [[value]])
    }
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
    #expect(ffill.stdout.contains("1 rows dropped by --gaps ffill") && ffill.stdout.contains("1 empty cells forward-filled"))
    #expect(try sql("SELECT count(*) FROM \(schema).filled WHERE a IS NULL OR b IS NULL")[0][0] == "0")
    #expect(ffill.stderr.isEmpty, "a hole of one row is not worth a word: \(ffill.stderr)")
    // Values filled at the end are stored as data: each column's is named, however short, and so
    // is a long hole.
    let days = (0..<30).map { CivilTime.format(Timestamp(18_262 + $0) * 86_400) }
    let late = days.enumerated().map { i, day in "\(day),\(i),\(i >= 28 || (5..<17).contains(i) ? "" : "\(i)")" }
    try scratch.write("late.csv", "date,a,b\n" + late.joined(separator: "\n") + "\n")
    let stored = try CLI.run(
      ["ingest", "late.csv", "--url", url, "--schema", schema, "--table", "late", "--create"], in: scratch.url)
    #expect(
      stored.stderr
        == "warning: b has no value after 2020-01-28: --gaps ffill stored that value in its last 2 rows (from 2020-01-29 on); --gaps keep stores NULL there, for a later --mode upsert to fill\n"
        + "warning: b has no value from 2020-01-06 to 2020-01-17: --gaps ffill stored its value of 2020-01-05 in those 12 rows\n",
      "\(stored.stderr)")
    // A column that starts late leaves out every column's rows before it, which is named; --gaps
    // keep stores them.
    let lateStart = days.enumerated().map { i, day in "\(day),\(i),\(i < 12 ? "" : "\(i)")" }
    try scratch.write("start.csv", "date,a,b\n" + lateStart.joined(separator: "\n") + "\n")
    let cut = try CLI.run(
      ["ingest", "start.csv", "--url", url, "--schema", schema, "--table", "cut", "--create"], in: scratch.url)
    #expect(
      cut.status == 0 && cut.stdout.contains("wrote 18 rows")
        && cut.stderr
          == "warning: b has no value before 2020-01-13: --gaps ffill left out the 12 rows before that (from 2020-01-01) for every column; --gaps keep stores them, with NULL where a column has no value, so that a source reading the others, or detect --each, has their history\n",
      "\(cut.stdout) \(cut.stderr)")
    // Under --gaps drop, a column that stops early leaves out every column's rows after it.
    let earlyStop = days.enumerated().map { i, day in "\(day),\(i),\(i >= 18 ? "" : "\(i)")" }
    try scratch.write("stop.csv", "date,a,b\n" + earlyStop.joined(separator: "\n") + "\n")
    let stopped = try CLI.run(
      ["ingest", "stop.csv", "--url", url, "--schema", schema, "--table", "stopped", "--create", "--gaps", "drop"],
      in: scratch.url)
    #expect(
      stopped.status == 0 && stopped.stdout.contains("wrote 18 rows")
        && stopped.stderr
          == "warning: b has no value after 2020-01-18: --gaps drop left out the 12 rows after that (to 2020-01-30) for every column; --gaps keep stores them, with NULL where a column has no value, so that a source reading the others, or detect --each, has their history\n",
      "\(stopped.stdout) \(stopped.stderr)")
    let whole = try CLI.run(
      ["ingest", "start.csv", "--url", url, "--schema", schema, "--table", "whole", "--create", "--gaps", "keep"],
      in: scratch.url)
    #expect(whole.status == 0 && whole.stdout.contains("wrote 30 rows") && whole.stderr.isEmpty, "\(whole.stderr)")
    // FRED writes '.' for a day without a print: --missing stores it as NULL; without, it is refused.
    try scratch.write("fred.csv", "DATE,DGS30\n2020-01-01,2.5\n2020-01-02,.\n2020-01-03,2.75\n")
    let refused = try CLI.run(
      ["ingest", "fred.csv", "--url", url, "--schema", schema, "--table", "fred", "--create"], in: scratch.url)
    #expect(refused.status == 1 && refused.stderr.contains("set --missing '.'"), "\(refused.stderr)")
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
    #expect(titled.status == 1 && titled.stderr.contains("a title or notes above the table? --skip-lines 1"), "\(titled.stderr)")
    let skipped = try CLI.run(
      ["ingest", "titled.csv", "--url", url, "--schema", schema, "--table", "t10", "--create", "--skip-lines", "1"],
      in: scratch.url)
    #expect(skipped.status == 0, "\(skipped.stderr)")
    #expect(try sql("SELECT t10::text FROM \(schema).t10 ORDER BY ts") == [["1.9"], ["1.95"]])
  }

  /// A day's file appended to a wide table, an indicator not yet in, keeps its row: `ffill`
  /// carries the table's last value of that column into the file's first empty cells, as the
  /// file's own earlier rows would (before, the file alone dropped those rows, the day lost).
  @Test func ingestCarriesTheTablesLastValuesIntoAnAppendedFile() throws {
    let scratch = try Scratch()
    func ingest(_ files: [String], _ extra: [String] = []) throws -> CLI.Result {
      try CLI.run(files + ["--url", url, "--schema", schema, "--table", "carried"] + extra, in: scratch.url)
    }
    try scratch.write("history.csv", "date,a,b\n2020-01-01,1,10\n2020-01-02,2,\n2020-01-03,3,\n")
    #expect(try ingest(["ingest", "history.csv", "--create"]).status == 0)
    try scratch.write("day.csv", "date,a,b\n2020-01-06,6,\n2020-01-07,7,70\n")
    let day = try ingest(["ingest", "day.csv"])
    #expect(day.status == 0 && day.stdout.contains("wrote 2 rows") && day.stdout.contains("1 empty cells forward-filled"))
    #expect(!day.stdout.contains("dropped") && day.stderr.isEmpty, "\(day.stdout) \(day.stderr)")
    // b's last value before the file is 2020-01-01's: its own value, not a filled cell's time.
    try scratch.write("late.csv", "date,a,b\n2020-01-08,8,\n2020-01-09,9,\n")
    let late = try ingest(["ingest", "late.csv"])
    #expect(
      late.status == 0
        && late.stderr
          == "warning: b has no value after 2020-01-07: --gaps ffill stored that value in its last 2 rows (from 2020-01-08 on); --gaps keep stores NULL there, for a later --mode upsert to fill\n",
      "\(late.stderr)")
    // Files joined on time (one indicator each, named for their files), appended: b's first day
    // carried in too.
    try scratch.write("a.csv", "date,close\n2020-01-10,10\n2020-01-13,13\n")
    try scratch.write("b.csv", "date,close\n2020-01-13,130\n")
    let joined = try ingest(["ingest", "a.csv", "b.csv", "--column", "close"])
    #expect(joined.status == 0 && joined.stdout.contains("wrote 2 rows"), "\(joined.stdout) \(joined.stderr)")
    #expect(
      try sql("SELECT ts::text, a::text, b::text FROM \(schema).carried ORDER BY ts") == [
        ["2020-01-01", "1", "10"], ["2020-01-02", "2", "10"], ["2020-01-03", "3", "10"], ["2020-01-06", "6", "10"],
        ["2020-01-07", "7", "70"], ["2020-01-08", "8", "70"], ["2020-01-09", "9", "70"], ["2020-01-10", "10", "70"],
        ["2020-01-13", "13", "130"],
      ])
    // Upserted, a row the table has keeps its own value where the file's is empty (not the
    // value before it, 2020-01-10's 70).
    try scratch.write("restated.csv", "date,a,b\n2020-01-13,99,\n")
    #expect(try ingest(["ingest", "restated.csv", "--mode", "upsert"]).status == 0)
    #expect(try sql("SELECT a::text, b::text FROM \(schema).carried WHERE ts = '2020-01-13'") == [["99", "130"]])
    // A long table's symbols alike: b's day is carried from b's rows.
    #expect(
      try CLI.run(
        ["ingest", "history.csv", "--url", url, "--schema", schema, "--table", "carried_long", "--create", "--long"],
        in: scratch.url
      ).status == 0)
    let longDay = try CLI.run(
      ["ingest", "day.csv", "--url", url, "--schema", schema, "--table", "carried_long", "--long"], in: scratch.url)
    #expect(longDay.status == 0 && longDay.stdout.contains("wrote 4 rows"), "\(longDay.stdout) \(longDay.stderr)")
    #expect(
      try sql("SELECT value::text FROM \(schema).carried_long WHERE symbol = 'b' AND ts = '2020-01-06'") == [["10"]])
    // What the table has no value of yet is left out as before; replace empties the table first.
    try scratch.write("new.csv", "date,a,c\n2020-01-14,14,\n2020-01-15,15,1.5\n")
    let added = try ingest(["ingest", "new.csv", "--create"])
    #expect(
      added.status == 0 && added.stdout.contains("wrote 1 rows") && added.stdout.contains("; 1 rows dropped by --gaps ffill"),
      "\(added.stdout)")
    try scratch.write("none.csv", "date,a,c\n2020-01-16,16,\n")
    let none = try ingest(["ingest", "none.csv"])
    #expect(none.status == 0, "c's last value carries: \(none.stderr)")
    // A column with no value in the file nor the table leaves no row: the error says so, and
    // what stores the rows; under drop it says so before connecting.
    try scratch.write("empty.csv", "date,a,d\n2020-01-20,20,\n")
    let empty = try ingest(["ingest", "empty.csv", "--create"])
    #expect(
      empty.status == 1
        && empty.stderr.hasSuffix(
          "feature 'd' has no value in any row; --gaps keep stores the rows, with NULL where a column has no value\n"),
      "\(empty.stderr)")
    let dropped = try CLI.run(
      ["ingest", "empty.csv", "--url", "postgresql://u@127.0.0.1:1/db", "--table", "t", "--gaps", "drop"], in: scratch.url)
    #expect(
      dropped.status == 1
        && dropped.stderr.hasSuffix(
          "feature 'd' has no value in any row; --gaps keep stores the rows, with NULL where a column has no value (a postgres source's gaps: ffill then carries the table's last value into them)\n"
        ), "\(dropped.stderr)")
    try scratch.write("whole.csv", "date,a,b,c\n2020-01-01,1,,1\n2020-01-02,2,20,2\n")
    let replaced = try ingest(["ingest", "whole.csv", "--mode", "replace"])
    #expect(replaced.status == 0 && replaced.stdout.contains("wrote 1 rows"), "\(replaced.stdout) \(replaced.stderr)")
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
    #expect(gappy.stdout.contains("2 rows dropped by --gaps ffill, 1 empty cells forward-filled"), "\(gappy.stdout)")
  }
}
