import Foundation
import SeismoCore
import SeismoPostgres

extension PostgresSink {
  /// A stored walk-forward run's plan: what `Refit.due` needs to fit the folds its new rows are
  /// due.
  public struct StoredWalk: Sendable {
    public var split: SplitPolicy
    /// The rows its first model trained on.
    public var trainRows: Int
    /// Its folds so far (one when none was refitted yet).
    public var folds: [Fold]
  }

  /// Run `runID`'s walk-forward plan; nil for a run that fits once (no `refit_every`), one
  /// scored by a saved model, or one stored before its folds were kept.
  public static func storedWalk(of runID: String, on db: PGConnection) throws -> StoredWalk? {
    guard
      let row = try db.execute(
        "SELECT config::text, train_rows::text, (summary->'folds')::text FROM seismo.runs WHERE run_id = $1", [runID]
      ).rows.first,
      let configText = row[0], let trainRows = row[1].flatMap({ Int($0) }), let foldsText = row[2]
    else { return nil }
    let config = try JSONDecoder().decode(RunConfig.self, from: Data(configText.utf8))
    let split = try SplitPolicy(parameters: config.split)
    guard split.refitEvery != nil else { return nil }
    let folds = try JSONDecoder().decode([Fold].self, from: Data(foldsText.utf8))
    guard !folds.isEmpty, folds[0].trainEnd == trainRows else { return nil }
    return StoredWalk(split: split, trainRows: trainRows, folds: folds)
  }

  /// Stores `refit` with run `id` inside the caller's transaction, the run locked: the folds'
  /// training scores it does not keep yet in seismo.fold_scores (each member's; with the first
  /// fold's when the run had fit once and so kept none), the folds and the last one's cut-off in
  /// the summary (as `detect` would write them), and its model. An ensemble's cut-off stays 0.
  /// Nothing when the run's folds are no longer those `refit` followed (another scorer stored
  /// them).
  static func store(_ refit: Refit, run id: String, key: Int64, on db: PGConnection) throws {
    guard
      let row = try db.execute(
        """
        SELECT coalesce(jsonb_array_length(summary->'folds'), 0)::text, summary->'threshold'->>'value',
          coalesce(summary->'threshold'->>'constant', 'true')
        FROM seismo.runs WHERE id = $1::bigint
        """, [id]
      ).rows.first, row[0] == String(refit.storedCount)
    else { return }
    let ensemble = !refit.model.ensemble.isEmpty
    for (k, folds) in refit.foldScores.enumerated() where !folds.isEmpty {
      try db.copy(copyFoldScores, byteChunks: foldChunks(folds, id: key, member: k + 1, firstFold: refit.foldScoresFrom))
    }
    let value = ensemble ? 0 : refit.model.thresholdValue
    // Every row's cut-off is still the one the summary gives only if every refit gave it too.
    let constant = row[2] == "true" && row[1].flatMap(Float.init) == value && refit.cutoffs.allSatisfy { $0 == value }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let threshold: [String: Any] = [
      "value": value.isFinite ? Double(value) : NSNull(), "constant": constant,
      "calibration_scores": refit.calibrationScores,
    ]
    try db.execute(
      """
      UPDATE seismo.runs SET threshold = $3::real,
        summary = jsonb_set(jsonb_set(summary, '{folds}', $2::jsonb), '{threshold}', (summary->'threshold') || $4::jsonb)
      WHERE id = $1::bigint
      """,
      [
        id, String(decoding: try encoder.encode(refit.folds), as: UTF8.self), value.isFinite ? String(value) : nil,
        String(decoding: try JSONSerialization.data(withJSONObject: threshold, options: [.sortedKeys]), as: UTF8.self),
      ])
    try db.execute(
      "UPDATE seismo.models SET model = $2::bytea WHERE run = $1::bigint",
      [id, PGText.bytea([UInt8](try refit.model.encode()))])
  }
}
