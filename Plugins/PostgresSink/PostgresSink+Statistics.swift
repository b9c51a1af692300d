import Foundation
import SeismoCore
import SeismoPostgres

extension PostgresSink {
  /// The fewest scores one write must store for a run before the sink checks the planner's idea
  /// of it (`analyzeScores`). Below it a misplanned read of the run costs about 0.1 s or less.
  public static let scoresWorthAnalyzing = 5_000

  /// Brings the planner's statistics of run `id`'s partition of seismo.scores up to date
  /// (`ANALYZE`) after a committed write stored `count` of the run's scores, when that is at least
  /// `scoresWorthAnalyzing` and the planner takes the run to have under a tenth of them.
  ///
  /// Until the partition is analyzed again, its statistics know nothing of a new run, and when
  /// they list every run they held, PostgreSQL plans a read of the new one by its key
  /// (`judged_scores WHERE run = 42`, as an analyst writes it) for one row: it then compares
  /// each of the run's rows with each of its events, which for a run of 40,000 rows took 6.3 s
  /// instead of 32 ms (`STALE=1 scripts/bench-rethreshold.sh`). Autovacuum does not help: it
  /// analyzes a table only once a tenth of it has changed, so a partition holding many runs is
  /// not analyzed for one more. Analyzing samples at most 30,000 rows of the partition (0.1–0.3 s
  /// for one of a million rows); where the statistics already put the run near its size (a
  /// partition of many runs like it), nothing is analyzed.
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
    _ = try? db.execute("ANALYZE \(PGConnection.qualified("seismo", name))")
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
