import Foundation
import PostgresSink
import SeismoCore
import Testing

@testable import SeismoPostgres

/// A per-row threshold version keeps its cut-offs a row each in seismo.threshold_cutoffs
/// (migration 16), not in one array that every row's judgement read whole again; they are
/// checked against their version once an insert, not once a row (migration 19).
@Suite(.enabled(if: postgresURL != nil, "needs SEISMO_TEST_PG_URL: a PostgreSQL server (.ci/run starts one)"))
struct VersionCutoffsMigrationTests {
  let server = postgresURL ?? ""

  @Test func migrationSixteenMovesEachVersionsCutoffsAndJudgesAsBefore() throws {
    let db = try TestDatabase(server: server, migratedThrough: 15)
    defer { db.drop(server: server) }
    try db.insertRuns([(1, "per-row"), (2, "constant")])
    // Row 0 comes before the per-row version's first row (judged by it, with no cut-off); rows
    // 1–3 have its cut-offs (the first none yet: NULL); row 4 came after it and is judged by the
    // run's own threshold.
    try db.sql("SELECT seismo.score_partition_for(1)")
    for run in ["1", "2"] {
      try db.sql(
        """
        INSERT INTO seismo.scores (run, row_no, ts, part, score, is_anomaly, errors, threshold, alert) VALUES
          ($1::bigint, 0, '2020-01-01', 'train', 0.2, false, '{0.2}', 2, false),
          ($1::bigint, 1, '2020-01-02', 'train', 0.5, false, '{0.5}', 2, false),
          ($1::bigint, 2, '2020-01-03', 'test', 3.0, true, '{3.0}', 2, true),
          ($1::bigint, 3, '2020-01-04', 'test', 1.5, false, '{1.5}', 2, false),
          ($1::bigint, 4, '2020-01-05', 'test', 2.5, true, '{2.5}', 2, false)
        """, [run])
    }
    try db.sql(
      """
      INSERT INTO seismo.threshold_versions (run, version, plugin, parameters, cutoff, first_row, cutoffs, has_events) VALUES
        (1, 2, 'spot', '{}', NULL, 1, '{NULL,2.5,1.0}', false),
        (2, 2, 'fixed', '{}', 1.0, 1, NULL, false)
      """)
    let judged = """
      SELECT run::text, row_no::text, cut::text, threshold_version::text, flagged::text
      FROM seismo.judged_scores ORDER BY run, row_no
      """
    let before = try db.sql(judged)
    #expect(
      before == [
        ["1", "0", nil, "2", "false"], ["1", "1", nil, "2", "false"], ["1", "2", "2.5", "2", "true"],
        ["1", "3", "1", "2", "true"], ["1", "4", "2", "1", "true"],
        ["2", "0", "1", "2", "false"], ["2", "1", "1", "2", "false"], ["2", "2", "1", "2", "true"],
        ["2", "3", "1", "2", "true"], ["2", "4", "1", "2", "true"],
      ], "\(before)")
    try SchemaMigrator.migrate(PGConnection(db.url))
    #expect(try db.sql(judged) == before)
    #expect(
      try db.sql("SELECT run::text, version::text, row_no::text, cut::text FROM seismo.threshold_cutoffs ORDER BY row_no")
        == [["1", "2", "1", nil], ["1", "2", "2", "2.5"], ["1", "2", "3", "1"]])
    #expect(
      try db.sql("SELECT run::text, cutoffs IS NULL, cutoff_count::text FROM seismo.threshold_versions ORDER BY run")
        == [["1", "t", "3"], ["2", "t", nil]])
    // A deleted run takes its versions' cut-offs with it.
    try db.sql("DELETE FROM seismo.runs WHERE id = 1")
    #expect(try db.sql("SELECT count(*)::text FROM seismo.threshold_cutoffs") == [["0"]])
  }

  @Test func cutoffsAreStoredOnlyWithTheirVersionAndGoWithIt() throws {
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try db.insertRuns([(1, "a"), (2, "b")])
    try db.sql(
      """
      INSERT INTO seismo.threshold_versions (run, version, plugin, parameters, first_row, has_events) VALUES
        (1, 2, 'spot', '{}', 1, false), (1, 3, 'dynamic', '{}', 1, false), (2, 2, 'spot', '{}', 0, false)
      """)
    let connection = try PGConnection(db.url)
    for (run, version) in [("1", 2), ("1", 3), ("2", 2)] {
      try connection.transaction {
        try PostgresSink.insertCuts(
          PostgresSink.VersionCuts(firstRow: 1, cutoffs: [1.5, .infinity, 2.5]), run: run, version: version, on: connection)
      }
    }
    let stored = "SELECT run::text, version::text, count(*)::text FROM seismo.threshold_cutoffs GROUP BY 1, 2 ORDER BY 1, 2"
    #expect(try db.sql(stored) == [["1", "2", "3"], ["1", "3", "3"], ["2", "2", "3"]])
    #expect(
      try db.sql("SELECT cut::text FROM seismo.threshold_cutoffs WHERE run = 2 ORDER BY row_no") == [["1.5"], [nil], ["2.5"]])
    // A version that is not stored gets none.
    #expect(throws: SeismoError.self) {
      try connection.transaction {
        try PostgresSink.insertCuts(PostgresSink.VersionCuts(firstRow: 0, cutoffs: [1]), run: "1", version: 4, on: connection)
      }
    }
    #expect(try db.sql("SELECT count(*)::text FROM seismo.threshold_cutoffs WHERE version = 4") == [["0"]])
    // A deleted version takes its own cut-offs, and a deleted run its versions'.
    try db.sql("DELETE FROM seismo.threshold_versions WHERE run = 1 AND version = 3")
    #expect(try db.sql(stored) == [["1", "2", "3"], ["2", "2", "3"]])
    try db.sql("SELECT seismo.delete_runs('{2}')")
    #expect(try db.sql(stored) == [["1", "2", "3"]])
  }
}
