import Foundation
import Testing

/// `rethreshold` and `evaluate --run`: stored runs cut again and judged.
extension PostgresTests {
  /// Threshold version `version` of run `runID` as stored: its cut-off (one for every row) and
  /// count of per-row ones, each row's cut-off, margin and members' cut-offs, and its events.
  func storedVersion(_ runID: String, _ version: Int) throws -> (cuts: [[String?]], events: [[String?]]) {
    let run = "(SELECT id FROM seismo.runs WHERE run_id = $1)"
    let head = try sql(
      "SELECT cutoff::text, first_row::text, cutoff_count::text FROM seismo.threshold_versions WHERE run = \(run) AND version = $2::integer",
      [runID, String(version)])
    let rows = try sql(
      """
      SELECT row_no::text, cut::text, margin::text, member_cutoffs::text FROM seismo.threshold_cutoffs
      WHERE run = \(run) AND version = $2::integer ORDER BY threshold_cutoffs.row_no
      """, [runID, String(version)])
    let events = try sql(
      """
      SELECT start_ts::text, end_ts::text, alert_ts::text, flagged_rows::text, peak_score::text, top_feature, part,
             flagged_by::text
      FROM seismo.events WHERE run = \(run) AND version = $2::integer ORDER BY start_ts
      """, [runID, String(version)])
    return (head + rows, events)
  }

  /// Rows appended after a per-row threshold version (an adaptive rule) are cut by its rule too,
  /// as `rethreshold` with its settings cuts the grown run, and its events grow with their flags.
  /// A version whose rule cannot cut them (its plugin gone) leaves them to the run's own
  /// threshold in seismo.anomalies, and `score --new-rows` says why, once, with the run's
  /// warnings. A version that covers fewer rows than were stored (rows appended while
  /// `rethreshold` cut the run) is extended over those too, its events from there.
  @Test func rowsAppendedAfterAPerRowVersionAreCutByItsRule() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(
      rows: 240, spikes: [150, 210],
      [
        "old.csv": 0..<200, "new.csv": 200..<220, "later.csv": 220..<225, "gap.csv": 225..<230,
        "last.csv": 230..<240,
      ])
    let runID = try storedZScoreRun(scratch, history: "old.csv")
    let rule = ["threshold.plugin=likelihood", "threshold.long_window=50", "threshold.min_history=30"]
    let recut = try CLI.run(["rethreshold", runID, "--url", url] + rule.flatMap { ["--set", $0] }, in: scratch.url)
    #expect(recut.status == 0 && recut.stdout.contains("per row"), "\(recut.stdout)\(recut.stderr)")
    // As if rows 145 on were appended after `rethreshold` read the run's scores: the version has
    // no cut-off of them, nor events from them (the flags there it grouped were the run's own).
    let run = "(SELECT id FROM seismo.runs WHERE run_id = $1)"
    try sql("DELETE FROM seismo.threshold_cutoffs WHERE run = \(run) AND version = 2 AND row_no >= 145", [runID])
    try sql("UPDATE seismo.threshold_versions SET cutoff_count = 145 - first_row WHERE run = \(run) AND version = 2", [runID])
    let dropped = try sql(
      "DELETE FROM seismo.events WHERE run = \(run) AND version = 2 AND start_ts >= $2::date RETURNING 1",
      [runID, date(18_262 + 145)])
    #expect(!dropped.isEmpty, "the spike at row 150 makes an event")
    try ingest(scratch, "new.csv", [])
    let scored = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    #expect(scored.status == 0 && scored.stderr == "", "\(scored.stderr)")
    func anomalies(after row: Int) throws -> [[String?]] {
      try sql(
        "SELECT to_char(day, 'YYYY-MM-DD'), threshold_version::text FROM seismo.anomalies WHERE run_id = $1 AND day > $2::date ORDER BY day",
        [runID, date(18_262 + row)])
    }
    let judged = try anomalies(after: 199)
    #expect(
      judged.count > 1 && judged.first?.first == date(18_262 + 210) && judged.allSatisfy { $0[1] == "2" },
      "judged by the version: \(judged)")
    // It says what seismo.anomalies lists: the version's flags (the run's own: 1).
    let said = try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any]
    #expect(
      said?["anomalies"] as? Int == judged.count && said?["threshold_version"] as? Int == 2
        && said?["alerts"] as? Int == 1, "\(scored.stdout)")
    // A call with nothing new names the version all the same.
    let nothing = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows", "--json"], in: scratch.url)
    let saidNothing = try JSONSerialization.jsonObject(with: Data(nothing.stdout.utf8)) as? [String: Any]
    #expect(
      saidNothing?["new_rows"] as? Int == 0 && saidNothing?["threshold_version"] as? Int == 2, "\(nothing.stdout)")
    let again = try CLI.run(["rethreshold", runID, "--url", url] + rule.flatMap { ["--set", $0] }, in: scratch.url)
    #expect(again.status == 0, "\(again.stderr)")
    let (grown, fresh) = (try storedVersion(runID, 2), try storedVersion(runID, 3))
    #expect(
      grown.cuts.count > 200 && grown.cuts == fresh.cuts,
      "\(grown.cuts.count): \(grown.cuts.prefix(2)) \(zip(grown.cuts, fresh.cuts).filter { $0 != $1 }.prefix(3))")
    #expect(!grown.events.isEmpty && grown.events == fresh.events, "\(grown.events) against \(fresh.events)")

    // A rule that cannot cut the rows appended leaves them to the run's own threshold.
    try sql(
      "UPDATE seismo.threshold_versions SET plugin = 'gone' WHERE run = \(run) AND version = 3",
      [runID])
    try ingest(scratch, "later.csv", [])
    let later = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(later.status == 0, "\(later.stderr)")
    let warning =
      "warning: threshold version 3 of run \(runID) cannot cut the rows appended (threshold plugin 'gone' is not registered), so the run's own threshold judges them"
    #expect(later.stderr.hasPrefix(warning), "\(later.stderr)")
    #expect(
      try sql("SELECT count(*)::text FROM seismo.run_warnings WHERE message LIKE $1", [warning + "%"]) == [["1"]],
      "stored with the rows")
    let uncut = try sql(
      """
      SELECT DISTINCT threshold_version::text FROM seismo.judged_scores
      WHERE run = \(run) AND row_no >= 220
      """, [runID])
    #expect(uncut == [["1"]], "\(uncut)")
    // runs show says how many rows each per-row version cuts: version 3 not those appended.
    let shown = try CLI.run(["runs", "show", runID, "--url", url], in: scratch.url)
    let versions = try #require(
      (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["threshold_versions"]
        as? [[String: Any]], "\(shown.stdout.suffix(600))")
    let scoredRows = try sql(
      "SELECT count(*)::int, count(*) FILTER (WHERE row_no < 220)::int FROM seismo.scores WHERE run = \(run)", [runID])
    // (Versions 2 and 3 cut the rows up to 220, from the first scored, 20; 225 are stored.)
    let covered = scoredRows[0][1].flatMap(Int.init)
    #expect(
      covered == 200 && versions.map { $0["rows_cut"] as? Int } == [covered, covered]
        && scoredRows[0][0].flatMap(Int.init) == 205, "\(versions), \(scoredRows)")
    // Nor can a version that lacks a cut-off of a row it covers.
    let third = try CLI.run(["rethreshold", runID, "--url", url] + rule.flatMap { ["--set", $0] }, in: scratch.url)
    #expect(third.status == 0, "\(third.stderr)")
    try sql(
      "DELETE FROM seismo.threshold_cutoffs WHERE run = \(run) AND version = 4 AND row_no = 100",
      [runID])
    try ingest(scratch, "gap.csv", [])
    let gap = try CLI.run(["score", "--run", runID, "--url", url, "--new-rows"], in: scratch.url)
    #expect(
      gap.status == 0
        && gap.stderr.hasPrefix(
          "warning: threshold version 4 of run \(runID) cannot cut the rows appended (it lacks the cut-off of row 101 of those it covers)"
        ), "\(gap.stderr)")
    // A version with one cut-off judges every row, appended ones too: nothing to cut or warn of.
    // Its cut-off, 0, flags every row, where the run's own flags none of these: that is what
    // --fail-on-anomalies counts.
    let fixed = try CLI.run(["rethreshold", runID, "--url", url, "--set", "threshold.value=0"], in: scratch.url)
    #expect(fixed.status == 0 && !fixed.stdout.contains("per row"), "\(fixed.stdout)\(fixed.stderr)")
    try ingest(scratch, "last.csv", [])
    let last = try CLI.run(
      ["score", "--run", runID, "--url", url, "--new-rows", "--fail-on-anomalies", "--in-last", "4"], in: scratch.url)
    #expect(
      last.status == 3 && last.stdout.contains("scored 10 new rows") && last.stdout.contains("10 anomalies (threshold version 5)")
        && last.stderr == "4 anomalies in the last 4 rows: exit status 3\n", "\(last.stdout)\(last.stderr)")
  }

  /// `evaluate --run` judges a stored run as its folder is judged, then by its latest threshold
  /// version: a version equals a fresh run with that threshold, events and NAB included.
  @Test func evaluateJudgesStoredRunsByTheirLatestThresholdVersion() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [100, 250, 320]))
    let base = """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      events: { merge_gap: 3 }
      """
    let runID = try storedFixedCutRun(scratch, base, out: "r")
    try scratch.write("labels.txt", [100, 250, 251, 300, 330].map { date(18_262 + $0) }.joined(separator: "\n") + "\n")
    func evaluate(_ target: [String]) throws -> CLI.Result {
      let result = try CLI.run(["evaluate"] + target + ["--labels", "labels.txt", "--nab"], in: scratch.url)
      #expect(result.status == 0, "\(result.stderr)")
      return result
    }
    let stored = try evaluate(["--run", runID, "--url", url])
    #expect(stored.stdout == (try evaluate(["r"])).stdout, "\(stored.stdout)")
    #expect(stored.stdout.contains("(TP 1, FP 1, FN 3)"), "\(stored.stdout)")

    // Another version is judged, named in a heading. The stored config is read as it ran: a
    // setting a newer config check refuses (warm_start without refit_every) does not stop it.
    try sql(
      "UPDATE seismo.runs SET config = jsonb_set(config, '{split,warm_start}', 'true') WHERE run_id = $1", [runID])
    let version2 = try CLI.run(["rethreshold", runID, "--url", url, "--set", "threshold.value=100"], in: scratch.url)
    #expect(version2.status == 0, "\(version2.stderr)")
    let strict = try evaluate(["--run", runID, "--url", url]).stdout
    #expect(strict.hasPrefix("run \(runID) (labels.txt, threshold version 2):\n"), "\(strict)")
    #expect(strict.contains("point-wise      precision 0.000  recall 0.000  F1 0.000  (TP 0, FP 0, FN 4)"), "\(strict)")
    let recut = try CLI.run(
      ["rethreshold", runID, "--url", url, "--set", "threshold.plugin=percentile", "--set", "threshold.percentile=99"],
      in: scratch.url)
    #expect(recut.status == 0, "\(recut.stderr)")
    try scratch.write("fresh.yaml", base + "\nthreshold: { plugin: percentile, percentile: 99 }\n")
    #expect(try CLI.run(["detect", "fresh.yaml", "--out", "f", "--quiet"], in: scratch.url).status == 0)
    let fresh = try evaluate(["f"]).stdout
    let judged = try evaluate(["--run", runID, "--url", url])
    let percentile = judged.stdout
    #expect(
      percentile.split(separator: "\n").dropFirst().map { $0.dropFirst(2) } == fresh.split(separator: "\n").map { $0[...] },
      "\(percentile)\n\(fresh)")
    #expect(!fresh.contains("(TP 1, FP 1, FN 3)"), "the percentile judges otherwise than the fixed cut-off")
    #expect(!judged.stderr.contains("warning"), "\(judged.stderr)")

    // A version made before schema version 10 stored no events: its alerts are unknown (NULL),
    // which evaluate and runs list say instead of counting none.
    try sql(
      "UPDATE seismo.threshold_versions v SET has_events = false FROM seismo.runs r WHERE r.id = v.run AND r.run_id = $1",
      [runID])
    #expect(
      try sql(
        "SELECT DISTINCT alerted::text FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = $1",
        [runID]) == [[nil]])
    let unknown = try evaluate(["--run", runID, "--url", url])
    #expect(unknown.stderr.contains("was made before Seismo stored each version's events"), "\(unknown.stderr)")
    let listed = try CLI.run(["runs", "list", "--url", url, "--limit", "500"], in: scratch.url)
    #expect(listed.stdout.split(separator: "\n").first { $0.hasPrefix(runID) }?.split(separator: "\t")[6] == "?")
    let json = try CLI.run(["runs", "list", "--url", url, "--limit", "500", "--json"], in: scratch.url).stdout
    let entry = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])?.first {
      $0["run_id"] as? String == runID
    }
    #expect(entry?["events"] is NSNull, "unknown, not none: \(String(describing: entry))")

    let missing = try CLI.run(["evaluate", "--run", "nope", "--url", url, "--labels", "labels.txt"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr.contains("no run 'nope'"), "\(missing.stderr)")
    let neither = try CLI.run(["evaluate", "--labels", "labels.txt"], in: scratch.url)
    #expect(neither.status == 64 && neither.stderr.contains("give run folders, or stored runs with --run"), "\(neither.stderr)")
    // A percentile of more scores than the run has is their largest: rethreshold says so.
    let few = try CLI.run(
      ["rethreshold", runID, "--url", url, "--set", "threshold.plugin=percentile", "--set", "threshold.percentile=99.99"],
      in: scratch.url)
    #expect(
      few.status == 0
        && few.stderr.hasPrefix("warning: threshold percentile: percentile 99.99 is taken of ")
        && few.stderr.contains("fewer than the 10000 that put one above it"), "\(few.stderr)")
  }

  /// `rethreshold` adds threshold versions computed from the stored scores; the anomalies view
  /// follows the latest, and each equals what a fresh run with that threshold flags.
  @Test func rethresholdVersionsMatchFreshRuns() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [100, 220, 260]))
    let base = """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      events: { merge_gap: 50 }
      """
    let runID = try storedFixedCutRun(scratch, base, out: "a")
    func viewed() throws -> [String] {
      try sql("SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM seismo.anomalies WHERE run_id = $1 ORDER BY ts", [runID])
        .map { $0[0]! }
    }
    func rethreshold(_ settings: [String]) throws -> CLI.Result {
      try CLI.run(["rethreshold", runID, "--url", url] + settings.flatMap { ["--set", $0] }, in: scratch.url)
    }
    #expect(try viewed().count == 3)
    #expect(try sql("SELECT count(*) FROM seismo.flagged_at($1, 6)", [runID])[0][0] == "3")

    let strict = try rethreshold(["threshold.value=100"])
    #expect(
      strict.status == 0
        && strict.stdout.contains(
          "threshold version 2 (fixed, cut-off 100.0): 0 anomalies in 0 events (version 1 had 3)"),
      "\(strict.stdout)\(strict.stderr)")
    #expect(try viewed().isEmpty)
    // Version 1 keeps its events: the spike on row 100, and those on 220 and 260 merged.
    #expect(
      try sql(
        "SELECT version, flagged_rows FROM seismo.events e JOIN seismo.runs r ON r.id = e.run WHERE r.run_id = $1 ORDER BY start_ts",
        [runID]) == [["1", "1"], ["1", "2"]])

    let percentile = try rethreshold(["threshold.plugin=percentile", "threshold.percentile=99"])
    #expect(percentile.status == 0 && percentile.stdout.contains("threshold version 3 (percentile"), "\(percentile.stderr)")
    try scratch.write("fresh.yaml", base + "\nthreshold: { plugin: percentile, percentile: 99 }\n")
    #expect(try CLI.run(["detect", "fresh.yaml", "--out", "f", "--quiet"], in: scratch.url).status == 0)
    let fresh =
      (try JSONSerialization.jsonObject(with: Data(try scratch.read("f/summary.json").utf8)) as! [String: Any])[
        "anomalies"] as! [[String: Any]]
    #expect(try viewed() == fresh.map { $0["timestamp"] as! String }, "the new version flags what a fresh run flags")
    #expect(!fresh.isEmpty)
    // Its events, under the run's events rule, and so its alerts, are a fresh run's too.
    let freshEvents =
      (try JSONSerialization.jsonObject(with: Data(try scratch.read("f/summary.json").utf8)) as! [String: Any])[
        "events"] as! [[String: Any]]
    #expect(
      try sql(
        """
        SELECT to_char(start_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char(end_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
               to_char(alert_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD'), flagged_rows::text, peak_score::text, top_feature, part
        FROM seismo.current_events WHERE run_id = $1 ORDER BY start_ts
        """, [runID])
        == freshEvents.map { event in
          ["start", "end", "alert", "flagged_rows", "peak_score", "top_feature", "part"].map { event[$0].map { "\($0)" } }
        })
    #expect(freshEvents.count >= 2 && freshEvents.contains { $0["flagged_rows"] as? Int ?? 0 > 1 }, "\(freshEvents)")
    #expect(
      try sql(
        "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM seismo.anomalies WHERE run_id = $1 AND alert ORDER BY ts",
        [runID]
      ).map { $0[0]! } == freshEvents.map { $0["alert"] as! String })
    #expect(
      try sql("SELECT DISTINCT threshold_version FROM seismo.anomalies WHERE run_id = $1", [runID]) == [["3"]])

    // runs show lists the versions after the summary's own threshold (version 1).
    let shown = try CLI.run(["runs", "show", runID, "--url", url], in: scratch.url)
    let versions = try #require(
      (try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])?["threshold_versions"]
        as? [[String: Any]], "\(shown.stdout.suffix(600))")
    #expect(
      versions.map { $0["version"] as? Int } == [2, 3] && versions.map { $0["plugin"] as? String } == ["fixed", "percentile"])
    #expect(
      (versions[0]["cutoff"] as? Double) == 100 && (versions[1]["parameters"] as? [String: Any])?["percentile"] as? Double == 99)
    #expect(versions.map { $0["events"] as? Int } == [0, freshEvents.count])

    let adaptive = try rethreshold(["threshold.plugin=likelihood", "threshold.long_window=100", "threshold.min_history=50"])
    #expect(adaptive.status == 0 && adaptive.stdout.contains("per row"), "\(adaptive.stderr)")
    let perRow = try CLI.run(["runs", "show", runID, "--url", url], in: scratch.url).stdout
    #expect(perRow.contains("\"cutoff\": \"per row\""), "\(perRow.suffix(400))")
    #expect(
      try sql(
        """
        SELECT c.cutoff IS NULL, c.cutoff_count, (SELECT count(*) FROM seismo.threshold_cutoffs p WHERE p.run = c.run AND p.version = c.version)
        FROM seismo.current_thresholds c JOIN seismo.runs r ON r.id = c.run WHERE r.run_id = $1
        """,
        [runID]) == [["t", "280", "280"]])

    let retrain = try rethreshold(["detector.window=5"])
    #expect(retrain.status == 64 && retrain.stderr.contains("only threshold.* settings change without retraining"))
    let missing = try CLI.run(["rethreshold", "nope", "--url", url, "--set", "threshold.value=1"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr.contains("no run 'nope'"))

    try scratch.write(
      "ensemble.yaml",
      base
        + "\nthreshold: { plugin: fixed, value: 6 }\nensemble:\n  - detector: { plugin: rolling-zscore, window: 40 }\n"
        + "    threshold: { plugin: fixed, value: 6 }\nsink: { plugin: postgres, url: \"\(url)\" }\n")
    #expect(try CLI.run(["detect", "ensemble.yaml", "--out", "e", "--quiet"], in: scratch.url).status == 0)
    let ensembleID = try storedRunID(scratch, "e")
    // runs list names every member, in order (before, only the first).
    let listed = try CLI.run(["runs", "list", "--url", url, "--limit", "500"], in: scratch.url).stdout
    let line = try #require(listed.split(separator: "\n").first { $0.hasPrefix(ensembleID) })
    #expect(line.contains("\trolling-zscore + rolling-zscore\tfixed + fixed\t"), "\(line)")
  }

  /// `rethreshold --margin M` gives an ensemble's margins another cut-off: a version that flags
  /// the rows whose stored margin is above M (at 0, the run's own flags), with its events under
  /// the run's events rule; one detector's run has no margins and is refused.
  @Test func anEnsemblesMarginsAreCutAnew() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [100, 220, 260]))
    try scratch.write(
      "ensemble.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 4 }
      ensemble:
        - detector: { plugin: rolling-zscore, window: 40, transform: diff }
          threshold: { plugin: percentile, percentile: 99 }
      events: { merge_gap: 5 }
      sink: { plugin: postgres, url: "\(url)" }
      """)
    #expect(try CLI.run(["detect", "ensemble.yaml", "--out", "e", "--quiet"], in: scratch.url).status == 0)
    let runID = try storedRunID(scratch, "e")
    let stored = try sql(
      """
      SELECT to_char(s.ts, 'YYYY-MM-DD'), s.score::text, s.is_anomaly::text FROM seismo.scores s
      JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1 ORDER BY s.row_no
      """, [runID])
    /// The version's flagged days and its events' first and last days, as seismo.judged_scores
    /// and seismo.current_events give them.
    func judged() throws -> (flagged: [String], events: [[String]]) {
      let flagged = try sql(
        """
        SELECT to_char(j.ts, 'YYYY-MM-DD') FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run
        WHERE r.run_id = $1 AND j.flagged ORDER BY j.row_no
        """, [runID]
      ).map { $0[0]! }
      let events = try sql(
        "SELECT to_char(start_ts, 'YYYY-MM-DD'), to_char(end_ts, 'YYYY-MM-DD') FROM seismo.current_events WHERE run_id = $1 ORDER BY start_ts",
        [runID]
      ).map { $0.map { $0! } }
      return (flagged, events)
    }
    /// The days whose stored margin is above `m`, and their events: flags at most 5 rows apart.
    func expected(above m: Float) -> (flagged: [String], events: [[String]]) {
      let rows = stored.indices.filter { Float(stored[$0][1] ?? "") ?? -1 > m }
      var events: [[Int]] = []
      for row in rows {
        if let last = events.last?.last, row - last - 1 <= 5 {
          events[events.count - 1].append(row)
        } else {
          events.append([row])
        }
      }
      return (rows.map { stored[$0][0]! }, events.map { [stored[$0.first!][0]!, stored[$0.last!][0]!] })
    }
    let own = stored.filter { $0[2] == "true" }.map { $0[0]! }
    for (version, m) in [(2, "0.5"), (3, "0")] {
      let cut = try CLI.run(["rethreshold", runID, "--url", url, "--margin", m], in: scratch.url)
      let hand = expected(above: Float(m)!)
      #expect(
        cut.status == 0
          && cut.stdout.contains("threshold version \(version) (margin, cut-off \(Float(m)!)): \(hand.flagged.count) anomal"),
        "\(cut.stdout)\(cut.stderr)")
      let got = try judged()
      #expect(got.flagged == hand.flagged && got.events == hand.events, "margin \(m): \(got) against \(hand)")
      let listed = try CLI.run(["runs", "list", "--url", url, "--limit", "500"], in: scratch.url).stdout
      #expect(
        listed.split(separator: "\n").contains { $0.hasPrefix(runID) && $0.contains("\tmargin (version \(version))\t") },
        "\(listed)")
    }
    let half = expected(above: 0.5).flagged
    #expect(!half.isEmpty && half.count < own.count, "0.5 is stricter than the run: \(half) of \(own)")
    #expect(try judged().flagged == own, "at 0 the run's own flags")
    // Refused: --margin with --set, at −1 or below, and for one detector's run.
    #expect(
      try CLI.run(["rethreshold", runID, "--url", url, "--margin", "0.5", "--set", "threshold.value=1"], in: scratch.url).status
        == 64)
    let low = try CLI.run(["rethreshold", runID, "--url", url, "--margin=-1"], in: scratch.url)
    #expect(low.status == 64 && low.stderr.contains("above -1"), "\(low.stderr)")
    try scratch.write(
      "one.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\nsink: { plugin: postgres, url: \"\(url)\" }\n"
    )
    #expect(try CLI.run(["detect", "one.yaml", "--out", "o", "--quiet"], in: scratch.url).status == 0)
    let one = try CLI.run(["rethreshold", try storedRunID(scratch, "o"), "--url", url, "--margin", "0.5"], in: scratch.url)
    #expect(one.status == 1 && one.stderr.contains("has one detector, whose scores have no margins"), "\(one.stderr)")
  }

  /// `rethreshold` re-cuts a walk-forward run fold by fold: each fold's rule is calibrated on that
  /// fold's model's own scores of its training rows (seismo.fold_scores), which are not the
  /// run's scores of those rows (the previous fold's model gave those). Each version's cut-offs
  /// are a fresh walk-forward run's with that threshold, row for row.
  @Test func rethresholdRecutsAWalkForwardRunFoldByFold() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [150, 200, 260]))
    let base = """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.4, refit_every: 60 }
      detector: { plugin: lstm-autoencoder, window: 5, units: 4, epochs: 2, threads: 1 }
      """
    try scratch.write(
      "run.yaml", base + "\nthreshold: { plugin: fixed, value: 100 }\nsink: { plugin: postgres, url: \"\(url)\" }\n")
    let detected = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    try #require(detected.status == 0, "\(detected.stderr)")
    let runID = try storedRunID(scratch, "a")
    let kept = try sql(
      """
      SELECT f.fold::text, f.first_row::text, f.calibration::text, array_length(f.scores, 1)::text
      FROM seismo.fold_scores f JOIN seismo.runs r ON r.id = f.run WHERE r.run_id = $1 ORDER BY f.fold
      """, [runID])
    // 120 training rows, then refits at rows 180 and 240; windows of 5 score from row 4 of each.
    #expect(kept == [["1", "4", "116", "116"], ["2", "4", "176", "176"], ["3", "4", "236", "236"]])
    #expect(
      try sql(
        """
        SELECT count(*) FILTER (WHERE f.scores[s.row_no - f.first_row + 1] <> s.score)::text
        FROM seismo.fold_scores f JOIN seismo.runs r ON r.id = f.run JOIN seismo.scores s ON s.run = f.run
        WHERE r.run_id = $1 AND f.fold = 3 AND s.row_no BETWEEN 180 AND 239
        """, [runID]) == [["60"]], "fold 3's own scores of rows 180–239 are not fold 2's")

    func versionCutoffs() throws -> [Float?] {
      try sql(
        """
        SELECT coalesce(v.cutoff, p.cut)::text
        FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run JOIN seismo.current_thresholds v ON v.run = s.run
        LEFT JOIN seismo.threshold_cutoffs p ON p.run = s.run AND p.version = v.version AND p.row_no = s.row_no
        WHERE r.run_id = $1 ORDER BY s.row_no
        """, [runID]
      ).map { $0[0].flatMap { Float($0) } }
    }
    let thresholds = [
      ["plugin": "percentile", "percentile": "95"],
      ["plugin": "likelihood", "long_window": "40", "short_window": "3", "min_history": "20"],
    ]
    for (k, settings) in thresholds.enumerated() {
      let pairs = settings.sorted { $0.key < $1.key }
      let threshold = "{ " + pairs.map { "\($0): \($1)" }.joined(separator: ", ") + " }"
      let recut = try CLI.run(
        ["rethreshold", runID, "--url", url] + pairs.flatMap { ["--set", "threshold.\($0)=\($1)"] }, in: scratch.url)
      #expect(recut.status == 0 && recut.stdout.contains("threshold version \(k + 2) ("), "\(recut.stdout)\(recut.stderr)")
      try scratch.write("fresh\(k).yaml", base + "\nthreshold: \(threshold)\n")
      #expect(try CLI.run(["detect", "fresh\(k).yaml", "--out", "f\(k)", "--quiet"], in: scratch.url).status == 0)
      // scores.csv lists the 4 rows before the first window too, without a score.
      let fresh = SavedModelTests().column(try scratch.read("f\(k)/scores.csv"), "threshold").dropFirst(4).map { Float($0) }
      #expect(try versionCutoffs() == fresh, "\(threshold)")
      #expect(Set(fresh.compactMap { $0 }).count >= 3, "each fold has its own cut-offs")
    }

    // A walk-forward run stored before schema version 9 has no fold scores: said, not guessed.
    try sql("DELETE FROM seismo.fold_scores f USING seismo.runs r WHERE r.id = f.run AND r.run_id = $1", [runID])
    let old = try CLI.run(["rethreshold", runID, "--url", url, "--set", "threshold.value=1"], in: scratch.url)
    #expect(
      old.status == 1
        && old.stderr.contains("walked forward over 3 folds but does not keep each fold's own training scores")
        && old.stderr.contains("(kept since schema version 9;"),
      "\(old.stderr)")
  }
}
