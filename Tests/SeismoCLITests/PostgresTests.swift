import Foundation
import SeismoSQL
import Testing

@testable import PostgresSource
@testable import SeismoCore
@testable import SeismoPostgres

/// Against a real PostgreSQL server: `.ci/run` starts one (scripts/pg-test-server.sh) and sets
/// SEISMO_TEST_PG_URL; without it these tests are skipped.
let postgresURL = ProcessInfo.processInfo.environment["SEISMO_TEST_PG_URL"]

/// The suite's helpers and schema tests; its other tests are in `PostgresTests+*.swift`, one file per
/// topic (ingest, source, sink, scoring, each, thresholds, watch).
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
}
