import Foundation
import SeismoCore
import SeismoPostgres

extension PostgresSink {
  /// The fewest scores one write must store for a run before the sink checks the planner's count
  /// of it (`analyzeScores`). Below it a misplanned read of the run costs about 0.1 s or less.
  public static let scoresWorthAnalyzing = 5_000

  /// Brings the planner's count of run `id`'s rows up to date after a committed write stored
  /// `count` of its scores, when that is at least `scoresWorthAnalyzing` and the planner takes
  /// the run to have under a tenth of them: it analyzes the `run` and `row_no` columns of the
  /// run's partition of seismo.scores, from a sample of 300 rows (statistics target 1).
  ///
  /// Until the partition is analyzed again, its statistics know nothing of a new run, and when
  /// they list every run they held (as a full analysis of a partition of up to a hundred runs
  /// does), PostgreSQL plans a read of the new one by its key (`judged_scores WHERE run = 42`, as
  /// an analyst writes it) for one row: it then compares each of the run's rows with each of its
  /// events, which for a run of 40,000 rows took 6.6 s instead of 30 ms (`STALE=1
  /// scripts/bench-rethreshold.sh`). Autovacuum does not help: it analyzes a table only once a
  /// tenth of it has changed, so a partition holding many runs is not analyzed for one more.
  /// The small sample takes a few milliseconds, and lists no run as common unless it is (a
  /// complete list is what gives an unseen run one row): a run stored later is taken for an
  /// average one, so a fan-out of like runs is analyzed at its first runs only. The row numbers'
  /// range tells the planner that a run's last few rows are few (`flaggedRowsQuery`): without it,
  /// it took them for 500 rows of a run of 100,000 and read all of a threshold version's cut-offs
  /// of the run to find theirs.
  ///
  /// The run is stored whatever happens here: a failed analysis (a role that does not own the
  /// table is skipped with a warning, which the connection keeps quiet) only leaves the
  /// statistics as they were.
  public static func analyzeScores(ofRun id: String, count: Int, on db: PGConnection) {
    guard count >= scoresWorthAnalyzing, let key = Int64(id),
      let estimated = try? plannedRows("SELECT 1 FROM seismo.scores WHERE run = \(key)", on: db),
      estimated < Double(count) / 10,
      let name = try? db.execute("SELECT seismo.score_partition_for($1::bigint)", [id]).rows.first?.first ?? nil
    else { return }
    _ = try? db.transaction {
      try db.execute("SET LOCAL default_statistics_target = 1")
      try db.execute("ANALYZE \(PGConnection.qualified("seismo", name)) (run, row_no)")
    }
  }

  /// The rows the planner expects `query` to give (EXPLAIN's estimate; nothing runs).
  static func plannedRows(_ query: String, on db: PGConnection) throws -> Double? {
    guard let text = try db.execute("EXPLAIN (FORMAT JSON) " + query).rows.first?.first ?? nil,
      let plans = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]],
      let plan = plans.first?["Plan"] as? [String: Any]
    else { return nil }
    return plan["Plan Rows"] as? Double
  }
}
