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
    else { throw MissingRun.error(runID, on: db) }
    var summary = try JSONDecoder().decode(RunSummary.self, from: Data(text.utf8))
    // A version that re-cut an ensemble's members names each member's rule (`rethreshold`).
    if let rules = try db.execute(
      """
      SELECT v.parameters::text FROM seismo.current_thresholds v JOIN seismo.runs r ON r.id = v.run
      WHERE r.run_id = $1 AND jsonb_typeof(v.parameters) = 'array'
      """, [runID]
    ).rows.first?.first.flatMap({ $0 }) {
      let choices = try? JSONDecoder().decode([PluginChoice].self, from: Data(rules.utf8))
      guard let choices, choices.count == summary.members.count else {
        throw SeismoError.database("postgres: run \(runID)'s latest threshold version has not one rule per member: \(rules)")
      }
      (summary.threshold.plugin, summary.threshold.parameters) = (choices[0].plugin, choices[0].parameters)
      for k in 1..<choices.count { summary.ensemble?[k - 1].threshold = choices[k] }
    }
    var first: Int?
    var timestamps: [Timestamp] = []
    var scores: [Float?] = []
    var cutoffs: [Float] = []
    var flags: [Bool] = []
    var alerts: [Bool] = []
    var alertsKnown = true
    var version = 1.0
    // An ensemble's members' own scores and cut-offs under the version (none stored before schema
    // version 17).
    let members = summary.members.count
    var own = members > 1 ? MemberScores(members: members) : nil
    try db.forEachFloat8Row(
      """
      SELECT row_no::float8, date_part('epoch', ts), score::float8, cut::float8, flagged::int::float8,
             alerted::int::float8, threshold_version::float8\(own == nil ? "" : ", member_scores, member_cutoffs")
      FROM seismo.judged_scores WHERE run = (SELECT id FROM seismo.runs WHERE run_id = $1)
      ORDER BY judged_scores.row_no  -- the column (`row_no` is the float8)
      """, [runID]
    ) { row in
      first = first ?? Int(row[0] ?? 0)
      timestamps.append(Timestamp((row[1] ?? 0).rounded(.down)))
      scores.append(row[2].map(Float.init))
      cutoffs.append(row[3].map(Float.init) ?? .infinity)
      flags.append(row[4] == 1)
      alerts.append(row[5] == 1)
      alertsKnown = alertsKnown && row[5] != nil
      version = max(version, row[6] ?? 1)
      if own?.append(row: row.floats(7), cutoffs: row.floats(8)) == false { own = nil }
    }
    guard let first else { throw SeismoError.invalidInput("run '\(runID)' has no stored scores") }
    try self.init(
      name: "run \(runID)", summary: summary, scores: scores, cutoffs: cutoffs, flags: flags, alerts: alerts,
      trainRows: max(0, summary.split.trainRows - first), timestamps: timestamps, labels: labels,
      windowsKey: windowsKey)
    thresholdVersion = Int(version)
    if !alertsKnown {
      unknownAlerts =
        "run \(runID)'s threshold version \(Int(version)) was made before Seismo stored each version's events (schema version 10), so its alerts are unknown and its NAB score counts none; run seismo rethreshold again"
    }
    leadingRows = first
    memberScores = own
  }
}
