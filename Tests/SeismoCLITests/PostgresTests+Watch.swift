import Foundation
import Testing

@testable import SeismoPostgres

/// `seismo db watch` and `seismo watch`: scoring rows as they are committed.
extension PostgresTests {
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
    let unnamed = try CLI.run(
      ["db", "watch", "--url", url, "--schema", schema, "--table", "m", "--time-column", "when"], in: scratch.url)
    #expect(
      unnamed.stderr.hasPrefix(
        "error: postgres table \(schema).m: no time column 'when'; columns are: ts, a, b (its date or timestamp column is 'ts': --time-column names the table's time column)"
      ), "\(unnamed.stderr)")
    let numbers = try CLI.run(
      ["db", "watch", "--url", url, "--schema", schema, "--table", "m", "--time-column", "a"], in: scratch.url)
    #expect(numbers.status == 1 && numbers.stderr.contains("the time column 'a' is double precision"), "\(numbers.stderr)")
    #expect(
      numbers.stderr.hasSuffix("not a date or timestamp (--time-column names the table's time column)\n"),
      "triggers announce the table's own times: no query converts them: \(numbers.stderr)")
    let missing = try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "nope"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr == "error: postgres table \(schema).nope: no such table\n", "\(missing.stderr)")
    #expect(try triggers().isEmpty, "a refused db watch attaches nothing")
    let dotted = try CLI.run(["db", "watch", "--url", url, "--table", "\(schema).m"], in: scratch.url)
    #expect(
      dotted.status == 1
        && dotted.stderr
          == "error: --table \(schema).m: a name is taken whole, dots included, and public has no table '\(schema).m'; for table 'm' of schema '\(schema)' give --schema \(schema) --table m\n",
      "\(dotted.stderr)")

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

    // --time-column auto (the default) finds a table's one date column, and the triggers
    // announce its times.
    try sql("CREATE TABLE \(schema).dated (day date, x float8)")
    let dated = try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "dated"], in: scratch.url)
    #expect(dated.status == 0 && dated.stdout.contains("(from their earliest day)"), "\(dated.stdout)\(dated.stderr)")
    let arguments = try sql(
      "SELECT tgname, encode(tgargs, 'escape') FROM pg_trigger WHERE tgrelid = $1::regclass AND tgnargs > 0 ORDER BY tgname",
      ["\(schema).dated"])
    #expect(arguments == [["seismo_watch_deletes", "day\\000"], ["seismo_watch_updates", "day\\000"]], "\(arguments)")
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
    func waitFor(_ what: String, in url: URL) throws { try watcher.waitFor(what, in: url, deadline: deadline) }
    func printed(_ url: URL) -> String { watcher.printed(url) }
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
    // Each warning is stored with the run, as printed, once.
    let stored = try sql(
      "SELECT w.command, w.message FROM seismo.run_warnings w JOIN seismo.runs r ON r.id = w.run WHERE r.run_id = $1 ORDER BY w.id",
      [runID])
    let lines = printed(watcher.errURL).split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning: ") }
    #expect(stored.map { $0[0] } == ["watch", "watch"] && stored.map { $0[1] } == lines, "\(stored)")
    #expect(lines.count == 2 && lines[1].contains("(\(date(18_262 + 210)))"), "\(lines)")
    try sql("DELETE FROM \(schema).m WHERE ts = $1::date", [date(18_262 + 100)])
    let stopped = try watcher.wait()
    #expect(stopped.status == 1 && stopped.stderr.contains("the data's history no longer matches run"), "\(stopped.stderr)")
    #expect(!stopped.stderr.contains("reconnecting"), "the watcher read again without losing its connection")
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
    // The rows are stored a moment before the watcher says so: wait for its line, not to kill it between.
    try watcher.waitFor(
      "scored 20 new rows up to \(date(18_262 + 239))", in: watcher.outURL, deadline: Date().addingTimeInterval(30))
    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(stopped.stderr.contains("reconnecting"), "\(stopped.stderr)")
    #expect(stopped.stdout.contains("scored 20 new rows up to \(date(18_262 + 239))"), "\(stopped.stdout)")
    #expect(scored() == "220")
  }

  /// `seismo watch`: rows committed to a watched table are scored and their anomalies announced
  /// on seismo_anomaly; one watcher per run.
  /// Under a later threshold version, `watch` announces the new rows that version flags, with its
  /// cut-offs and its events' alerts: what seismo.anomalies lists, not what the run's own
  /// threshold flags (the spike at row 210, which the version, adaptive, flags for three rows).
  @Test func watchAnnouncesWhatTheLatestThresholdVersionFlags() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [150, 210], ["old.csv": 0..<200, "new.csv": 200..<220])
    let runID = try storedZScoreRun(scratch, history: "old.csv")
    let rule = ["threshold.plugin=likelihood", "threshold.long_window=50", "threshold.min_history=30"]
    for arguments in [
      ["rethreshold", runID, "--url", url] + rule.flatMap { ["--set", $0] },
      ["db", "watch", "--url", url, "--schema", schema, "--table", "m"],
    ] {
      let result = try CLI.run(arguments, in: scratch.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
    }
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let deadline = Date().addingTimeInterval(60)
    try watcher.waitFor("watching", in: watcher.outURL, deadline: deadline)
    let listener = try PGConnection(url)
    try listener.execute("LISTEN seismo_anomaly")
    try ingest(scratch, "new.csv", [])
    try watcher.waitFor("scored 20 new rows", in: watcher.outURL, deadline: deadline)
    var announced: [[String]] = []
    for note in try listener.notifications(waitingUpTo: 1) where note.payload.contains("\"\(runID)\"") {
      let payload = try #require(try JSONSerialization.jsonObject(with: Data(note.payload.utf8)) as? [String: Any])
      announced.append(
        ["ts", "score", "threshold", "alert"].map { key in payload[key].map { "\($0)" } ?? "" })
    }
    let listed = try sql(
      """
      SELECT to_char(day, 'YYYY-MM-DD'), score::float8::text, threshold::float8::text,
             CASE WHEN alert THEN '1' ELSE '0' END, threshold_version::text
      FROM seismo.anomalies WHERE run_id = $1 AND day > $2::date ORDER BY day
      """, [runID, date(18_262 + 199)])
    #expect(listed.count == 3 && listed.allSatisfy { $0[4] == "2" }, "\(listed)")
    #expect(
      announced.map { [$0[0], String(Float($0[1])!), String(Float($0[2])!), $0[3]] }
        == listed.map { [$0[0]!, String(Float($0[1]!)!), String(Float($0[2]!)!), $0[3]!] },
      "announced \(announced), listed \(listed)")
    #expect(
      watcher.printed(watcher.outURL).contains(
        "scored 20 new rows up to \(date(18_262 + 219)), 3 anomalies (threshold version 2)"))
  }

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
    // The rows are stored a moment before the watcher says so: wait for its line, not to kill it between.
    try watcher.waitFor(
      "scored 20 new rows up to \(date(18_262 + 239)), 0 anomalies", in: watcher.outURL,
      deadline: Date().addingTimeInterval(30))
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
    try feed(scratch, [("b1.csv", "200"), ("b2.csv", "220"), ("b3.csv", "240")], to: watcher, of: runID)
    // As a whole score of the table: the same rows, scores, cut-offs and flags.
    let whole = try CLI.run(["score", "--run", runID, "--url", url, "--out", "whole", "--quiet"], in: scratch.url)
    try #require(whole.status == 0, "\(whole.stderr)")
    let flags = try expectStoredRows(of: runID, fromRow: 200, as: try scratch.read("whole/scores.csv"), gave: "scored whole")
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

  /// A walk-forward run's watcher refits as `detect` refits: a batch that reaches the next refit
  /// fits the folds due on the rows before them, and their models score the rows from there.
  /// The stored scores, cut-offs and flags are those of `detect` over the whole table, and the
  /// run keeps the refitted folds and the last one's model. Before, the last fold's model
  /// scored every new row, however many refits were due. A threshold version made as it starts
  /// goes on with the rows it appends, fold by fold, as the same version made afterwards cuts them.
  @Test func watchRefitsAWalkForwardRunAsDetectWould() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 260, spikes: [150, 230], ["old.csv": 0..<200, "b1.csv": 200..<215, "b2.csv": 215..<240, "b3.csv": 240..<260])
    try ingest(scratch, "old.csv")
    let (runID, watcher) = try watching(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { train_fraction: 0.6, max_train_rows: 120, refit_every: 30 }
      detector: { plugin: lstm-forecaster, window: 5, units: [4], epochs: 2 }
      threshold: { plugin: percentile, percentile: 99 }
      """)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let version = ["rethreshold", runID, "--url", url, "--set", "threshold.percentile=90"]
    let made = try CLI.run(version, in: scratch.url)
    #expect(made.status == 0 && made.stdout.contains("per row"), "\(made.stdout)\(made.stderr)")
    // Folds start at rows 120, 150 and 180; b2 reaches row 210, b3 row 240.
    try feed(scratch, [("b1.csv", "210"), ("b2.csv", "235"), ("b3.csv", "255")], to: watcher, of: runID)
    try watcher.waitFor(
      "scored 20 new rows up to \(date(18_262 + 259))", in: watcher.outURL, deadline: Date().addingTimeInterval(30))
    watcher.process.terminate()
    let stopped = try watcher.wait()
    for fold in [
      "fold 4 of 4: trained lstm-forecaster on rows 1–210, scoring rows 211–",
      "fold 5 of 5: trained lstm-forecaster on rows 1–240, scoring rows 241–260",
    ] {
      #expect(stopped.stdout.contains("run \(runID): refitted \(fold)"), "\(stopped.stdout)")
    }
    let detect = try CLI.run(["detect", "run.yaml", "--no-sinks", "--out", "whole", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    try expectStoredRows(of: runID, fromRow: 200, as: try scratch.read("whole/scores.csv"), gave: "detected")
    let folds = try sql(
      """
      SELECT jsonb_array_length(r.summary->'folds')::text, (SELECT count(*)::text FROM seismo.fold_scores f WHERE f.run = r.id)
      FROM seismo.runs r WHERE r.run_id = $1
      """, [runID])
    #expect(folds == [["5", "5"]])
    #expect(
      try storedModel(runID).trainingRows?.last == Int64(18_262 + 239) * 86_400, "the last fold's model, fitted up to row 240")
    let again = try CLI.run(version, in: scratch.url)
    #expect(again.status == 0, "\(again.stderr)")
    let (grown, fresh) = (try storedVersion(runID, 2), try storedVersion(runID, 3))
    #expect(
      grown.cuts.count > 200 && grown.cuts == fresh.cuts, "\(zip(grown.cuts, fresh.cuts).filter { $0 != $1 }.prefix(3))")
    #expect(grown.events == fresh.events, "\(grown.events) against \(fresh.events)")
  }

  /// The watcher's runs: one detector fitted once, a walk-forward one whose batches reach its
  /// refits, and an ensemble; each with two per-row threshold versions (the second, for an
  /// ensemble, re-cuts its other member).
  static let versionedRuns: [(config: String, first: [String], second: [String])] = [
    (
      "split: { train_fraction: 0.6 }\ndetector: { plugin: rolling-zscore, window: 20 }",
      ["threshold.plugin=dynamic", "threshold.window=50", "threshold.refresh=7", "threshold.min_history=30"],
      ["threshold.plugin=spot", "threshold.risk=0.02", "threshold.initial_quantile=0.9"]
    ),
    (
      "split: { train_fraction: 0.4, refit_every: 40 }\ndetector: { plugin: rolling-zscore, window: 20 }",
      ["threshold.plugin=likelihood", "threshold.long_window=50", "threshold.min_history=30"],
      ["threshold.plugin=spot", "threshold.risk=0.02", "threshold.initial_quantile=0.9"]
    ),
    (
      """
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      ensemble: [{ detector: { plugin: rolling-zscore, window: 10 }, threshold: { plugin: percentile, percentile: 99 } }]
      """,
      ["ensemble[1].threshold.plugin=dynamic", "ensemble[1].threshold.window=50", "ensemble[1].threshold.min_history=30"],
      ["threshold.plugin=spot", "threshold.risk=0.02", "threshold.initial_quantile=0.9"]
    ),
  ]

  /// A watcher cuts each batch's rows by the run's latest per-row threshold version, going on
  /// from where it cut the batch before (it does not cut every stored row again), and still
  /// gives, row for row, what `rethreshold` with the version's settings gives the grown run:
  /// across refits, rows another scorer appended meanwhile (`score --new-rows`, the table not
  /// announcing them), and a later version made while it watches.
  @Test(arguments: versionedRuns.indices)
  func watchGoesOnCuttingEachPerRowVersionAsRethresholdWould(_ run: Int) throws {
    let (config, first, second) = Self.versionedRuns[run]
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 300, spikes: [150, 222, 262, 290],
      [
        "old.csv": 0..<200, "b1.csv": 200..<215, "b2.csv": 215..<235, "b3.csv": 235..<250, "b4.csv": 250..<270,
        "b5.csv": 270..<285, "b6.csv": 285..<300,
      ])
    try ingest(scratch, "old.csv")
    let (runID, watcher) = try watching(
      scratch, "source: { plugin: postgres, url: \"\(url)\", schema: \(schema), table: m }\n\(config)")
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    func rethreshold(_ settings: [String]) throws {
      let made = try CLI.run(["rethreshold", runID, "--url", url] + settings.flatMap { ["--set", $0] }, in: scratch.url)
      #expect(made.status == 0 && made.stdout.contains("per row"), "\(made.stdout)\(made.stderr)")
    }
    try rethreshold(first)
    // The scores of the rows up to each batch's last (the first rows have none).
    let unscored = 200 - (Int(try storedScores(runID) ?? "") ?? 0)
    func upTo(_ row: Int) -> String { String(row - unscored) }
    try feed(scratch, [("b1.csv", upTo(215)), ("b2.csv", upTo(235))], to: watcher, of: runID)
    // Rows the watcher does not hear of, appended by another scorer.
    try sql("ALTER TABLE \(schema).m DISABLE TRIGGER seismo_watch")
    try ingest(scratch, "b3.csv", [])
    let other = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--quiet"], in: scratch.url)
    #expect(other.status == 0 && other.stderr.isEmpty, "\(other.stderr)")
    try sql("ALTER TABLE \(schema).m ENABLE TRIGGER seismo_watch")
    try feed(scratch, [("b4.csv", upTo(270))], to: watcher, of: runID)
    try rethreshold(second)
    try feed(scratch, [("b5.csv", upTo(285)), ("b6.csv", upTo(300))], to: watcher, of: runID)
    try watcher.waitFor(
      "scored 15 new rows up to \(date(18_262 + 299))", in: watcher.outURL, deadline: Date().addingTimeInterval(30))
    watcher.process.terminate()
    // Each version against the same rule's fresh cut of the grown run: the first up to the rows it
    // covers (the later version took over from there), the second with its events.
    try rethreshold(first)
    try rethreshold(second)
    let (grownFirst, freshFirst) = (try storedVersion(runID, 2), try storedVersion(runID, 4))
    #expect(grownFirst.cuts.last?.first == "269", "the first version cut the rows up to b4's")
    #expect(
      Array(grownFirst.cuts.dropFirst()) == Array(freshFirst.cuts.dropFirst().prefix(grownFirst.cuts.count - 1)),
      "\(zip(grownFirst.cuts.dropFirst(), freshFirst.cuts.dropFirst()).filter { $0 != $1 }.prefix(3))")
    let (grown, fresh) = (try storedVersion(runID, 3), try storedVersion(runID, 5))
    #expect(grown.cuts == fresh.cuts, "\(zip(grown.cuts, fresh.cuts).filter { $0 != $1 }.prefix(3))")
    #expect(grown.events == fresh.events && !grown.events.isEmpty, "\(grown.events) against \(fresh.events)")
  }

  /// Ingests each batch file into table m once `watcher` is listening, and waits (up to 90 s in
  /// all) until run `runID` has stored the scores counted beside it.
  func feed(_ scratch: Scratch, _ batches: [(file: String, scores: String)], to watcher: CLI.Running, of runID: String) throws {
    let deadline = Date().addingTimeInterval(90)
    for (batch, total) in batches {
      Thread.sleep(forTimeInterval: 0.5)  // the watcher is listening (and has caught up)
      try ingest(scratch, batch, [])
      while try storedScores(runID) != total {
        guard Date() < deadline, watcher.process.isRunning else { throw SeismoTestError("the watcher never scored \(batch)") }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
  }

  /// Expects run `runID`'s stored rows from row `first` on (60 of them) to have the times,
  /// scores, cut-offs and flags of the same rows of `csv` (a scores.csv, which `gave` says how it
  /// was made); returns how many are flagged.
  @discardableResult
  func expectStoredRows(of runID: String, fromRow first: Int, as csv: String, gave: String) throws -> Int {
    let expected = csv.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }.filter { $0[0] >= Substring(date(18_262 + first)) }
    let stored = try sql(
      """
      SELECT to_char(s.ts, 'YYYY-MM-DD'), s.score::text, s.threshold::text, s.is_anomaly::text FROM seismo.scores s
      JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1 AND s.row_no >= $2 ORDER BY s.row_no
      """, [runID, String(first)])
    try #require(stored.count == 60 && expected.count == 60, "\(stored.count) stored, \(expected.count) \(gave)")
    var flags = 0
    for (row, line) in zip(stored, expected) {
      #expect(row[0].map { Substring($0) } == line[0])
      for (value, whole) in [(row[1], line[2]), (row[2], line[3])] {
        let (a, b) = (Double(value ?? "") ?? .nan, Double(whole) ?? .nan)
        #expect(a.isNaN == b.isNaN && !(abs(a - b) > 1e-5 * (1 + abs(b))), "\(line[0]): \(a) stored, \(b) \(gave)")
      }
      #expect((row[3] == "true") == (line[4] == "1" || line[4] == "true"), "\(line[0]): flag")
      flags += row[3] == "true" ? 1 : 0
    }
    return flags
  }

  /// Table m of 120 synthetic rows, without `db watch`'s triggers, and a rolling z-score run on it
  /// that stores its model; returns the run id.
  func storedRunOfTableM(_ scratch: Scratch) throws -> String {
    try migrate(scratch)
    try scratch.write("old.csv", syntheticCSV(rows: 120, spikes: []))
    try ingest(scratch, "old.csv")
    return try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      detector: { plugin: rolling-zscore, window: 20 }
      """)
  }

  /// A watcher of a table without `seismo db watch`'s trigger would wait forever in silence: it
  /// says so, and what to run, when it starts.
  @Test func watchWarnsWhenItsTableDoesNotAnnounceNewRows() throws {
    let scratch = try Scratch()
    let runID = try storedRunOfTableM(scratch)
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

  /// A table dropped and made again (as some loads do) loses its triggers without a word: a
  /// watcher checks its table whenever it has waited 5 s without news of it, and says when the
  /// table is gone, when it is back without the trigger, and when it announces its rows again.
  /// Another table announces on the same channel all the while (before, its news kept the
  /// watcher from ever looking: it looked only after 5 s of no news at all).
  @Test func watchWarnsWhenItsTableStopsAnnouncingNewRows() throws {
    let scratch = try Scratch()
    let runID = try storedRunOfTableM(scratch)
    let (stop, url) = (DispatchSemaphore(value: 0), url)
    Thread {
      guard let chatter = try? PGConnection(url) else { return }
      while stop.wait(timeout: .now() + 0.5) == .timedOut {
        _ = try? chatter.execute("SELECT pg_notify('seismo_rows', 'another_schema.another_table')")
      }
    }.start()
    defer { stop.signal() }
    let dbWatch = ["db", "watch", "--url", url, "--schema", schema, "--table", "m"]
    #expect(try CLI.run(dbWatch, in: scratch.url).status == 0)
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let deadline = Date().addingTimeInterval(60)
    func waitFor(_ what: String, in url: URL) throws { try watcher.waitFor(what, in: url, deadline: deadline) }
    try waitFor("watching", in: watcher.outURL)
    let fix = "seismo db watch --url URL --schema \(schema) --table m"
    try sql("ALTER TABLE \(schema).m RENAME TO m_before")
    try waitFor(
      "warning: \(schema).m no longer exists (dropped or renamed while watched), so nothing will be scored until it is back and announces new rows: \(fix)\n",
      in: watcher.errURL)
    try sql("CREATE TABLE \(schema).m (LIKE \(schema).m_before)")
    try waitFor(
      "warning: \(schema).m no longer announces new rows (its seismo_watch trigger is gone: was the table dropped and made again?), so nothing will be scored until it does: \(fix)\n",
      in: watcher.errURL)
    #expect(try CLI.run(dbWatch, in: scratch.url).status == 0)
    try waitFor("\(schema).m announces new and changed rows again\n", in: watcher.errURL)
    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(stopped.stderr.components(separatedBy: "warning: ").count == 3, "each change said once: \(stopped.stderr)")
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
    // The rows are stored a moment before the watcher says so: wait for its line, not to kill it between.
    try watcher.waitFor("scored 20 new rows up to \(date(18_262 + 219))", in: watcher.outURL, deadline: deadline)
    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(
      stopped.stdout.contains("reads the whole source at each batch, as a query's new rows cannot be told apart"),
      "\(stopped.stdout)")
    #expect(stopped.stdout.contains("scored 20 new rows up to \(date(18_262 + 219))"), "\(stopped.stdout)")
  }
}
