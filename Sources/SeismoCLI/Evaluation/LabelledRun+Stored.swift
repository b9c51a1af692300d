import Foundation
import SeismoCore
import SeismoPostgres

extension LabelledRun {
  /// Run `runID` as stored in PostgreSQL, judged as `seismo.judged_scores` judges it: by its
  /// latest threshold version (`seismo rethreshold`), whose events give the alerts. Its rows are
  /// the scored ones (a window's warm-up is not stored).
  init(stored runID: String, on db: PGConnection, labels: LabelSet, windowsKey: String?) throws {
    guard let text = try db.execute("SELECT summary::text FROM seismo.runs WHERE run_id = $1", [runID]).rows.first?.first,
      let text
    else { throw SeismoError.invalidInput("no run '\(runID)' in seismo.runs (seismo runs list shows them)") }
    let summary = try JSONDecoder().decode(RunSummary.self, from: Data(text.utf8))
    let rows = try db.executeFloat8(
      """
      SELECT row_no::float8, extract(epoch from ts)::float8, score::float8, cut::float8, flagged::int::float8,
             alerted::int::float8, threshold_version::float8
      FROM seismo.judged_scores WHERE run = (SELECT id FROM seismo.runs WHERE run_id = $1) ORDER BY row_no
      """, [runID])
    guard rows.rowCount > 0, let first = rows[0, 0] else {
      throw SeismoError.invalidInput("run '\(runID)' has no stored scores")
    }
    let n = rows.rowCount
    let scores = (0..<n).map { rows[$0, 2].map(Float.init) }
    let cutoffs = (0..<n).map { rows[$0, 3].map(Float.init) ?? .infinity }
    let flags = (0..<n).map { rows[$0, 4] == 1 }
    let alerts = (0..<n).map { rows[$0, 5] == 1 }
    let version = (0..<n).compactMap { rows[$0, 6] }.max() ?? 1
    try self.init(
      name: "run \(runID)", summary: summary, scores: scores, cutoffs: cutoffs, flags: flags, alerts: alerts,
      trainRows: max(0, summary.split.trainRows - Int(first)),
      timestamps: (0..<n).map { Timestamp((rows[$0, 1] ?? 0).rounded(.down)) }, labels: labels, windowsKey: windowsKey)
    thresholdVersion = Int(version)
    if (0..<n).contains(where: { rows[$0, 5] == nil }) {
      unknownAlerts =
        "run \(runID)'s threshold version \(Int(version)) was made before Seismo stored each version's events (schema version 10), so its alerts are unknown and its NAB score counts none; run seismo rethreshold again"
    }
    leadingRows = Int(first)
  }
}
