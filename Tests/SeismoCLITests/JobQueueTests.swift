import Foundation
import PostgresSink
import SeismoSQL
import SeismoSupport
import Testing

@testable import SeismoPostgres

/// The PostgreSQL job queue: `seismo jobs` and `seismo worker`, end to end, and `JobQueue`'s
/// claims, leases and fencing. Workers take any job of their database, so every test has a
/// database of its own on the test server.
@Suite(.enabled(if: postgresURL != nil, "needs SEISMO_TEST_PG_URL: a PostgreSQL server (.ci/run starts one)"))
struct JobQueueTests {
  let server = postgresURL ?? ""

  /// A wide CSV of `columns` indicators (c0, c1, …) and `rows` days; column k jumps on row
  /// 100 + k % 50.
  static func wideCSV(columns: Int, rows: Int) -> String {
    var text = "date," + (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
    for r in 0..<rows {
      text +=
        date(18_262 + r) + ","
        + (0..<columns).map { k in String(Double((r * (k + 3)) % 11) + (r == 100 + k % 50 ? 40 : 0)) }
        .joined(separator: ",") + "\n"
    }
    return text
  }

  /// A config whose source is a query that sleeps `seconds` first: a job that takes that long.
  static func sleepingConfig(_ seconds: Double) -> String {
    """
    source:
      plugin: postgres
      query: >-
        SELECT d AS ts, (extract(doy FROM d) % 7)::float8 AS a
        FROM generate_series('2020-01-01'::timestamptz, '2020-09-30', '1 day') AS d, pg_sleep(\(seconds)) AS s
    split: { train_fraction: 0.5 }
    detector: { plugin: rolling-zscore, window: 20 }
    threshold: { plugin: fixed, value: 8 }
    """
  }

  /// Waits for `running` to exit, killing it after `seconds`.
  func finish(_ running: CLI.Running, within seconds: Double) throws -> CLI.Result {
    let deadline = Date().addingTimeInterval(seconds)
    while running.process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if running.process.isRunning {
      kill(running.process.processIdentifier, SIGKILL)
      let result = try running.wait()
      throw SeismoTestError("a worker was still running after \(seconds) s: \(result.stderr.suffix(2000))")
    }
    return try running.wait()
  }

  func enqueue(_ arguments: [String], _ db: TestDatabase, in scratch: Scratch) throws -> String {
    let result = try CLI.run(["jobs", "enqueue"] + arguments + ["--url", db.url], in: scratch.url)
    try #require(result.status == 0, "\(result.stderr)")
    return try #require(result.stdout.split(separator: " ").last.map { String($0.dropLast()) })
  }

  /// A random configuration over a random series, queued one job per indicator and run by a
  /// worker, stores for each indicator the scores, cut-offs, flags and alerts `detect --each`
  /// gives it. (The fast detectors: a network's training differs with the threads it gets.)
  @Test(arguments: 0..<6)
  func queuedRandomRunsStoreWhatDetectGives(seed: Int) throws {
    var random = SeededGenerator(seed: UInt64(seed) &+ 31_000)
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("data.csv", RandomRunTests.series(rows: Int.random(in: 160...240, using: &random), &random))
    var config = ""
    while config.isEmpty || config.contains("lstm") { config = RandomRunTests.config(&random, path: "data.csv") }
    try scratch.write("run.yaml", config)
    let group = try enqueue(["run.yaml", "--each"], db, in: scratch)
    let worker = try CLI.start(["worker", "--url", db.url, "--exit-when-done", "--poll", "0.2"], in: scratch.url)
    let finished = try finish(worker, within: 120)
    #expect(finished.status == 0, "\(finished.stderr)")
    let detect = try CLI.run(["detect", "run.yaml", "--each", "--out", "each", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    for indicator in ["a", "b"] {
      let stored = try db.sql(
        """
        SELECT (extract(epoch FROM s.ts) / 86400)::int, s.score::text, coalesce(s.threshold::text, ''),
               s.is_anomaly::int::text, s.alert::int::text
        FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run
        WHERE r.group_id = $1 AND r.indicator = $2 AND s.score IS NOT NULL ORDER BY s.ts
        """, [group, indicator]
      ).map { row in [date(Int(row[0]!)!)] + row.dropFirst().map { $0 ?? "" } }
      let csv = try scratch.read("each/\(indicator)/scores.csv").split(separator: "\n").map {
        $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      }
      let columns = ["score", "threshold", "is_anomaly", "alert"].map { csv[0].firstIndex(of: $0)! }
      let expected = csv.dropFirst().filter { !$0[columns[0]].isEmpty }.map { row in [row[0]] + columns.map { row[$0] } }
      func near(_ a: String, _ b: String) -> Bool {  // as written: 3 in PostgreSQL, 3.0 in a file
        guard a != b else { return true }
        guard let x = Float(a), let y = Float(b) else { return false }
        return abs(x - y) <= 1e-6 * max(1, abs(x))
      }
      let differing = zip(stored, expected).filter { a, b in a[0] != b[0] || !zip(a.dropFirst(), b.dropFirst()).allSatisfy(near) }
      #expect(
        stored.count == expected.count && differing.isEmpty,
        "seed \(seed), \(indicator): \(stored.count) stored, \(expected.count) detected, first differing \(differing.prefix(2)):\n\(config)"
      )
    }
  }

  @Test func eachIndicatorRunsOnceAsDetectWouldRunIt() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("wide.csv", Self.wideCSV(columns: 3, rows: 160))
    let config = """
      source: { plugin: csv, path: wide.csv }
      split: { train_fraction: 0.5 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 8 }
      """
    try scratch.write("run.yaml", config)
    let group = try enqueue(["run.yaml", "--each"], db, in: scratch)
    #expect(
      try db.sql("SELECT indicator, status FROM seismo.jobs ORDER BY id") == [
        ["c0", "queued"], ["c1", "queued"], ["c2", "queued"],
      ])

    let workers = try (0..<2).map { _ in
      try CLI.start(["worker", "--url", db.url, "--concurrency", "2", "--exit-when-done", "--poll", "0.2"], in: scratch.url)
    }
    let results = try workers.map { try finish($0, within: 60) }
    for result in results { #expect(result.status == 0, "\(result.stderr)") }
    let log = results.map(\.stderr).joined()
    #expect(log.contains("indicator=c1") && log.contains("msg=done"), "\(log)")

    let runs = try db.sql(
      """
      SELECT r.indicator, r.group_id, (j.run_id = r.run_id)::text, r.anomaly_count::text,
             (SELECT count(*) FROM seismo.scores s WHERE s.run = r.id)::text
      FROM seismo.runs r JOIN seismo.jobs j ON j.id = r.job_id WHERE j.status = 'done' ORDER BY r.indicator
      """)
    #expect(runs.map { $0[0] } == ["c0", "c1", "c2"])
    #expect(runs.allSatisfy { $0[1] == group && $0[2] == "true" && $0[4] == "140" }, "\(runs)")

    // The job for c1 scored exactly what `detect` scores on c1 alone.
    try scratch.write("c1.yaml", config.replacingOccurrences(of: "wide.csv }", with: "wide.csv, columns: [c1] }"))
    let detect = try CLI.run(["detect", "c1.yaml", "--out", "c1", "--quiet", "--json"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let expected = try scratch.read("c1/scores.csv").split(separator: "\n").dropFirst().compactMap {
      Float($0.split(separator: ",", omittingEmptySubsequences: false)[2])  // empty: the window's warm-up
    }
    let stored = try db.sql(
      "SELECT s.score::text FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.indicator = 'c1' ORDER BY s.row_no"
    ).map { Float($0[0]!)! }
    #expect(stored == expected)
    #expect(runs[1][3] == String(expected.filter { $0 > 8 }.count))

    // sql/examples.sql's job queries answer for this group.
    let examples = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../sql/examples.sql"),
      encoding: .utf8
    ).components(separatedBy: ";\n")
    let progress = try #require(examples.first { $0.contains("FROM seismo.job_groups") })
    #expect(try db.sql(progress).map { [$0[0], $0[2], $0[5]] } == [[group, "3", "3"]])
    let perGroup = try #require(examples.first { $0.contains("JOIN seismo.runs r ON r.job_id = j.id") })
    #expect(Set(try db.sql(perGroup).map { $0[0] }) == ["c0", "c1", "c2"])
  }

  /// What a job's data and run warn of is logged, as detect prints it: rows out of time order
  /// (the load's warning) and a train_until past the last row (the run's).
  @Test func aJobsWarningsAreLogged() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    let lines = Self.wideCSV(columns: 1, rows: 80).split(separator: "\n")
    try scratch.write("late.csv", ([lines[0]] + lines.dropFirst().reversed()).joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: late.csv }
      split: { train_until: 2099-01-01 }
      detector: { plugin: rolling-zscore, window: 20 }
      """)
    _ = try enqueue(["run.yaml"], db, in: scratch)
    let worker = try CLI.start(["worker", "--url", db.url, "--exit-when-done", "--poll", "0.2"], in: scratch.url)
    let result = try finish(worker, within: 60)
    #expect(result.status == 0, "\(result.stderr)")
    let warnings = result.stderr.split(separator: "\n").filter { $0.contains("level=warning") && $0.contains("job=1") }
    #expect(warnings.contains { $0.contains("late.csv had rows out of time order; they were sorted") }, "\(result.stderr)")
    #expect(
      warnings.contains { $0.contains("msg=\"split.train_until 2099-01-01 is not before the last row") }, "\(result.stderr)")
    #expect(result.stderr.contains("msg=done"))
  }

  /// A worker analyzes the partition of seismo.scores that holds a run of
  /// `PostgresSink.scoresWorthAnalyzing` scores or more once it has stored it, as `detect`'s sink
  /// does (`aLongRunsScoresAreAnalyzedOnceStored` says why).
  @Test func aWorkerAnalyzesALongRunsScores() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try db.makeFirstScorePartitionWithoutAutovacuum()
    try scratch.write("data.csv", syntheticCSV(rows: PostgresSink.scoresWorthAnalyzing + 100, spikes: []))
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    _ = try enqueue(["run.yaml"], db, in: scratch)
    let worker = try CLI.start(["worker", "--url", db.url, "--exit-when-done", "--poll", "0.2"], in: scratch.url)
    let result = try finish(worker, within: 120)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try db.firstScorePartitionAnalyses() == 1)
  }

  @Test func aFailingJobEndsFailedWithItsErrorAndTheOthersFinish() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("wide.csv", Self.wideCSV(columns: 2, rows: 120))
    try scratch.write("run.yaml", "source: { plugin: csv, path: wide.csv }\ndetector: { plugin: rolling-zscore }\n")
    _ = try enqueue(["run.yaml", "--each", "--indicator", "c0", "--indicator", "no_such", "--indicator", "c1"], db, in: scratch)
    let worker = try CLI.start(["worker", "--url", db.url, "--concurrency", "1", "--exit-when-done"], in: scratch.url)
    let result = try finish(worker, within: 60)
    #expect(result.status == 0, "\(result.stderr)")
    let jobs = try db.sql("SELECT indicator, status, attempts::text, last_error FROM seismo.jobs ORDER BY id")
    #expect(jobs.map { [$0[0], $0[1], $0[2]] } == [["c0", "done", "1"], ["no_such", "failed", "1"], ["c1", "done", "1"]])
    #expect(jobs[1][3]?.contains("unknown column 'no_such'") == true, "\(jobs)")
    #expect(result.stderr.contains("level=error") && result.stderr.contains("indicator=no_such"))
    let listed = try CLI.run(["jobs", "list", "--status", "failed", "--url", db.url], in: scratch.url)
    #expect(listed.stdout.contains("no_such\tfailed\t1/3") && listed.stdout.contains("unknown column"), "\(listed.stdout)")
    let json = try CLI.run(["jobs", "list", "--status", "failed", "--url", db.url, "--json"], in: scratch.url).stdout
    let failed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
    #expect(failed.count == 1 && failed.first?["indicator"] as? String == "no_such", "\(json)")
    #expect(
      failed.first?["attempts"] as? Int == 1 && failed.first?["max_attempts"] as? Int == 3 && failed.first?["run_id"] is NSNull)
    #expect((failed.first?["last_error"] as? String)?.contains("unknown column 'no_such'") == true)
  }

  @Test func enqueueChecksTheConfigBeforeQueueingAnything() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("wide.csv", Self.wideCSV(columns: 2, rows: 120))
    try scratch.write("typo.yaml", "source: { plugin: csv, path: wide.csv }\ndetector: { plugin: rolling-zscore, windw: 20 }\n")
    let typo = try CLI.run(["jobs", "enqueue", "typo.yaml", "--url", db.url], in: scratch.url)
    #expect(typo.status == 1 && typo.stderr.contains("detector.windw"), "\(typo.stderr)")
    try scratch.write(
      "sink.yaml",
      "source: { plugin: csv, path: wide.csv }\ndetector: { plugin: rolling-zscore }\nsink: { plugin: postgres, url: \"postgresql://u:secret@elsewhere/db\", save_model: true }\n"
    )
    // The sink names another database: the results go to the queue's, and enqueue says so.
    let queued = try CLI.run(["jobs", "enqueue", "sink.yaml", "--set", "detector.window=30", "--url", db.url], in: scratch.url)
    #expect(
      queued.status == 0
        && queued.stderr
          == "warning: sink.url is not where these jobs' results go: a job writes them to the queue's database (--url), whatever its sink names\n",
      "\(queued.stderr)")
    #expect(try db.sql("SELECT config #>> '{detector,parameters,window}' FROM seismo.jobs") == [["30"]])
    #expect(try db.sql("SELECT config::text LIKE '%secret%' FROM seismo.jobs")[0][0] == "f")
    // save_model of the config's postgres sink is kept; the results go to the queue's database.
    let worker = try finish(try CLI.start(["worker", "--url", db.url, "--exit-when-done"], in: scratch.url), within: 60)
    #expect(worker.status == 0, "\(worker.stderr)")
    #expect(try db.sql("SELECT count(*) FROM seismo.models")[0][0] == "1")

    // A sink naming the queue's own database is not warned about.
    let same = try CLI.run(
      ["jobs", "enqueue", "sink.yaml", "--set", "sink.url=\(db.url)", "--url", db.url, "--sql"], in: scratch.url)
    #expect(same.status == 0 && same.stderr.isEmpty, "\(same.stderr)")

    // --sql prints a statement that queues the same job.
    let printed = try CLI.run(["jobs", "enqueue", "sink.yaml", "--sql", "--max-attempts", "5"], in: scratch.url)
    try #require(printed.status == 0, "\(printed.stderr)")
    #expect(printed.stdout.hasPrefix("SELECT seismo.enqueue('{"))
    try PGConnection(db.url).execute(printed.stdout)
    #expect(
      try db.sql(
        "SELECT max_attempts::text, (config - 'detector' = (SELECT config - 'detector' FROM seismo.jobs WHERE id = 1))::text FROM seismo.jobs WHERE id = 2"
      )
        == [["5", "true"]])
  }

  @Test func retryAndCancelChangeOnlyTheJobsNamed() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("wide.csv", Self.wideCSV(columns: 3, rows: 120))
    try scratch.write("run.yaml", "source: { plugin: csv, path: wide.csv }\ndetector: { plugin: rolling-zscore }\n")
    let group = try enqueue(["run.yaml", "--each", "--group", "nightly"], db, in: scratch)
    #expect(group == "nightly")
    try db.sql("UPDATE seismo.jobs SET status = 'failed', attempts = 3, last_error = 'x' WHERE id = 1")
    let cancel = try CLI.run(["jobs", "cancel", "2", "--url", db.url], in: scratch.url)
    #expect(cancel.stdout == "cancelled 1 job\n", "\(cancel.stderr)")
    let retry = try CLI.run(["jobs", "retry", "--failed", "--url", db.url], in: scratch.url)
    #expect(retry.stdout == "queued 1 job again\n", "\(retry.stderr)")
    #expect(
      try db.sql("SELECT status, attempts::text FROM seismo.jobs ORDER BY id")
        == [["queued", "0"], ["cancelled", "0"], ["queued", "0"]])
    let byGroup = try CLI.run(["jobs", "retry", "--group", group, "--url", db.url], in: scratch.url)
    #expect(byGroup.stdout == "queued 1 job again\n")
    let none = try CLI.run(["jobs", "retry", "--url", db.url], in: scratch.url)
    #expect(none.status == 64 && none.stderr.contains("say which jobs"))
    // A job id or group that is not there is named, and nothing changes.
    let before = try db.sql("SELECT status, attempts::text FROM seismo.jobs ORDER BY id")
    for (arguments, expected) in [
      (["retry", "1", "99"], "error: no job 99 in seismo.jobs"), (["cancel", "99"], "error: no job 99 in seismo.jobs"),
      (["retry", "--group", "nightyl"], "error: no job group 'nightyl' in seismo.jobs"),
      (["cancel", "--group", "nightyl"], "error: no job group 'nightyl' in seismo.jobs"),
    ] {
      let typo = try CLI.run(["jobs"] + arguments + ["--url", db.url], in: scratch.url)
      #expect(typo.status == 1 && typo.stderr.hasPrefix(expected), "\(arguments): \(typo.stderr)")
    }
    #expect(try db.sql("SELECT status, attempts::text FROM seismo.jobs ORDER BY id") == before)
    // Retry by id; list per group (the view), per group's jobs and with --limit.
    try db.sql("UPDATE seismo.jobs SET status = 'failed' WHERE id = 3")
    let byID = try CLI.run(["jobs", "retry", "3", "--url", db.url], in: scratch.url)
    #expect(byID.stdout == "queued 1 job again\n", "\(byID.stderr)")
    #expect(try db.sql("SELECT status FROM seismo.jobs WHERE id = 3") == [["queued"]])
    let groups = try CLI.run(["jobs", "list", "--url", db.url], in: scratch.url).stdout.split(separator: "\n")
    #expect(groups.count == 2 && groups[1].hasPrefix("nightly\t") && groups[1].hasSuffix("\t3\t3\t0\t0\t0\t0"), "\(groups)")
    let jobs = try CLI.run(["jobs", "list", "--group", "nightly", "--limit", "2", "--url", db.url], in: scratch.url)
    #expect(jobs.stdout.split(separator: "\n").map { $0.prefix(12) } == ["job\tgroup\tin", "1\tnightly\tc0", "2\tnightly\tc1"])
    let groupsJSON = try CLI.run(["jobs", "list", "--url", db.url, "--json"], in: scratch.url).stdout
    let counted = try JSONSerialization.jsonObject(with: Data(groupsJSON.utf8)) as? [[String: Any]] ?? []
    #expect(counted.count == 1 && counted[0]["group"] as? String == "nightly", "\(groupsJSON)")
    #expect(counted.first.map { [$0["jobs"], $0["queued"], $0["done"]].map { $0 as? Int } } == [3, 3, 0])
    let jobsJSON = try CLI.run(
      ["jobs", "list", "--group", "nightly", "--limit", "2", "--url", db.url, "--json"], in: scratch.url
    ).stdout
    let listed = try JSONSerialization.jsonObject(with: Data(jobsJSON.utf8)) as? [[String: Any]] ?? []
    #expect(listed.map { $0["job"] as? Int } == [1, 2] && listed.map { $0["indicator"] as? String } == ["c0", "c1"])
    #expect(listed.allSatisfy { $0["status"] as? String == "queued" && $0["worker"] is NSNull }, "\(jobsJSON)")
  }

  @Test func aClaimIsFencedOnceItsLeaseRunsOutAndAnotherWorkerTakesIt() throws {
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    let queue = JobQueue(try PGConnection(db.url))
    _ = try queue.enqueue(config: "{}", indicators: ["a"], maxAttempts: 2, group: "g")
    let first = try #require(try queue.claim(worker: "w1", lease: 0.3))
    #expect(first.attempt == 1 && !first.reclaimed && first.indicator == "a" && first.group == "g")
    #expect(try queue.claim(worker: "w2", lease: 30) == nil)  // held
    #expect(try queue.renew([first.id], worker: "w1", lease: 0.3) == 1)
    Thread.sleep(forTimeInterval: 0.5)
    let second = try #require(try queue.claim(worker: "w2", lease: 30))
    #expect(second.id == first.id && second.attempt == 2 && second.reclaimed)
    // The first worker can no longer renew, finish or fail it.
    #expect(try queue.renew([first.id], worker: "w1", lease: 30) == 0)
    #expect(try queue.db.transaction { try queue.lock(first, worker: "w1") } == false)
    #expect(try queue.fail(first, worker: "w1", error: "late", permanent: false, backoff: 0) == .lost)
    // The second's last attempt fails for good, with its error.
    #expect(try queue.fail(second, worker: "w2", error: "boom", permanent: false, backoff: 0) == .failed)
    #expect(try db.sql("SELECT status, last_error FROM seismo.jobs") == [["failed", "boom"]])
  }

  @Test func failedAttemptsWaitTheirBackOff() throws {
    #expect(JobQueue.backoff(after: 1, base: 10) == 10)
    #expect(JobQueue.backoff(after: 2, base: 10) == 20)
    #expect(JobQueue.backoff(after: 4, base: 10) == 80)
    #expect(JobQueue.backoff(after: 30, base: 10) == 3600)
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    let queue = JobQueue(try PGConnection(db.url))
    _ = try queue.enqueue(config: "{}", indicators: [], maxAttempts: 3, group: nil)
    let claim = try #require(try queue.claim(worker: "w", lease: 30))
    #expect(claim.indicator == nil)
    #expect(try queue.fail(claim, worker: "w", error: "db down", permanent: false, backoff: 20) == .retrying)
    let waits = try db.sql("SELECT status, round(extract(epoch FROM run_after - now()))::text FROM seismo.jobs")
    #expect(waits == [["queued", "20"]])
    #expect(try queue.claim(worker: "w", lease: 30) == nil)  // not due yet
    try db.sql("UPDATE seismo.jobs SET run_after = now()")
    let again = try #require(try queue.claim(worker: "w", lease: 30))
    #expect(try queue.fail(again, worker: "w", error: "bad column", permanent: true, backoff: 40) == .failed)
    #expect(try db.sql("SELECT status, attempts::text FROM seismo.jobs") == [["failed", "2"]])
  }

  @Test func sigtermFinishesTheJobInHandThenExits() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("slow.yaml", Self.sleepingConfig(1.5))
    _ = try enqueue(["slow.yaml"], db, in: scratch)
    _ = try enqueue(["slow.yaml"], db, in: scratch)
    let worker = try CLI.start(["worker", "--url", db.url, "--concurrency", "1"], in: scratch.url)
    let deadline = Date().addingTimeInterval(30)
    while try db.sql("SELECT count(*) FROM seismo.jobs WHERE status = 'running'")[0][0] != "1" {
      guard Date() < deadline, worker.process.isRunning else { throw SeismoTestError("the worker claimed nothing") }
      Thread.sleep(forTimeInterval: 0.05)
    }
    worker.process.terminate()
    let result = try finish(worker, within: 30)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("msg=\"stopping: finishing the jobs in hand"), "\(result.stderr)")
    #expect(try db.sql("SELECT status FROM seismo.jobs ORDER BY id") == [["done"], ["queued"]])
    #expect(try db.sql("SELECT count(*) FROM seismo.runs")[0][0] == "1")
  }

  @Test func workerOptionsTakeEffect() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("slow.yaml", Self.sleepingConfig(2))
    _ = try enqueue(["slow.yaml", "--each", "--indicator", "a", "--indicator", "a", "--indicator", "a"], db, in: scratch)
    func waitFor(_ condition: String, within seconds: Double) throws -> Bool {
      let deadline = Date().addingTimeInterval(seconds)
      while try db.sql("SELECT \(condition)")[0][0] != "t" {
        guard Date() < deadline else { return false }
        Thread.sleep(forTimeInterval: 0.05)
      }
      return true
    }
    // --concurrency 3: three jobs in hand at once; --lease 7: each claimed for 7 s.
    let worker = try CLI.start(
      ["worker", "--url", db.url, "--concurrency", "3", "--lease", "7", "--poll", "0.3"], in: scratch.url)
    defer { if worker.process.isRunning { kill(worker.process.processIdentifier, SIGKILL) } }
    #expect(try waitFor("count(*) = 3 FROM seismo.jobs WHERE status = 'running'", within: 30))
    #expect(
      try db.sql("SELECT bool_and(lease_until - now() BETWEEN interval '5 s' AND interval '7.5 s') FROM seismo.jobs")[0][0]
        == "t")
    #expect(try waitFor("count(*) = 3 FROM seismo.jobs WHERE status = 'done'", within: 30))
    // --poll 0.3: a job inserted without a NOTIFY is still found within a second or so.
    try db.sql(
      "INSERT INTO seismo.jobs (group_id, config) SELECT 'quiet', config FROM seismo.jobs WHERE id = 1")
    #expect(try waitFor("count(*) = 4 FROM seismo.jobs WHERE status <> 'queued'", within: 1.5))
    #expect(try waitFor("count(*) = 4 FROM seismo.jobs WHERE status = 'done'", within: 30))
    // --backoff 30: a source server that cannot be reached is a retry 30 s later.
    try scratch.write(
      "unreachable.yaml",
      "source: { plugin: postgres, url: \"postgresql://nobody@127.0.0.1:1/x?connect_timeout=2\", table: m }\ndetector: { plugin: rolling-zscore }\n"
    )
    worker.process.terminate()
    _ = try finish(worker, within: 30)
    _ = try enqueue(["unreachable.yaml", "--group", "retried"], db, in: scratch)
    let retrying = try CLI.start(["worker", "--url", db.url, "--concurrency", "1", "--backoff", "30"], in: scratch.url)
    #expect(
      try waitFor("count(*) = 1 FROM seismo.jobs WHERE group_id = 'retried' AND attempts = 1 AND status = 'queued'", within: 30))
    retrying.process.terminate()
    let stopped = try finish(retrying, within: 30)
    #expect(stopped.stderr.contains("attempt failed, retrying in 30 s"), "\(stopped.stderr)")
    let job = try db.sql(
      "SELECT extract(epoch FROM run_after - now()) BETWEEN 20 AND 30.5, last_error FROM seismo.jobs WHERE group_id = 'retried'")
    #expect(job[0][0] == "t" && job[0][1]?.contains("cannot connect") == true, "\(job)")
  }

  @Test func aJobWhoseWorkersKeepDyingIsAbandonedAndACancelledOneWritesNothing() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("slow.yaml", Self.sleepingConfig(1.5))
    // A job whose only allowed claim went to a worker that died: its lease runs out, and the next
    // worker to claim it fails it for good instead of running it a second time.
    _ = try enqueue(["slow.yaml", "--max-attempts", "1", "--group", "dying"], db, in: scratch)
    let queue = JobQueue(try PGConnection(db.url))
    _ = try #require(try queue.claim(worker: "dead", lease: 0.2))
    Thread.sleep(forTimeInterval: 0.3)
    let worker = try finish(
      try CLI.start(["worker", "--url", db.url, "--concurrency", "1", "--exit-when-done"], in: scratch.url), within: 60)
    #expect(worker.status == 0, "\(worker.stderr)")
    let abandoned = try db.sql("SELECT status, attempts::text, last_error FROM seismo.jobs WHERE group_id = 'dying'")
    #expect(abandoned.first?[0] == "failed" && abandoned.first?[1] == "2", "\(abandoned)")
    #expect(abandoned.first?[2]?.contains("abandoned: its lease ran out") == true, "\(abandoned)")
    #expect(try db.sql("SELECT count(*) FROM seismo.runs")[0][0] == "0")

    // A job cancelled while it runs: its worker finishes, finds the claim gone and writes nothing.
    _ = try enqueue(["slow.yaml", "--group", "cancelled"], db, in: scratch)
    let running = try CLI.start(["worker", "--url", db.url, "--concurrency", "1", "--exit-when-done"], in: scratch.url)
    let deadline = Date().addingTimeInterval(30)
    while try db.sql("SELECT status FROM seismo.jobs WHERE group_id = 'cancelled'")[0][0] != "running" {
      guard Date() < deadline else { throw SeismoTestError("the job never ran") }
      Thread.sleep(forTimeInterval: 0.05)
    }
    let cancel = try CLI.run(["jobs", "cancel", "--group", "cancelled", "--url", db.url], in: scratch.url)
    #expect(cancel.stdout == "cancelled 1 job\n", "\(cancel.stderr)")
    let result = try finish(running, within: 60)
    #expect(result.stderr.contains("finished after its claim was lost"), "\(result.stderr)")
    #expect(try db.sql("SELECT status FROM seismo.jobs WHERE group_id = 'cancelled'") == [["cancelled"]])
    #expect(try db.sql("SELECT count(*) FROM seismo.runs")[0][0] == "0")
  }

  /// The fault test of issue 14: workers killed with SIGKILL, again and again, while 200 jobs
  /// run. Every job ends done with exactly one run, and no score belongs to no run.
  @Test func workersKilledMidJobLoseNoJobAndDuplicateNone() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("wide.csv", Self.wideCSV(columns: 200, rows: 1_500))
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: wide.csv }\ndetector: { plugin: rolling-zscore, window: 20 }\nthreshold: { plugin: fixed, value: 8 }\n"
    )
    _ = try enqueue(["run.yaml", "--each", "--max-attempts", "100"], db, in: scratch)
    let arguments = ["worker", "--url", db.url, "--concurrency", "1", "--lease", "1", "--poll", "0.2", "--exit-when-done"]
    var workers = try (0..<4).map { _ in try CLI.start(arguments, in: scratch.url) }
    var kills = 0
    var generator = SystemRandomNumberGenerator()
    while kills < 12, try db.sql("SELECT count(*) FROM seismo.jobs WHERE status <> 'done'")[0][0] != "0" {
      Thread.sleep(forTimeInterval: 0.25)
      let k = Int.random(in: 0..<workers.count, using: &generator)
      kill(workers[k].process.processIdentifier, SIGKILL)
      _ = try workers[k].wait()
      kills += 1
      workers[k] = try CLI.start(arguments, in: scratch.url)
    }
    for worker in workers {
      let result = try finish(worker, within: 120)
      #expect(result.status == 0, "\(result.stderr.suffix(2000))")
    }
    #expect(try db.sql("SELECT status, count(*)::text FROM seismo.jobs GROUP BY status") == [["done", "200"]])
    #expect(
      try db.sql("SELECT count(*), count(DISTINCT job_id), count(DISTINCT indicator) FROM seismo.runs")
        == [["200", "200", "200"]])
    #expect(
      try db.sql("SELECT count(*) FROM seismo.jobs j JOIN seismo.runs r ON r.job_id = j.id AND r.run_id = j.run_id")[0][0]
        == "200")
    #expect(
      try db.sql("SELECT count(*) FROM seismo.scores s WHERE NOT EXISTS (SELECT 1 FROM seismo.runs r WHERE r.id = s.run)")[0][0]
        == "0")
    #expect(try db.sql("SELECT count(*) FROM seismo.scores")[0][0] == String(200 * (1_500 - 20)))
    // Some kills hit a job in hand, which another worker then claimed again.
    #expect(
      try db.sql("SELECT count(*) > 0 FROM seismo.jobs WHERE attempts > 1")[0][0] == "t", "no kill hit a job; \(kills) kills")
  }

  /// A real restart of the server (a throwaway server of the test's own) while workers run:
  /// they reconnect and finish every job once.
  @Test func workersReconnectAfterTheServerRestartsAndFinishEveryJob() throws {
    let scratch = try Scratch()
    let server = try ThrowawayServer()
    defer { server.stop() }
    let url = server.url
    try SchemaMigrator.migrate(PGConnection(url))
    try scratch.write("slow.yaml", Self.sleepingConfig(0.3))
    let db = try PGConnection(url)
    for _ in 0..<30 {
      _ = try JobQueue(db).enqueue(
        config: try storedConfig("slow.yaml", in: scratch), indicators: [], maxAttempts: 10, group: "g")
    }
    let arguments = [
      "worker", "--url", url, "--concurrency", "2", "--lease", "5", "--backoff", "0.5", "--poll", "0.2", "--exit-when-done",
    ]
    let workers = try (0..<2).map { _ in try CLI.start(arguments, in: scratch.url) }
    let deadline = Date().addingTimeInterval(30)
    while try PGConnection(url).execute("SELECT count(*) FROM seismo.jobs WHERE status = 'done'").rows[0][0].flatMap({ Int($0) })
      ?? 0 < 3
    {
      guard Date() < deadline else { throw SeismoTestError("no job finished before the restart") }
      Thread.sleep(forTimeInterval: 0.1)
    }
    try server.restart()
    var logs = ""
    for worker in workers {
      let result = try finish(worker, within: 120)
      #expect(result.status == 0, "\(result.stderr.suffix(2000))")
      logs += result.stderr
    }
    #expect(logs.contains("lost the database"), "the restart went unnoticed")
    let after = try PGConnection(url)
    #expect(try after.execute("SELECT status, count(*)::text FROM seismo.jobs GROUP BY status").rows == [["done", "30"]])
    #expect(try after.execute("SELECT count(*), count(DISTINCT job_id) FROM seismo.runs").rows == [["30", "30"]])
  }

  /// The stored form `seismo jobs enqueue --sql` prints for `file`.
  func storedConfig(_ file: String, in scratch: Scratch) throws -> String {
    let printed = try CLI.run(["jobs", "enqueue", file, "--sql"], in: scratch.url)
    try #require(printed.status == 0, "\(printed.stderr)")
    let text = printed.stdout
    let start = text.index(text.firstIndex(of: "'")!, offsetBy: 1)
    let end = text.range(of: "'::jsonb")!.lowerBound
    return text[start..<end].replacingOccurrences(of: "''", with: "'")
  }
}
