import Foundation
import Testing

/// `rethreshold` of an ensemble's members (schema version 18).
extension PostgresTests {
  /// `rethreshold --set threshold.*` or `--set ensemble[K].threshold.*` re-cuts an ensemble's
  /// members, each changed one calibrated on its own stored training scores: the version's
  /// margins, member cut-offs, flags and events (with the members flagging them) are those of a
  /// fresh run with the same settings, row for row, and `evaluate` judges each member alone by
  /// the version's cut-offs. Member 1's window is longer than member 2's, so member 2 flags a
  /// spike in member 1's warm-up (member 1 stored NaN there). A walk-forward ensemble is re-cut
  /// fold by fold.
  @Test func anEnsemblesMembersAreCutAnew() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [25, 100, 220, 260]))
    // Labels for `evaluate`: the days of the spikes at rows 100 and 220.
    try scratch.write("labels.txt", [100, 220].map { date(18_262 + $0) }.joined(separator: "\n") + "\n")
    let base = """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 40 }
      threshold: { plugin: percentile, percentile: 99 }
      ensemble:
        - detector: { plugin: rolling-zscore, window: 10, transform: diff }
          threshold: { plugin: fixed, value: 6 }
      events: { merge_gap: 5 }
      sink: { plugin: postgres, url: "\(url)" }
      """
    try scratch.write("ensemble.yaml", base)
    #expect(try CLI.run(["detect", "ensemble.yaml", "--out", "e", "--quiet"], in: scratch.url).status == 0)
    let runID = try storedRunID(scratch, "e")

    /// Run `id`'s rows as seismo.judged_scores judges them, and its events as current_events.
    func judged(_ id: String) throws -> (rows: [[String?]], events: [[String?]]) {
      let rows = try sql(
        """
        SELECT j.row_no::text, j.score::text, j.cut::text, j.flagged::text, j.member_scores::text, j.member_cutoffs::text
        FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = $1 ORDER BY j.row_no
        """, [id])
      let events = try sql(
        """
        SELECT to_char(start_ts, 'YYYY-MM-DD'), to_char(end_ts, 'YYYY-MM-DD'), to_char(alert_ts, 'YYYY-MM-DD'),
               flagged_rows::text, peak_score::text, part, flagged_by::text
        FROM seismo.current_events WHERE run_id = $1 ORDER BY start_ts
        """, [id])
      return (rows, events)
    }
    /// What `evaluate` says of run `id` against the labels, without the line naming a threshold
    /// version (and the indent under it).
    func evaluated(_ id: String) throws -> String {
      let result = try CLI.run(["evaluate", "--run", id, "--url", url, "--labels", "labels.txt"], in: scratch.url)
      #expect(result.status == 0, "\(result.stderr)")
      return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("run ") }
        .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
    }
    let before = try judged(runID)
    let cases: [(settings: [String], rule: String)] = [
      (["ensemble[1].threshold.plugin=percentile", "ensemble[1].threshold.percentile=97"], "percentile + percentile"),
      (["threshold.percentile=95"], "percentile + fixed"),
    ]
    for (k, (settings, rule)) in cases.enumerated() {
      let version = k + 2
      let cut = try CLI.run(["rethreshold", runID, "--url", url] + settings.flatMap { ["--set", $0] }, in: scratch.url)
      #expect(
        cut.status == 0 && cut.stdout.contains("threshold version \(version) (\(rule), per row): "),
        "\(cut.stdout)\(cut.stderr)")
      let fresh = try CLI.run(
        ["detect", "ensemble.yaml", "--out", "f\(k)", "--quiet"] + settings.flatMap { ["--set", $0] }, in: scratch.url)
      #expect(fresh.status == 0, "\(fresh.stderr)")
      let freshID = try storedRunID(scratch, "f\(k)")
      let (got, want) = (try judged(runID), try judged(freshID))
      #expect(got.rows == want.rows, "version \(version): its rows are a fresh run's")
      #expect(got.events == want.events, "version \(version): \(got.events) against \(want.events)")
      #expect(got.rows != before.rows && got.events != before.events, "version \(version) changed the run")
      let (judgedAlone, freshAlone) = (try evaluated(runID), try evaluated(freshID))
      #expect(judgedAlone == freshAlone && judgedAlone.contains("member 2, "), "\(judgedAlone)\n\(freshAlone)")
      let listed = try CLI.run(["runs", "list", "--url", url, "--limit", "500"], in: scratch.url).stdout
      #expect(
        listed.split(separator: "\n").contains { $0.hasPrefix(runID) && $0.contains("\t\(rule) (version \(version))\t") },
        "\(listed)")
    }
    // Member 2 alone flags the spike at row 25, in member 1's warm-up (NaN there), and an event
    // of the version says so.
    let (rows, events) = try judged(runID)
    #expect(rows.contains { $0[0] == "25" && $0[3] == "true" && $0[4]?.hasPrefix("{NaN,") == true })
    #expect(events.first?[0] == date(18_262 + 25) && events.first?[6] == "{2}", "\(events)")
    // The version's parameters are each member's rule.
    let shown = try CLI.run(["runs", "show", runID, "--url", url], in: scratch.url)
    let versions = try #require(
      (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["threshold_versions"]
        as? [[String: Any]], "\(shown.stdout.suffix(600))")
    let members = try #require(versions.last?["parameters"] as? [[String: Any]], "\(versions)")
    #expect(
      members.map { $0["plugin"] as? String } == ["percentile", "fixed"]
        && (members[0]["parameters"] as? [String: Any])?["percentile"] as? Double == 95)

    // Only thresholds change without retraining; a member the run lacks is named.
    let detector = try CLI.run(
      ["rethreshold", runID, "--url", url, "--set", "ensemble[1].detector.window=5"], in: scratch.url)
    #expect(detector.status == 64 && detector.stderr.contains("only threshold.* settings change without retraining"))
    let absent = try CLI.run(["rethreshold", runID, "--url", url, "--set", "ensemble[2].threshold.value=1"], in: scratch.url)
    #expect(absent.status != 0 && absent.stderr.contains("ensemble[2]"), "\(absent.stderr)")
    // A run scored by a saved model has no training scores to calibrate the members on.
    try scratch.write(
      "saved.yaml", base.replacingOccurrences(of: "url: \"\(url)\" }", with: "url: \"\(url)\", save_model: true }"))
    #expect(try CLI.run(["detect", "saved.yaml", "--out", "m", "--quiet"], in: scratch.url).status == 0)
    let rescored = try CLI.run(
      ["score", "--run", try storedRunID(scratch, "m"), "--url", url, "--store", "--out", "s", "--quiet"], in: scratch.url)
    try #require(rescored.status == 0, "\(rescored.stderr)")
    let uncalibrated = try CLI.run(
      ["rethreshold", try storedRunID(scratch, "s"), "--url", url, "--set", "threshold.percentile=95"], in: scratch.url)
    #expect(
      uncalibrated.status == 1 && uncalibrated.stderr.contains("was scored by a saved model"), "\(uncalibrated.stderr)")
    // A run stored before schema version 17 has no member scores to re-cut (--margin still cuts it).
    try sql(
      "UPDATE seismo.scores SET member_scores = NULL, member_cutoffs = NULL WHERE run = (SELECT id FROM seismo.runs WHERE run_id = $1)",
      [try storedRunID(scratch, "f0")])
    let old = try CLI.run(
      ["rethreshold", try storedRunID(scratch, "f0"), "--url", url, "--set", "threshold.percentile=95"], in: scratch.url)
    #expect(old.status == 1 && old.stderr.contains("(schema version 17)"), "\(old.stderr)")
    #expect(
      try CLI.run(["rethreshold", try storedRunID(scratch, "f0"), "--url", url, "--margin", "0.5"], in: scratch.url).status == 0)
    // A walk-forward ensemble's members are re-cut fold by fold, each fold's rule calibrated on
    // that member's fold's own training scores (kept per member), as detect cut them.
    try scratch.write(
      "walk.yaml", base.replacingOccurrences(of: "train_fraction: 0.6", with: "train_fraction: 0.4, refit_every: 60"))
    #expect(try CLI.run(["detect", "walk.yaml", "--out", "w", "--quiet"], in: scratch.url).status == 0)
    let walkID = try storedRunID(scratch, "w")
    #expect(
      try sql(
        "SELECT member, count(*) FROM seismo.fold_scores WHERE run = (SELECT id FROM seismo.runs WHERE run_id = $1) GROUP BY member ORDER BY member",
        [walkID]) == [["1", "3"], ["2", "3"]])
    let walkBefore = try judged(walkID)
    let rules = ["ensemble[1].threshold.plugin=dynamic", "ensemble[1].threshold.min_history=10", "threshold.percentile=95"]
    let walked = try CLI.run(["rethreshold", walkID, "--url", url] + rules.flatMap { ["--set", $0] }, in: scratch.url)
    #expect(walked.status == 0 && walked.stdout.contains("(percentile + dynamic, per row)"), "\(walked.stdout)\(walked.stderr)")
    let freshWalk = try CLI.run(
      ["detect", "walk.yaml", "--out", "fw", "--quiet"] + rules.flatMap { ["--set", $0] }, in: scratch.url)
    #expect(freshWalk.status == 0, "\(freshWalk.stderr)")
    let (gotWalk, wantWalk) = (try judged(walkID), try judged(try storedRunID(scratch, "fw")))
    #expect(gotWalk.rows == wantWalk.rows && gotWalk.events == wantWalk.events, "walking forward: \(gotWalk.events)")
    #expect(gotWalk.rows != walkBefore.rows, "the version changed the run's margins")
  }

  /// A walk-forward ensemble that `detect` fitted once (no refit was due within its rows) keeps
  /// its members' first folds' own training scores, its saved model's, when `score --new-rows`
  /// first refits it: its members are then re-cut fold by fold as a fresh run over the grown
  /// table cuts them. (Before, they were lost, and the re-cut was refused.)
  @Test func aWalkForwardEnsembleFittedOnceIsCutAnewAfterItsRefits() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 300, spikes: [25, 100, 220, 260], ["old.csv": 0..<110, "new.csv": 110..<300])
    try ingest(scratch, "old.csv")
    // Trained on the first 60 rows, refitted every 60: detect over 110 rows fits once.
    let config = """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { train_until: \(date(18_262 + 59)), refit_every: 60 }
      detector: { plugin: rolling-zscore, window: 40 }
      threshold: { plugin: percentile, percentile: 99 }
      ensemble:
        - detector: { plugin: rolling-zscore, window: 10, transform: diff }
          threshold: { plugin: fixed, value: 6 }
      """
    let runID = try storedModelRun(scratch, config)
    try ingest(scratch, "new.csv", [])
    let appended = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--quiet"], in: scratch.url)
    try #require(appended.status == 0, "\(appended.stderr)")
    #expect(
      try sql(
        "SELECT member, count(*) FROM seismo.fold_scores WHERE run = (SELECT id FROM seismo.runs WHERE run_id = $1) GROUP BY member ORDER BY member",
        [runID]) == [["1", "4"], ["2", "4"]], "the first fold and the three refitted, each member's")
    let rules = ["ensemble[1].threshold.plugin=dynamic", "ensemble[1].threshold.min_history=10", "threshold.percentile=95"]
    let cut = try CLI.run(["rethreshold", runID, "--url", url] + rules.flatMap { ["--set", $0] }, in: scratch.url)
    #expect(cut.status == 0 && cut.stdout.contains("(percentile + dynamic, per row)"), "\(cut.stdout)\(cut.stderr)")
    let fresh = try CLI.run(["detect", "run.yaml", "--out", "f", "--quiet"] + rules.flatMap { ["--set", $0] }, in: scratch.url)
    try #require(fresh.status == 0, "\(fresh.stderr)")
    func judged(_ id: String) throws -> [[String?]] {
      try sql(
        """
        SELECT j.row_no::text, j.score::text, j.cut::text, j.flagged::text, j.member_cutoffs::text
        FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = $1 ORDER BY j.row_no
        """, [id])
    }
    let (got, want) = (try judged(runID), try judged(try storedRunID(scratch, "f")))
    #expect(got.count > 250 && got == want, "\(zip(got, want).filter { $0 != $1 }.prefix(3))")
  }
}
