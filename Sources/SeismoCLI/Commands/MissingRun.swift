import SeismoCore
import SeismoPostgres

/// The error for a run id that is not in seismo.runs, with the stored runs it may have meant:
/// those whose id begins with it (an id cut short when copied), or else the nearest id of the
/// same day (a typo).
enum MissingRun {
  /// The error for `runID`, its message ending with `after` (what was not done); without a near
  /// run to name, it says where to look.
  static func error(_ runID: String, on db: PGConnection, after: String = "") -> SeismoError {
    let near = (try? nearest(runID, on: db)) ?? ""
    let look = near.isEmpty ? " (seismo runs list shows them)" : ""
    return SeismoError.invalidInput("no run '\(runID)' in seismo.runs\(near.isEmpty ? look : near)\(after)")
  }

  /// ` (did you mean 'X'?)` or ` (runs beginning so: X, Y)`; empty when no stored run is near.
  static func nearest(_ runID: String, on db: PGConnection) throws -> String {
    let beginning = try db.execute(
      """
      SELECT run_id FROM seismo.runs WHERE $1 <> '' AND starts_with(run_id, $1)
      ORDER BY finished_at DESC, id DESC LIMIT 4
      """, [runID]
    ).rows.compactMap { $0.first ?? nil }
    if beginning.count == 1 { return " (did you mean '\(beginning[0])'?)" }
    if !beginning.isEmpty {
      return " (runs beginning so: \(beginning.prefix(3).joined(separator: ", "))\(beginning.count > 3 ? ", …" : ""))"
    }
    let sameDay = try db.execute(
      "SELECT run_id FROM seismo.runs WHERE left(run_id, 8) = left($1, 8) ORDER BY id DESC LIMIT 5000", [runID]
    ).rows.compactMap { $0.first ?? nil }
    return EditDistance.suggestion(for: runID, among: sameDay)
  }
}
