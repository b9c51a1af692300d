import Foundation
import Testing

@testable import SeismoPostgres

/// seismo.scores is partitioned by run, 1,000 runs a partition (migration 8).
@Suite(.enabled(if: postgresURL != nil, "needs SEISMO_TEST_PG_URL: a PostgreSQL server (.ci/run starts one)"))
struct ScorePartitionTests {
  let server = postgresURL ?? ""

  func partitions(_ db: TestDatabase) throws -> [String] {
    try db.sql(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'seismo.scores'::regclass ORDER BY 1"
    ).map { $0[0]! }
  }

  @Test func deletingOldRunsDropsThePartitionsTheyLeaveEmpty() throws {
    let scratch = try Scratch()
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try scratch.write("data.csv", syntheticCSV(rows: 120, spikes: [100]))
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\nsink: { plugin: postgres, url: \"\(db.url)\" }\n"
    )
    try db.sql("SELECT setval('seismo.runs_id_seq', 998)")
    var runs: [String] = []
    for k in 0..<3 {  // runs 999, 1000 and 1001
      let result = try CLI.run(["detect", "run.yaml", "--out", "r\(k)", "--quiet", "--json"], in: scratch.url)
      try #require(result.status == 0, "\(result.stderr)")
      runs.append(try #require(try db.sql("SELECT run_id FROM seismo.runs WHERE id = $1::bigint", [String(999 + k)]).first?[0]))
    }
    #expect(try partitions(db) == ["scores_from_0", "scores_from_1000"])
    #expect(
      try db.sql("SELECT tableoid::regclass::text, count(*)::text FROM seismo.scores GROUP BY 1 ORDER BY 1")
        == [["seismo.scores_from_0", "100"], ["seismo.scores_from_1000", "200"]])

    let first = try CLI.run(["runs", "delete", runs[0], "--url", db.url], in: scratch.url)
    #expect(first.stdout == "deleted 1 run (1 score partition dropped whole)\n", "\(first.stderr)")
    #expect(try partitions(db) == ["scores_from_1000"])
    // The newest partition is kept (new runs land in it); its deleted run's rows go.
    let second = try CLI.run(["runs", "delete", runs[1], "--url", db.url], in: scratch.url)
    #expect(second.stdout == "deleted 1 run\n", "\(second.stderr)")
    #expect(try partitions(db) == ["scores_from_1000"])
    #expect(try db.sql("SELECT run::text, count(*)::text FROM seismo.scores GROUP BY 1") == [["1001", "100"]])
    #expect(
      try db.sql("SELECT count(*)::text FROM seismo.anomalies") == db.sql("SELECT anomaly_count::text FROM seismo.runs"))
  }

  @Test func migrationEightMovesTheScoresOfEarlierVersions() throws {
    let db = try TestDatabase(server: server, migratedThrough: 7)
    defer { db.drop(server: server) }
    try db.insertRuns([(1, "old"), (1500, "older")], features: ["a", "b"])
    try db.sql(
      """
      INSERT INTO seismo.scores (run, row_no, ts, part, score, is_anomaly, errors, threshold, alert) VALUES
        (1, 0, '2020-01-01', 'train', 0.5, false, '{0.5,0.1}', 2, false),
        (1, 1, '2020-01-02', 'test', 3.0, true, '{0.2,3.0}', 2, true),
        (1500, 0, '2020-01-01', 'train', 1.0, false, '{1,0}', 2, false)
      """)
    try SchemaMigrator.migrate(PGConnection(db.url))
    #expect(try partitions(db) == ["scores_from_0", "scores_from_1000"])
    #expect(
      try db.sql("SELECT run::text, row_no::text, day::text, score::text, alert::text FROM seismo.scores ORDER BY run, row_no")
        == [
          ["1", "0", "2020-01-01", "0.5", "false"], ["1", "1", "2020-01-02", "3", "true"],
          ["1500", "0", "2020-01-01", "1", "false"],
        ])
    #expect(try db.sql("SELECT run_id, top_feature, alert::text FROM seismo.anomalies") == [["old", "b", "true"]])
    #expect(try db.sql("SELECT to_regclass('seismo.scores_unpartitioned') IS NULL")[0][0] == "t")
  }
}
