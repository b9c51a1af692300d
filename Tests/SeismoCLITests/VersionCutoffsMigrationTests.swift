import Foundation
import PostgresSink
import SeismoCore
import Testing

@testable import SeismoPostgres

/// A per-row threshold version keeps its cut-offs a row each in seismo.threshold_cutoffs
/// (migration 16), not in one array that every row's judgement read whole again; they are
/// checked against their version once an insert, not once a row (migration 19), and each keeps
/// whether it flags its row, by which a run's anomalies are found (migration 20).
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
          PostgresSink.VersionCuts(firstRow: 1, cutoffs: [1.5, .infinity, 2.5], scores: [2, 3, 2]), run: run, version: version,
          on: connection)
      }
    }
    let stored = "SELECT run::text, version::text, count(*)::text FROM seismo.threshold_cutoffs GROUP BY 1, 2 ORDER BY 1, 2"
    #expect(try db.sql(stored) == [["1", "2", "3"], ["1", "3", "3"], ["2", "2", "3"]])
    #expect(
      try db.sql("SELECT cut::text, flagged::text FROM seismo.threshold_cutoffs WHERE run = 2 ORDER BY row_no")
        == [["1.5", "true"], [nil, "false"], ["2.5", "false"]])
    // A version that is not stored gets none.
    #expect(throws: SeismoError.self) {
      try connection.transaction {
        try PostgresSink.insertCuts(
          PostgresSink.VersionCuts(firstRow: 0, cutoffs: [1], scores: [2]), run: "1", version: 4, on: connection)
      }
    }
    #expect(try db.sql("SELECT count(*)::text FROM seismo.threshold_cutoffs WHERE version = 4") == [["0"]])
    // A deleted version takes its own cut-offs, and a deleted run its versions'.
    try db.sql("DELETE FROM seismo.threshold_versions WHERE run = 1 AND version = 3")
    #expect(try db.sql(stored) == [["1", "2", "3"], ["2", "2", "3"]])
    try db.sql("SELECT seismo.delete_runs('{2}')")
    #expect(try db.sql(stored) == [["1", "2", "3"]])
  }

  /// The writer flags a row as PostgreSQL compares its reals, NaN above every number: each
  /// stored flag is what `coalesce(coalesce(margin, score) > cut, false)` gives on the server,
  /// with and without margins, at infinite and equal cut-offs.
  @Test func storedFlagsCompareAsPostgreSQLDoes() throws {
    let db = try TestDatabase(server: server)
    defer { db.drop(server: server) }
    try db.insertRuns([(1, "a")])
    try db.sql("SELECT seismo.score_partition_for(1)")
    let scores: [Float] = [.nan, 1, 2, -.infinity, 5, 0.5, 3]
    let cutoffs: [Float] = [1, 1, 1, 0, .infinity, .nan, -.infinity]
    let margins: [Float] = [0, .nan, 1.5, 2, 9, 0.25, .infinity]
    for (k, score) in scores.enumerated() {
      try db.sql(
        """
        INSERT INTO seismo.scores (run, row_no, ts, part, score, is_anomaly, errors, threshold)
        VALUES (1, $1::integer, to_timestamp($1::integer * 86400), 'test', $2::real, false, '{0}', 1)
        """, [String(k), score.isNaN ? "NaN" : score.isInfinite ? "-Infinity" : String(score)])
    }
    try db.sql(
      "INSERT INTO seismo.threshold_versions (run, version, plugin, parameters, first_row, has_events) VALUES (1, 2, 'spot', '{}', 0, false), (1, 3, 'spot', '{}', 0, false)"
    )
    let connection = try PGConnection(db.url)
    try connection.transaction {
      try PostgresSink.insertCuts(.init(firstRow: 0, cutoffs: cutoffs, scores: scores), run: "1", version: 2, on: connection)
      try PostgresSink.insertCuts(
        .init(firstRow: 0, cutoffs: cutoffs, scores: scores, margins: margins), run: "1", version: 3, on: connection)
    }
    let compared = try db.sql(
      """
      SELECT c.version::text, c.row_no::text, c.flagged::text, coalesce(coalesce(c.margin, s.score) > c.cut, false)::text
      FROM seismo.threshold_cutoffs c JOIN seismo.scores s ON s.run = c.run AND s.row_no = c.row_no
      ORDER BY c.version, c.row_no
      """)
    #expect(compared.count == 14)
    for row in compared { #expect(row[2] == row[3], "version \(row[0] ?? ""), row \(row[1] ?? ""): \(row)") }
    #expect(
      compared.map { $0[2] == "true" } == [
        true, false, true, false, false, false, false, false, true, true, true, false, false, false,
      ])
    #expect(PostgresSink.VersionCuts(firstRow: 0, cutoffs: cutoffs, scores: scores).flaggedCount == 2)
  }

  /// Migration 20 flags the cut-offs stored before it, and the views list the same rows:
  /// `judged_scores` as before, `anomalies` as before (a run without a later version, one
  /// with one cut-off, one with a cut-off per row, and one whose version re-cut its members,
  /// with a margin per row), and `flagged_scores` the flagged rows of `judged_scores`.
  @Test func migrationTwentyFlagsStoredCutoffsAndListsTheSameAnomalies() throws {
    let db = try TestDatabase(server: server, migratedThrough: 19)
    defer { db.drop(server: server) }
    try db.insertRuns([(1, "own"), (2, "constant"), (3, "per-row"), (4, "members")], features: ["a", "b"])
    try db.sql("SELECT seismo.score_partition_for(1)")
    for run in ["1", "2", "3", "4"] {
      try db.sql(
        """
        INSERT INTO seismo.scores (run, row_no, ts, part, score, is_anomaly, errors, threshold, alert) VALUES
          ($1::bigint, 0, '2020-01-01', 'train', 0.2, false, '{0.2,0.1}', 2, false),
          ($1::bigint, 1, '2020-01-02', 'train', 0.5, false, '{0.5,0.6}', 2, false),
          ($1::bigint, 2, '2020-01-03', 'test', 3.0, true, '{3.0,0.5}', 2, true),
          ($1::bigint, 3, '2020-01-04', 'test', 1.5, false, '{1.5,2.0}', 2, false),
          ($1::bigint, 4, '2020-01-05', 'test', 2.5, true, '{2.5,0.0}', 2, false)
        """, [run])
    }
    // Run 3's version covers rows 1–3 (row 0 before it, row 4 after); run 4's rows 0–3, with
    // margins. Run 2's version alerts on row 3.
    try db.sql(
      """
      INSERT INTO seismo.threshold_versions (run, version, plugin, parameters, cutoff, first_row, cutoff_count, has_events) VALUES
        (2, 2, 'fixed', '{}', 1.0, 0, NULL, true), (3, 2, 'spot', '{}', NULL, 1, 3, false),
        (4, 2, 'spot + spot', '[]', NULL, 0, 4, false)
      """)
    try db.sql(
      """
      INSERT INTO seismo.threshold_cutoffs (run, version, row_no, cut, margin, member_cutoffs) VALUES
        (3, 2, 1, NULL, NULL, NULL), (3, 2, 2, 2.5, NULL, NULL), (3, 2, 3, 1.0, NULL, NULL),
        (4, 2, 0, 0, 0.5, '{1,2}'), (4, 2, 1, 0, -0.5, '{1,2}'), (4, 2, 2, 0, 'NaN', '{1,2}'), (4, 2, 3, 0, 0, '{1,2}')
      """)
    try db.sql(
      """
      INSERT INTO seismo.events (run, version, start_ts, end_ts, alert_ts, flagged_rows, peak_score, top_feature, part)
      VALUES (2, 2, '2020-01-03', '2020-01-05', '2020-01-04', 3, 3.0, 'a', 'test')
      """)
    let judged = "SELECT j::text FROM seismo.judged_scores j ORDER BY run, row_no"
    let anomalies = "SELECT a::text FROM seismo.anomalies a ORDER BY run_id, ts"
    let before = (judged: try db.sql(judged), anomalies: try db.sql(anomalies))
    #expect(before.anomalies.count == 2 + 5 + 2 + 2, "\(before.anomalies)")
    try SchemaMigrator.migrate(PGConnection(db.url))
    #expect(try db.sql(judged) == before.judged)
    #expect(try db.sql(anomalies) == before.anomalies)
    #expect(
      try db.sql("SELECT run::text, row_no::text FROM seismo.threshold_cutoffs WHERE flagged ORDER BY run, row_no")
        == [["3", "2"], ["3", "3"], ["4", "0"], ["4", "2"]])
    // A cut-off stored without its flag (as an earlier build would) is refused.
    #expect(throws: SeismoError.self) {
      try db.sql("INSERT INTO seismo.threshold_cutoffs (run, version, row_no, cut) VALUES (3, 2, 4, 1.0)")
    }
    // Of tied errors, the first feature is the top one.
    try db.sql(
      """
      INSERT INTO seismo.scores (run, row_no, ts, part, score, is_anomaly, errors, threshold, alert)
      VALUES (1, 5, '2020-01-06', 'test', 2.5, true, '{1.5,1.5}', 2, false)
      """)
    #expect(
      try db.sql("SELECT top_feature FROM seismo.anomalies WHERE run_id = 'own' AND errors = '{1.5,1.5}'") == [["a"]])
    let columns = "run, row_no, ts, day, part, score, errors, cut, threshold_version, alerted, member_scores, member_cutoffs"
    #expect(
      try db.sql(
        """
        SELECT count(*)::text FROM (
          (SELECT \(columns) FROM seismo.judged_scores WHERE flagged EXCEPT ALL SELECT \(columns) FROM seismo.flagged_scores)
          UNION ALL
          (SELECT \(columns) FROM seismo.flagged_scores EXCEPT ALL SELECT \(columns) FROM seismo.judged_scores WHERE flagged)
        ) d
        """) == [["0"]])
  }
}
