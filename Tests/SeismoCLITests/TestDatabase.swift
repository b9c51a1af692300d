import Foundation
import Testing

@testable import SeismoPostgres

/// A database of a test's own on the test server (`postgresURL`), for tests that act on the
/// whole `seismo` schema (workers take any job of their database); dropped with `drop`.
struct TestDatabase {
  let name = "t_db_" + UUID().uuidString.prefix(8).lowercased()
  let url: String

  /// Creates it and applies the migrations through `version` (nil: all; 0: none).
  init(server: String, migratedThrough version: Int? = nil) throws {
    try PGConnection(server).execute("CREATE DATABASE \(name)")
    url = Self.url(server, database: name)
    if version != 0 { try SchemaMigrator.migrate(PGConnection(url), through: version) }
  }

  /// `server` (a postgresql:// URL) pointing at `database`.
  static func url(_ server: String, database: String) -> String {
    let base = server.split(separator: "?", maxSplits: 1)[0]
    let slash = base.lastIndex(of: "/")!
    return base[..<slash] + "/" + database
  }

  @discardableResult
  func sql(_ statement: String, _ parameters: [String?] = []) throws -> [[String?]] {
    try PGConnection(url).execute(statement, parameters).rows
  }

  /// Inserts bare runs of a rolling z-score over `features` (no scores), by their `id` and
  /// `run_id`, for tests of the schema itself.
  func insertRuns(_ runs: [(id: Int, runID: String)], features: [String] = ["a"]) throws {
    for run in runs {
      try sql(
        """
        INSERT INTO seismo.runs (id, run_id, started_at, source_plugin, detector_plugin, threshold_plugin, features, threshold,
          train_rows, test_rows, anomaly_count, config, summary, timings)
        VALUES ($1::bigint, $2, now(), 'csv', 'rolling-zscore', 'fixed', $3::text[], 2, 1, 4, 1, '{}', '{}', '{}')
        """, [String(run.id), run.runID, PGText.array(features)])
    }
  }

  /// Creates the partition of seismo.scores that the first runs go to (`scores_from_0`) with
  /// autovacuum off, so that only those asked to analyze it do.
  func makeFirstScorePartitionWithoutAutovacuum() throws {
    try sql("SELECT seismo.score_partition_for(1)")
    try sql("ALTER TABLE seismo.scores_from_0 SET (autovacuum_enabled = off)")
  }

  /// How many times `scores_from_0` was analyzed.
  func firstScorePartitionAnalyses() throws -> Int {
    let count = try sql("SELECT analyze_count::text FROM pg_stat_user_tables WHERE relid = 'seismo.scores_from_0'::regclass")
    return try #require((count.first?.first ?? nil).flatMap { Int($0) }, "\(count)")
  }

  func drop(server: String) {
    _ = try? PGConnection(server).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
  }
}
