import Foundation
import Testing

@testable import SeismoCore
@testable import SeismoPostgres

/// `seismo score` on stored models: whole, streamed, and `--new-rows` going on from a run.
extension PostgresTests {
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
    // An id cut short when copied, or mistyped, names the run it may have meant.
    let cut = String(runID.dropLast(2))
    let typo = String(runID.dropLast()) + (runID.last == "0" ? "1" : "0")
    for (given, command) in [
      (cut, ["score", "--run"]), (typo, ["runs", "show"]), (typo, ["rethreshold", "--set", "threshold.percentile=99"]),
    ] {
      let near = try CLI.run(command + [given, "--url", url], in: scratch.url)
      #expect(
        near.status == 1 && near.stderr == "error: no run '\(given)' in seismo.runs (did you mean '\(runID)'?)\n",
        "\(command): \(near.stderr)")
    }
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
    // The rows are stored a moment before the watcher says so: wait for its line, not to kill it between.
    try watcher.waitFor("scored 3 new rows up to \(date(18_262 + 205))", in: watcher.outURL, deadline: deadline)
    watcher.process.terminate()
    let stopped = try watcher.wait()
    #expect(stopped.status == 143, "\(stopped.stderr)")
    #expect(stopped.stdout.contains("run \(runID): 3 rows wait for y (from \(date(18_262 + 203)))"), "\(stopped.stdout)")
    #expect(stopped.stdout.contains("run \(runID): scored 3 new rows up to \(date(18_262 + 205))"), "\(stopped.stdout)")
  }

  /// `--new-rows` refits a walk-forward run once its new rows reach the next refit, here a run
  /// whose refit every 100 rows placed none in its test part: the call fits the fold due, says
  /// so (`refits`), and stores what `detect` over the grown table gives. The run keeps the first
  /// fold's training scores, which its single fit had not kept, so `rethreshold` re-cuts it
  /// fold by fold: its own rule gives the cut-offs stored.
  @Test func newRowsRefitARunThatFittedOnce() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 240, spikes: [150, 230], ["old.csv": 0..<200, "new.csv": 200..<240])
    try ingest(scratch, "old.csv")
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { max_train_rows: 120, refit_every: 100 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: percentile, percentile: 99 }
      """)
    try ingest(scratch, "new.csv", [])
    let call = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    try #require(call.status == 0, "\(call.stderr)")
    let said = try JSONSerialization.jsonObject(with: Data(call.stdout.utf8)) as? [String: Any] ?? [:]
    #expect(said["new_rows"] as? Int == 40, "\(said)")
    #expect(said["refits"] as? [String] == ["fold 2 of 2: trained rolling-zscore on rows 1–220, scoring rows 221–240"])
    let detect = try CLI.run(["detect", "run.yaml", "--no-sinks", "--out", "whole", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let csv = try scratch.read("whole/scores.csv")
    let expected = zip(SavedModelTests().column(csv, "score"), SavedModelTests().column(csv, "threshold")).suffix(40)
    let stored = try sql(
      """
      SELECT s.score::text, s.threshold::text FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run
      WHERE r.run_id = $1 AND s.row_no >= 200 ORDER BY s.row_no
      """, [runID])
    let rethreshold = try CLI.run(
      ["rethreshold", runID, "--url", url, "--set", "threshold.percentile=99"], in: scratch.url)
    try #require(rethreshold.status == 0, "\(rethreshold.stderr)")
    let recut = try sql(
      """
      SELECT j.cut::text FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run
      WHERE r.run_id = $1 AND j.row_no >= 200 ORDER BY j.row_no
      """, [runID]
    ).map { $0[0] }
    try #require(stored.count == 40 && recut.count == 40)
    for (k, (row, (score, cut))) in zip(stored, expected).enumerated() {
      #expect(row[0].flatMap(Float.init) == Float(score) && row[1].flatMap(Float.init) == Float(cut), "row \(200 + k)")
      #expect(recut[k] == row[1], "row \(200 + k): re-cut by version 2")
    }
    #expect(Set(stored[20...].map { $0[1] }).count == 1 && stored[19][1] != stored[20][1], "the refit's own cut-off from row 220")
    // The run's summary and cut-off are the refit's, as detect's summary of the grown table.
    let run = try sql(
      """
      SELECT summary->'threshold'->>'value', summary->'threshold'->>'constant', jsonb_array_length(summary->'folds')::text,
        threshold::text FROM seismo.runs WHERE run_id = $1
      """, [runID])[0]
    let detected = try JSONSerialization.jsonObject(with: Data(try scratch.read("whole/summary.json").utf8)) as? [String: Any]
    let threshold = detected?["threshold"] as? [String: Any]
    #expect(run[0].flatMap(Float.init) == (threshold?["value"] as? Double).map(Float.init) && run[3] == stored[20][1])
    #expect(run[1] == "false" && threshold?["constant"] as? Bool == false && run[2] == "2", "\(run)")
  }

  /// A batch that refits judges each new row against the training range of the fold that scored
  /// it, as `detect` over the grown table does. b steps from 50 to 150 on day 180 and to 250 on
  /// day 220: the fold refitted at day 200 has seen 150 but not 250 (20 rows outside), the fold
  /// refitted at day 240 has seen both. Before, the 50 new rows were all counted against the
  /// stored fold's range (47 to 53), "50 of 50". The refits' training shows its progress.
  @Test func aRefitBatchJudgesEachRowByTheRangeOfItsFold() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    let wave = (0..<10).map { 3 * sin(2 * Double.pi * Double($0) / 10) }  // the same ten values every ten days
    let lines = (0..<250).map { r in
      let level: Double = r < 180 ? 50 : r < 220 ? 150 : 250
      return "\(date(18_262 + r)),\(String(format: "%.4f", 100 + wave[r % 10])),\(String(format: "%.4f", level + wave[r % 10]))"
    }
    try scratch.write("old.csv", (["date,a,b"] + lines[..<200]).joined(separator: "\n") + "\n")
    try scratch.write("new.csv", (["date,a,b"] + lines[200...]).joined(separator: "\n") + "\n")
    try ingest(scratch, "old.csv")
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { train_fraction: 0.6, refit_every: 40 }
      detector: { plugin: lstm-autoencoder, window: 10, units: 4, epochs: 1 }
      """)
    try ingest(scratch, "new.csv", [])
    let call = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    try #require(call.status == 0, "\(call.stderr)")
    let said = try JSONSerialization.jsonObject(with: Data(call.stdout.utf8)) as? [String: Any] ?? [:]
    #expect(said["new_rows"] as? Int == 50 && (said["refits"] as? [String])?.count == 2, "\(said)")
    let warning =
      "warning: b: 20 of 50 new rows lie outside the training range of the fold that scored them; lstm-autoencoder models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes"
    #expect(said["warnings"] as? [String] == [warning], "\(said)")
    // Each refit shows its training's epochs on stderr, as detect does (one line each off a terminal).
    let stderr = call.stderr.split(separator: "\n")
    #expect(
      stderr.filter { $0.hasPrefix("epoch 1/1  loss ") }.count == 2 && stderr.last.map(String.init) == warning, "\(call.stderr)")
  }

  /// A model scored whole at every call (a discord comparing each window with every earlier one)
  /// holds back the days that wait for an indicator too, as a table read a piece at a time does.
  /// Before, such a read scored them at once with the value carried, and never again.
  @Test func wholeReadsHoldBackTheDaysThatWait() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 203, spikes: [201], ["old.csv": 0..<200, "new.csv": 200..<203])
    try ingest(scratch, "old.csv", ["--long", "--column", "a", "--as", "x", "--create"])
    try ingest(scratch, "old.csv", ["--long", "--column", "b", "--as", "y"])
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m, layout: long }
      split: { train_fraction: 0.6 }
      detector: { plugin: discord, window: 8, history: 0 }
      threshold: { plugin: percentile, percentile: 99 }
      """)
    func newRows() throws -> [String: Any] {
      let r = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
      #expect(r.status == 0, "\(r.stderr)")
      return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }
    try ingest(scratch, "new.csv", ["--long", "--column", "a", "--as", "x"])
    let waiting = try newRows()
    #expect(waiting["new_rows"] as? Int == 0 && waiting["waiting"] as? Int == 3, "\(waiting)")
    #expect(waiting["waiting_for"] as? [String] == ["y"])
    try ingest(scratch, "new.csv", ["--long", "--column", "b", "--as", "y"])
    let scored = try newRows()
    #expect(scored["new_rows"] as? Int == 3 && scored["waiting"] as? Int == 0, "\(scored)")
    try expectStoredScoresOfAWholeRescoring(runID, from: 200, scratch)
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
      ["schema: {schema}, table: m", "query: \"SELECT ts, a, b FROM {schema}.m\"", "schema: {schema}, table: m"], [1, 1, 2]))
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
      source: { plugin: postgres, url: "\(url)", \(read) }
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
    // The warning is stored with the rows it came with, counted by `runs list` and listed by
    // `runs show`; a run that gave none has none.
    let stored = """
      SELECT w.command, to_char(w.up_to AT TIME ZONE 'UTC', 'YYYY-MM-DD'), w.message
      FROM seismo.run_warnings w JOIN seismo.runs r ON r.id = w.run WHERE r.run_id = $1 ORDER BY w.id
      """
    let day220 = String(lines[220].prefix(10))
    #expect(try sql(stored, [runID]) == [["score --new-rows", day220, warning]])
    #expect(try sql(stored, [query]) == [["score --new-rows", day220, warning]])
    #expect(try sql(stored, [changes]).isEmpty)
    // seismo.warnings lists the run's own two and the later one, each with its kind.
    #expect(
      try sql("SELECT kind FROM seismo.warnings WHERE run_id = $1 ORDER BY kind", [runID]) == [
        ["run"], ["run"], ["score --new-rows"],
      ])
    let listed = try CLI.run(["runs", "list", "--url", url, "--json", "--limit", "100"], in: scratch.url)
    let runs = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
    let counts = Dictionary(
      uniqueKeysWithValues: runs.compactMap { run in (run["run_id"] as? String).map { ($0, run["warnings"] as? Int) } })
    // runID's own detect warned of a and b in its test rows (its summary's 2), then --new-rows of b.
    #expect(counts[runID] == 3 && counts[changes] == 0, "\(listed.stdout)")
    let shown = try CLI.run(["runs", "show", runID, "--url", url], in: scratch.url)
    let later =
      (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["later_warnings"] as? [[String: Any]]
    #expect(
      later?.map { [$0["command"] as? String, $0["up_to"] as? String, $0["message"] as? String] } == [
        ["score --new-rows", day220 + " 00:00:00", warning]
      ], "\(shown.stdout)")

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
    // Stored once too, with the first batch's rows.
    #expect(try sql(stored, [runID]).dropFirst() == [["watch", String(lines[230].prefix(10)), once]])
  }

  /// A feature whose data stops, or has a hole, among the rows `--new-rows` appends is warned
  /// about as `detect` warns of it, and the warning is stored with the run; a hole before the
  /// run's last scored row is not warned about again. A watcher warns once of a feature carried
  /// through two batches, at the first. Before, neither said anything: the scores used carried values.
  @Test func newRowsWhoseFeatureStoppedOrHasAHoleAreWarnedAbout() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    // b is missing on rows 205…216 (a hole of 12 rows) and from row 226 on (its data stopped):
    // 14 rows carried, more than the hole, as `detect` warns only of a carry longer than any hole.
    let lines = syntheticCSV(rows: 260, spikes: []).split(separator: "\n").map(String.init)
    let holed = lines.enumerated().map { index, line in
      let row = index - 1
      guard (205...216).contains(row) || row >= 226 else { return line }
      return line.split(separator: ",").prefix(2).joined(separator: ",") + ","
    }
    let parts = [
      ("old.csv", 0..<200), ("new1.csv", 200..<225), ("new2.csv", 225..<240), ("new3.csv", 240..<250),
      ("new4.csv", 250..<260),
    ]
    for (name, rows) in parts {
      try scratch.write(name, ([holed[0]] + holed[(rows.lowerBound + 1)...rows.upperBound]).joined(separator: "\n") + "\n")
    }
    let runID = try storedZScoreRun(scratch, history: "old.csv")
    let newRows = ["score", "--run", runID, "--url", url, "--new-rows"]
    let hole =
      "warning: b has no value from \(date(18_262 + 205)) to \(date(18_262 + 216)): gaps: ffill carries its value of \(date(18_262 + 204)) over 12 rows, where its data has a hole; it is flat there, and its first value after may look like a jump"
    try ingest(scratch, "new1.csv", ["--gaps", "keep"])
    let first = try CLI.run(newRows, in: scratch.url)
    #expect(first.status == 0 && first.stderr == hole + "\n", "\(first.stderr)")
    // Rows 226… wait for b; the hole, before the last scored row, is not warned about again.
    try ingest(scratch, "new2.csv", ["--gaps", "keep"])
    let waiting = try CLI.run(newRows, in: scratch.url)
    #expect(waiting.status == 0 && waiting.stderr == "" && waiting.stdout.contains("14 rows wait for b"), "\(waiting.stderr)")
    let carried = try CLI.run(newRows + ["--set", "source.wait_for=[]"], in: scratch.url)
    let carry = { (rows: Int) in
      "warning: b has no value after \(date(18_262 + 225)): gaps: ffill carries that value through the last \(rows) rows (from \(date(18_262 + 226)) on); its data stopped, or is late"
    }
    #expect(carried.status == 0 && carried.stderr == carry(14) + "\n", "\(carried.stderr)")
    let stored =
      "SELECT w.command, w.message FROM seismo.run_warnings w JOIN seismo.runs r ON r.id = w.run WHERE r.run_id = $1 ORDER BY w.id"
    #expect(try sql(stored, [runID]) == [["score --new-rows", hole], ["score --new-rows", carry(14)]])

    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url, "--set", "source.wait_for=[]"], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let deadline = Date().addingTimeInterval(60)
    let scored = Int(try #require(try storedScores(runID)))!
    for (batch, total) in [("new3.csv", scored + 10), ("new4.csv", scored + 20)] {
      Thread.sleep(forTimeInterval: 0.5)  // the watcher is listening
      try ingest(scratch, batch, ["--gaps", "keep"])
      while try storedScores(runID) != String(total) {
        guard Date() < deadline, watcher.process.isRunning else { throw SeismoTestError("the watcher never scored \(batch)") }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
    // The rows are stored a moment before the watcher says so: wait for its line, not to kill it between.
    try watcher.waitFor("scored 10 new rows", in: watcher.outURL, count: 1, deadline: deadline)
    watcher.process.terminate()
    let stopped = try watcher.wait()
    let warned = stopped.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }.map(String.init)
    #expect(warned == [carry(24)], "\(stopped.stderr)")
    #expect(try sql(stored, [runID]).dropFirst(2) == [["watch", carry(24)]])
  }

  /// A run whose source ends at a time (`to`) never reads the rows after it: `--new-rows` warns
  /// of those there are, and stores the warning with the run, and a watcher says so as it starts,
  /// where before both said "no new rows" night after night.
  @Test func rowsAfterTheSourcesEndAreWarnedAbout() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 220, spikes: [], ["old.csv": 0..<200, "new.csv": 200..<220])
    try ingest(scratch, "old.csv")
    let end = date(18_262 + 189)
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m, to: "\(end)" }
      detector: { plugin: rolling-zscore, window: 20 }
      """)
    try ingest(scratch, "new.csv", [])
    let newRows = ["score", "--run", runID, "--url", url, "--new-rows"]
    let bounded = try CLI.run(newRows, in: scratch.url)
    let warning =
      "warning: 30 rows of postgres table \(schema).m lie after the source's end (to: \(end)), so run \(runID) never scores them: --set source.to= reads on (source.to=TIME: up to TIME)"
    #expect(bounded.status == 0 && bounded.stderr == warning + "\n", "\(bounded.stderr)")
    #expect(bounded.stdout.hasPrefix("run \(runID): no new rows after \(end)"), "\(bounded.stdout)")
    let stored = "SELECT w.message FROM seismo.run_warnings w JOIN seismo.runs r ON r.id = w.run WHERE r.run_id = $1"
    #expect(try sql(stored, [runID]) == [[warning]])
    let watcher = try CLI.start(["watch", "--run", runID, "--url", url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    try watcher.waitFor("watching", in: watcher.outURL, deadline: Date().addingTimeInterval(30))
    watcher.process.terminate()
    let said = try watcher.wait().stderr.split(separator: "\n").filter { $0.hasPrefix("warning: run") }
    #expect(
      said == [
        "warning: run \(runID)'s source ends at \(end) (to:), so this watcher scores no row after it: --set source.to= reads on (source.to=TIME: up to TIME)"
      ], "\(said)")
    let lifted = try CLI.run(newRows + ["--set", "source.to="], in: scratch.url)
    #expect(lifted.status == 0 && lifted.stderr == "" && lifted.stdout.contains("scored 30 new rows"), "\(lifted.stderr)")
  }

  /// A feature whose new rows all repeat one value, longer than ever before (a feed resending its
  /// last print), is warned about by detect, by `--new-rows` and by a watcher, which follows the
  /// repeats across its batches (neither batch alone shows them), and each stores the warning.
  @Test func aFeatureGoneStaleAmongNewRowsIsWarnedAbout() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    // a repeats row 205's value from row 206 on: 14 rows.
    let lines = syntheticCSV(rows: 220, spikes: []).split(separator: "\n").map(String.init)
    let value = lines[206].split(separator: ",")[1]
    let stale = lines.enumerated().map { index, line in
      guard index > 206 else { return line }
      var cells = line.split(separator: ",").map(String.init)
      cells[1] = String(value)
      return cells.joined(separator: ",")
    }
    let parts = [("old.csv", 0..<200), ("new1.csv", 200..<210), ("new2.csv", 210..<220), ("all.csv", 0..<220)]
    for (name, rows) in parts {
      try scratch.write(name, ([stale[0]] + stale[(rows.lowerBound + 1)...rows.upperBound]).joined(separator: "\n") + "\n")
    }
    let warning =
      "warning: a has kept its value of \(date(18_262 + 205)) (\(Float(String(value))!)) through the last 14 rows (from \(date(18_262 + 206)) on), longer than ever before: its data may be stale (a feed resending its last print), which reads as a calm market"
    try scratch.write("all.yaml", "source: { plugin: csv, path: all.csv }\ndetector: { plugin: rolling-zscore, window: 20 }\n")
    let detect = try CLI.run(["detect", "all.yaml", "--out", "all", "--quiet"], in: scratch.url)
    #expect(detect.status == 0 && detect.stderr == warning + "\n", "\(detect.stderr)")
    // Two runs of the history: one watched as the new rows come in two batches, one given them
    // at once by --new-rows.
    let watched = try storedZScoreRun(scratch, history: "old.csv")
    let nightly = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      """)
    #expect(try CLI.run(["db", "watch", "--url", url, "--schema", schema, "--table", "m"], in: scratch.url).status == 0)
    let watcher = try CLI.start(["watch", "--run", watched, "--url", url], in: scratch.url)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let deadline = Date().addingTimeInterval(60)
    try watcher.waitFor("watching", in: watcher.outURL, deadline: deadline)
    for (count, batch) in ["new1.csv", "new2.csv"].enumerated() {
      try ingest(scratch, batch, [])
      try watcher.waitFor("scored 10 new rows", in: watcher.outURL, count: count, deadline: deadline)
    }
    watcher.process.terminate()
    let said = try watcher.wait().stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }.map(String.init)
    #expect(said == [warning], "\(said)")
    let newRows = try CLI.run(["score", "--run", nightly, "--url", url, "--new-rows"], in: scratch.url)
    #expect(newRows.status == 0 && newRows.stderr == warning + "\n", "\(newRows.stderr)")
    let stored = "SELECT w.command, w.message FROM seismo.run_warnings w JOIN seismo.runs r ON r.id = w.run WHERE r.run_id = $1"
    #expect(try sql(stored, [watched]) == [["watch", warning]])
    #expect(try sql(stored, [nightly]) == [["score --new-rows", warning]])
  }

  /// A feed sampled otherwise than the model's training rows (hourly rows after daily ones) is
  /// warned about by `--new-rows` once the last rows read show it, those scored before counted
  /// too, since a nightly batch appends one row; rows sampled alike give no warning.
  @Test func newRowsSampledOtherwiseAreWarnedAbout() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).m (ts timestamp PRIMARY KEY, a float8)")
    try sql(
      "INSERT INTO \(schema).m SELECT '2020-01-01'::timestamp + i * interval '1 day', 100 + sin(i) FROM generate_series(0, 199) i"
    )
    let runID = try storedModelRun(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      detector: { plugin: rolling-zscore, window: 20 }
      """)
    let newRows = ["score", "--run", runID, "--url", url, "--new-rows"]
    try sql("INSERT INTO \(schema).m VALUES ('2020-07-19', 100.5)")
    let daily = try CLI.run(newRows, in: scratch.url)
    #expect(daily.status == 0 && daily.stderr == "" && daily.stdout.contains("scored 1 new row"), "\(daily.stderr)")
    // Four hourly rows: of the last ten read, most are a day apart still.
    let hourly =
      "INSERT INTO \(schema).m SELECT '2020-07-19'::timestamp + i * interval '1 hour', 100 + sin(i) FROM generate_series($1::int, $2::int) i"
    try sql(hourly, ["1", "4"])
    let few = try CLI.run(newRows, in: scratch.url)
    #expect(few.status == 0 && few.stderr == "", "\(few.stderr)")
    try sql(hourly, ["5", "12"])
    let many = try CLI.run(newRows, in: scratch.url)
    let warning =
      "warning: the model (rolling-zscore) was fitted on rows 1 day apart, and the last 10 rows read are 1 hour apart (medians): it reads a number of rows at a time, so its scores and threshold mean something else here; score rows sampled as its training rows were"
    #expect(many.status == 0 && many.stderr == warning + "\n", "\(many.stderr)")
    let stored = "SELECT w.message FROM seismo.run_warnings w JOIN seismo.runs r ON r.id = w.run WHERE r.run_id = $1"
    #expect(try sql(stored, [runID]) == [[warning]])
  }
}
