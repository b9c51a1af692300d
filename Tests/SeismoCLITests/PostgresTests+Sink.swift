import Foundation
import Testing

@testable import PostgresSink
@testable import SeismoPostgres

/// The postgres sink: a run lands whole or not at all, with no secret stored.
extension PostgresTests {
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

  /// Reading one run reads that run's scores: `seismo.anomalies` asked for a run id, and
  /// `seismo.judged_scores` joined to the run, have their scans of seismo.scores return that
  /// run's rows only (before, every run's, joined to the run at the end). Plans vary with the
  /// tables' sizes, so the test counts the rows the scans of seismo.scores returned, whatever
  /// the plan; three runs are stored beside the one read. The runs are in a database of the
  /// test's own: in the shared one, other tests wrote runs into the same partition between the
  /// analysis and the plan, which then read 221 rows for a run of 140, three times running (CI).
  /// The statistics are brought up to date first, as autovacuum keeps them on a database in use
  /// (with stale ones, the planner once scanned a partition it took for nearly empty), and a
  /// query is planned again after a new analysis, up to three times.
  @Test func oneRunsAnomaliesReadOnlyItsScores() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: url)
    defer { db.drop(server: url) }
    try scratch.write("data.csv", syntheticCSV(rows: 160, spikes: [120]))
    let runs = try (0..<4).map { try storedZScoreRun(scratch, in: db, out: "run\($0)") }
    let read = try #require(runs.first)
    let rethreshold = try CLI.run(["rethreshold", read, "--url", db.url, "--set", "threshold.percentile=99"], in: scratch.url)
    #expect(rethreshold.status == 0, "\(rethreshold.stderr)")
    let scores = try #require(
      Int(
        try db.sql(
          "SELECT count(*) FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1", [read])[0][0] ?? ""))
    // The anomalies of a run whose version has one cut-off read the rows its own threshold
    // flags, which the version judges instead (see `aRunsAnomaliesAreReadThroughItsFlags`), and
    // its rows above the cut-off: all its rows, when the plan compares them with the cut-off
    // as it joins them to the version rather than as it scans them.
    let flags = try db.sql(
      """
      SELECT (SELECT count(*) FROM seismo.scores s WHERE s.run = r.id AND s.is_anomaly)::text,
             (SELECT count(*) FROM seismo.scores s JOIN seismo.current_thresholds v ON v.run = s.run
              WHERE s.run = r.id AND s.score > v.cutoff)::text
      FROM seismo.runs r WHERE r.run_id = $1
      """, [read])[0].compactMap { $0.flatMap(Int.init) }
    try #require(flags.count == 2 && flags[0] + flags[1] < scores, "\(flags)")
    for (query, reads) in [
      ("SELECT * FROM seismo.anomalies WHERE run_id = $1", flags[0] + flags[1]...flags[0] + scores),
      (
        "SELECT j.ts, j.cut FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = $1 ORDER BY j.ts",
        scores...scores
      ),
    ] {
      var scanned: [Int] = []  // by each plan tried
      repeat {
        try db.sql("ANALYZE")
        let plan = try #require(try db.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + query, [read])[0][0])
        scanned.append(try rowsScanned(in: plan, of: "scores"))
      } while scanned.count < 3 && !reads.contains(scanned.last!)
      #expect(reads.contains(scanned.last!), "\(query): \(scanned) rows read of seismo.scores for a run of \(scores)")
    }
  }

  /// A run's anomalies are found through its flags (schema version 20): `seismo.anomalies WHERE
  /// run_id = …` reads, of seismo.scores, the rows the run's own threshold flags (index
  /// `scores_anomalies`) and, under a per-row threshold version, those the version flags (index
  /// `threshold_cutoffs_flagged`), not the run's other rows, and lists what `judged_scores` flags.
  /// Before, it read every row of the run: over a second at 1,000,000 rows.
  @Test func aRunsAnomaliesAreReadThroughItsFlags() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: url)
    defer { db.drop(server: url) }
    let rows = 20_000
    try scratch.write("data.csv", syntheticCSV(rows: rows, spikes: [500, 9_000, 15_000]))
    let own = try storedZScoreRun(scratch, in: db, out: "own")
    let perRow = try storedZScoreRun(scratch, in: db, out: "per-row")
    let cut = try CLI.run(
      ["rethreshold", perRow, "--url", db.url, "--set", "threshold.plugin=spot", "--set", "threshold.risk=0.001"], in: scratch.url
    )
    try #require(cut.status == 0 && cut.stdout.contains("per row"), "\(cut.stdout)\(cut.stderr)")
    try db.sql("ANALYZE")
    for run in [own, perRow] {
      let counts = try db.sql(
        """
        SELECT (SELECT count(*) FROM seismo.scores s WHERE s.run = r.id AND s.is_anomaly)::text,
               (SELECT count(*) FROM seismo.threshold_cutoffs c WHERE c.run = r.id AND c.flagged)::text,
               (SELECT count(*) FROM seismo.judged_scores j WHERE j.run = r.id AND j.flagged)::text,
               (SELECT count(*) FROM seismo.anomalies a WHERE a.run_id = r.run_id)::text
        FROM seismo.runs r WHERE r.run_id = $1
        """, [run])[0].map { Int($0 ?? "") ?? -1 }
      let plan = try #require(
        try db.sql("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM seismo.anomalies WHERE run_id = $1", [run])[0][0])
      let scanned = try rowsScanned(in: plan, of: "scores")
      #expect(counts[0] > 0 && (run == own) == (counts[1] == 0), "\(counts)")
      // A hash join reads a row of its outer side before it finds its inner side empty (a
      // branch's version that the run does not have), a row a parallel worker.
      #expect(
        (counts[0] + counts[1]...counts[0] + counts[1] + 16).contains(scanned),
        "\(scanned) rows read of seismo.scores for a run of \(rows); flags \(counts)")
      #expect(counts[3] == counts[2], "\(counts)")
    }
  }

  /// The flags of a run just stored and given a per-row threshold version, before PostgreSQL has
  /// gathered statistics of its rows, are read by their keys (`PostgresSink.flaggedRowsQuery(byLatest:)`,
  /// which `rethreshold` and `score --new-rows` read to group events). Before, the planner,
  /// estimating one row for a run it had not seen, read every cut-off of the run again for each
  /// of its rows: `rethreshold` of 160,000 rows right after `detect` ran into the 10-minute
  /// statement timeout. The statistics here are those of another run (autovacuum is off for the
  /// test's own database's tables).
  @Test func aRunJustStoredHasItsFlagsReadByKeyBeforeItsStatisticsAre() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: url)
    defer { db.drop(server: url) }
    let rows = 2_000
    try scratch.write("data.csv", syntheticCSV(rows: rows, spikes: [500, 1_300, 1_800]))
    func stored(_ folder: String) throws -> String {
      let id = try storedZScoreRun(scratch, in: db, out: folder)
      let cut = try CLI.run(["rethreshold", id, "--url", db.url, "--set", "threshold.plugin=dynamic"], in: scratch.url)
      try #require(cut.status == 0 && cut.stdout.contains("per row"), "\(cut.stdout)\(cut.stderr)")
      return id
    }
    _ = try stored("a")
    for table in ["seismo.scores_from_0", "seismo.threshold_cutoffs", "seismo.events"] {
      try db.sql("ALTER TABLE \(table) SET (autovacuum_enabled = off)")
      try db.sql("ANALYZE \(table)")
    }
    let read = try #require(try db.sql("SELECT id::text FROM seismo.runs WHERE run_id = $1", [try stored("b")])[0][0])
    // A row's cut-off looked for among all the run's would throw away the others. (Each row
    // meets its run's one threshold version twice, finding it the latest.)
    let discarded = try rowsDiscarded(
      by: PostgresSink.flaggedRowsQuery(byLatest: true), [read, "0", String(Int32.max)], on: db)
    #expect(discarded <= 2 * rows, "\(discarded) rows read and thrown away for a run of \(rows)")
  }

  /// Under a per-row threshold version, the rows an append judges (a watcher's batch: the last
  /// few of a long run) are read with their cut-offs by their keys, not with all of the version's
  /// cut-offs of the run: both reads an append makes through seismo.judged_scores, its flags
  /// (`flaggedRowsQuery`, for the events) and the rows' judgement (`judgedRowsQuery`). Before,
  /// given only the first row, the planner took the last 30 rows for a third of the run, and
  /// read all of the version's cut-offs (here 14,980) to find theirs. The statistics are as
  /// autovacuum leaves them, the cut-offs' analyzed with them.
  @Test func anAppendsFewRowsAreReadByKeyUnderAPerRowVersion() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: url)
    defer { db.drop(server: url) }
    let rows = 3 * PostgresSink.scoresWorthAnalyzing
    try scratch.write("data.csv", syntheticCSV(rows: rows, spikes: [500, rows - 10]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      detector: { plugin: rolling-zscore, window: 20 }
      sink: { plugin: postgres, url: "\(db.url)" }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "run", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let runID = try storedRunID(scratch, "run")
    let cut = try CLI.run(["rethreshold", runID, "--url", db.url, "--set", "threshold.plugin=dynamic"], in: scratch.url)
    try #require(cut.status == 0 && cut.stdout.contains("per row"), "\(cut.stdout)\(cut.stderr)")
    try db.sql("ANALYZE seismo.threshold_cutoffs")
    let key = try #require(try db.sql("SELECT id::text FROM seismo.runs WHERE run_id = $1", [runID])[0][0])
    let last = rows - 1
    for query in [PostgresSink.flaggedRowsQuery(byLatest: true), PostgresSink.judgedRowsQuery(members: 1)] {
      let plan = try #require(
        try db.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + query, [key, String(last - 29), String(last)])[0][0])
      let read = try rowsScanned(in: plan, of: "threshold_cutoffs")
      #expect(read <= 30, "\(read) cut-offs read for the last 30 rows of \(rows)")
    }
  }

  /// A run of `PostgresSink.scoresWorthAnalyzing` scores or more is read by its key as cheaply as
  /// an older run: once it is stored, and again once `score --new-rows` has appended that many,
  /// the sink has its partition of seismo.scores analyzed if the planner takes the run for under a
  /// tenth of its size, so PostgreSQL does not plan the read for one row (it then compared each
  /// of the run's rows with each of its events), and nothing waits for autovacuum, which
  /// analyzes a partition only once a tenth of it has changed. A shorter write, or one to a run
  /// the statistics already size within ten times, leaves them as they were.
  @Test func aLongRunsScoresAreAnalyzedOnceStored() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: url)
    defer { db.drop(server: url) }
    let (long, more) = (3 * PostgresSink.scoresWorthAnalyzing, PostgresSink.scoresWorthAnalyzing + 100)
    let lines = syntheticCSV(rows: long + more, spikes: []).split(separator: "\n")
    func write(_ name: String, rows: Int) throws {
      try scratch.write(name, lines.prefix(rows + 1).joined(separator: "\n") + "\n")
    }
    func stored(_ file: String) throws -> String {
      try scratch.write(
        "run.yaml",
        """
        source: { plugin: csv, path: \(file) }
        detector: { plugin: rolling-zscore, window: 20 }
        sink: { plugin: postgres, url: "\(db.url)", save_model: true }
        """)
      let detect = try CLI.run(["detect", "run.yaml", "--out", "run-" + file, "--quiet"], in: scratch.url)
      try #require(detect.status == 0, "\(detect.stderr)")
      return try storedRunID(scratch, "run-" + file)
    }
    func appended(_ runID: String) throws {
      let result = try CLI.run(["score", "--run", runID, "--url", db.url, "--new-rows", "--quiet"], in: scratch.url)
      try #require(result.status == 0, "\(result.stderr)")
    }
    /// Run `runID`'s key, and the rows the planner expects it to have, and has.
    func sized(_ runID: String) throws -> (key: String, planned: Double, rows: Double) {
      let key = try #require(try db.sql("SELECT id::text FROM seismo.runs WHERE run_id = $1", [runID])[0][0])
      let planned = try #require(
        try PostgresSink.plannedRows("SELECT 1 FROM seismo.scores WHERE run = \(key)", on: PGConnection(db.url)))
      let rows = try #require(Double(try db.sql("SELECT count(*)::text FROM seismo.scores WHERE run = \(key)")[0][0] ?? ""))
      return (key, planned, rows)
    }
    try write("short.csv", rows: 300)
    try write("long.csv", rows: long)
    try write("growing.csv", rows: 300)
    try db.makeFirstScorePartitionWithoutAutovacuum()
    _ = try stored("short.csv")
    try db.sql("ANALYZE seismo.scores_from_0")
    let first = try db.firstScorePartitionAnalyses()
    let growing = try stored("growing.csv")
    #expect(try db.firstScorePartitionAnalyses() == first, "a run of 300 rows leaves the statistics as they were")
    let runID = try stored("long.csv")
    #expect(try db.firstScorePartitionAnalyses() == first + 1)
    let (key, planned, rows) = try sized(runID)
    #expect(planned >= rows / 10, "\(planned) rows planned for \(rows)")
    // As an analyst writes it: the key a constant.
    let discarded = try rowsDiscarded(by: "SELECT count(*) FROM seismo.judged_scores WHERE run = \(key)", on: db)
    #expect(discarded <= long, "\(discarded) rows read and thrown away for a run of \(long)")

    // As autovacuum would, the whole partition analyzed: it lists every run by its share.
    try db.sql("ANALYZE seismo.scores_from_0")
    let analyzed = try db.firstScorePartitionAnalyses()
    // The long run grows by a third: the statistics still size it within ten times.
    try write("long.csv", rows: long + more)
    try appended(runID)
    #expect(try db.firstScorePartitionAnalyses() == analyzed, "the long run was not analyzed again")
    // The run of 300 rows grows fiftyfold, which the statistics, its share of the rows, miss.
    try write("growing.csv", rows: 300 + long)
    try appended(growing)
    #expect(try db.firstScorePartitionAnalyses() == analyzed + 1)
    let grown = try sized(growing)
    #expect(grown.planned >= grown.rows / 10, "\(grown.planned) rows planned for \(grown.rows)")
  }

  /// The runs of a fan-out (`detect --each`) of like indicators are analyzed at the first only:
  /// analyzing from a small sample lists no run as common, so the planner takes each later run
  /// for an average one rather than for one row. (Analyzed in full, as autovacuum does, a
  /// partition of a few runs lists them all, and each new run had its own analysis.)
  @Test func aFanOutOfLikeRunsIsAnalyzedAtItsFirstRunsOnly() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: url)
    defer { db.drop(server: url) }
    try db.makeFirstScorePartitionWithoutAutovacuum()
    try scratch.write("wide.csv", JobQueueTests.wideCSV(columns: 8, rows: PostgresSink.scoresWorthAnalyzing + 100))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: wide.csv }
      detector: { plugin: rolling-zscore, window: 20 }
      sink: { plugin: postgres, url: "\(db.url)" }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--each", "--out", "each", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    #expect(try db.sql("SELECT count(*)::text FROM seismo.runs") == [["8"]])
    // (Runs stored at once may each find none before them, or only each other.)
    let analyses = try db.firstScorePartitionAnalyses()
    #expect(analyses <= 3, "\(analyses) analyses")
  }
}

extension PostgresTests {
  /// Stores a rolling z-score (window 20) of `scratch`'s `data.csv` in `db` by `detect`, its
  /// output in the folder `out`, and gives its run id.
  func storedZScoreRun(_ scratch: Scratch, in db: TestDatabase, out: String) throws -> String {
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      detector: { plugin: rolling-zscore, window: 20 }
      sink: { plugin: postgres, url: "\(db.url)" }
      """)
    let detect = try CLI.run(["detect", "run.yaml", "--out", out, "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    return try storedRunID(scratch, out)
  }
}

/// The rows that the scans of the tables named `prefix`… (a table, or a partitioned table's
/// partitions) returned, over all their loops, in `plan` (EXPLAIN (ANALYZE, FORMAT JSON)'s).
func rowsScanned(in plan: String, of prefix: String) throws -> Int {
  try summed(over: plan) { node in
    (node["Relation Name"] as? String)?.hasPrefix(prefix) == true ? node["Actual Rows"] as? Double ?? 0 : 0
  }
}

/// The rows that the joins of `query`'s plan read and threw away, over all their loops (EXPLAIN
/// ANALYZE: the query runs).
func rowsDiscarded(by query: String, _ parameters: [String?] = [], on db: TestDatabase) throws -> Int {
  let plan = try #require(try db.sql("EXPLAIN (ANALYZE, FORMAT JSON) " + query, parameters)[0][0])
  return try summed(over: plan) { $0["Rows Removed by Join Filter"] as? Double ?? 0 }
}

/// `count` of each node of `plan` (EXPLAIN (ANALYZE, FORMAT JSON)'s), a count per loop, times
/// the node's loops, summed over the plan.
func summed(over plan: String, _ count: ([String: Any]) -> Double) throws -> Int {
  let root = try #require(
    (try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [[String: Any]])?.first?["Plan"] as? [String: Any])
  func sum(_ node: [String: Any]) -> Int {
    Int(count(node) * (node["Actual Loops"] as? Double ?? 0)) + ((node["Plans"] as? [[String: Any]]) ?? []).map(sum).reduce(0, +)
  }
  return sum(root)
}
