import Foundation
import Testing

@Suite struct DetectCommandTests {
  /// Run folder `run`'s report shows `warning`, and so does the report `seismo report` rebuilds.
  func expectReportShows(_ warning: String, of run: String, in scratch: Scratch) throws {
    let shown = "<p class=\"warning\">\(warning)</p>"
    #expect(try scratch.read("\(run)/report.html").contains(shown), "the report shows it")
    try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("\(run)/report.html"))
    #expect(try CLI.run(["report", run], in: scratch.url).status == 0)
    #expect(try scratch.read("\(run)/report.html").contains(shown), "a rebuilt report too")
  }

  let config = """
    source: { plugin: csv, path: data.csv }
    split: { train_fraction: 0.6 }
    detector: { plugin: rolling-zscore, window: 20 }
    threshold: { plugin: fixed, value: 6 }
    importance: { plugin: permutation, repeats: 2 }
    """

  @Test func anEnsembleFlagsWhatEitherMemberFlags() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [250, 320]))
    let head = "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.6 }\n"
    let zscore = "{ plugin: rolling-zscore, window: 20 }"
    let forecaster = "{ plugin: lstm-forecaster, window: 5, units: [4], epochs: 2, seed: 1 }"
    let member = "ensemble:\n  - detector: \(forecaster)\n    threshold: { plugin: percentile, percentile: 99 }\n"
    try scratch.write("one.yaml", head + "detector: \(zscore)\nthreshold: { plugin: fixed, value: 6 }\n")
    try scratch.write("two.yaml", head + "detector: \(forecaster)\nthreshold: { plugin: percentile, percentile: 99 }\n")
    try scratch.write("both.yaml", head + "detector: \(zscore)\nthreshold: { plugin: fixed, value: 6 }\n" + member)
    func flagged(_ folder: String) throws -> Set<Substring> {
      let lines = try scratch.read("\(folder)/scores.csv").split(separator: "\n").dropFirst()
      return Set(lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }.filter { $0[4] == "1" }.map { $0[0] })
    }
    var said = ""
    for name in ["one", "two", "both"] {
      let result = try CLI.run(["detect", "\(name).yaml", "--out", name] + (name == "both" ? [] : ["--quiet"]), in: scratch.url)
      try #require(result.status == 0, "\(result.stderr)")
      said = result.stdout
    }
    // The summary and the report name the members and what the cut-off of 0 cuts (before, the
    // first member's plugins: "rolling-zscore", "threshold (fixed): 0.0000").
    let named = "ensemble of rolling-zscore × fixed and lstm-forecaster × percentile"
    #expect(said.contains(": \(named) on 2 features × 400 rows"), "\(said)")
    #expect(said.contains("threshold (margin over each member's cut-off): 0.0000;"), "\(said)")
    #expect(said.contains("top anomalies of the test part, by margin:\n") && said.contains("  margin "), "\(said)")
    // Its table of top anomalies says which members flag each row, as detect and `report` draw it.
    let drawn = try scratch.read("both/report.html")
    let rebuilt = try CLI.run(["report", "both"], in: scratch.url)
    try #require(rebuilt.status == 0, "\(rebuilt.stderr)")
    let report = try scratch.read("both/report.html")
    #expect(report.contains("\(named) on 2 features") && report.contains("Margin of each row (\(named))"))
    for html in [drawn, report] {
      #expect(html.contains("<th>flagged by</th>") && html.contains("<td>lstm-forecaster × percentile</td>"))
    }
    let one = try flagged("one")
    let two = try flagged("two")
    #expect(!one.isEmpty && !two.subtracting(one).isEmpty, "the members flag different rows")
    #expect(try flagged("both") == one.union(two))
    // Each member's own score and cut-off follow the margins: those it gives run alone (a
    // warm-up row empty: the z-score's 20, the forecaster's 5). One detector has none.
    let column = SavedModelTests().column
    let (both, first, second) = (
      try scratch.read("both/scores.csv"), try scratch.read("one/scores.csv"), try scratch.read("two/scores.csv")
    )
    #expect(column(both, "member_1_score") == column(first, "score"))
    #expect(column(both, "member_1_threshold") == column(first, "threshold"))
    #expect(column(both, "member_2_score") == column(second, "score"))
    #expect(column(both, "member_2_threshold") == column(second, "threshold"))
    #expect(column(both, "member_1_score").filter(\.isEmpty).count == 20)
    #expect(column(both, "member_2_score").filter(\.isEmpty).count == 5)
    #expect(!first.prefix { $0 != "\n" }.contains("member_"))
    // Each listed anomaly names the members that flag it, and the summary numbers them.
    let listed = said.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("  margin ") }
    #expect(!listed.isEmpty && listed.allSatisfy { $0.contains(", flagged by ") }, "\(said)")
    #expect(listed.contains { $0.contains("flagged by lstm-forecaster × percentile") }, "\(said)")
    let anomalies = try #require(
      (try JSONSerialization.jsonObject(with: Data(try scratch.read("both/summary.json").utf8)) as? [String: Any])?[
        "anomalies"] as? [[String: Any]])
    #expect(anomalies.count == one.union(two).count)
    for flag in anomalies {
      let (time, members) = (Substring(flag["timestamp"] as? String ?? ""), flag["flagged_by"] as? [Int])
      #expect(members == [1, 2].filter { [one, two][$0 - 1].contains(time) }, "\(flag)")
    }
    // An event's are those of its flagged rows.
    let events = try #require(
      (try JSONSerialization.jsonObject(with: Data(try scratch.read("both/summary.json").utf8)) as? [String: Any])?[
        "events"] as? [[String: Any]])
    #expect(!events.isEmpty)
    for event in events {
      let (start, end) = (event["start"] as? String ?? "", event["end"] as? String ?? "")
      let inside = anomalies.filter { ($0["timestamp"] as? String ?? "") >= start && ($0["timestamp"] as? String ?? "") <= end }
      let members = Set(inside.flatMap { $0["flagged_by"] as? [Int] ?? [] }).sorted()
      #expect(event["flagged_by"] as? [Int] == members && !members.isEmpty, "\(event)")
    }
    let summary = try scratch.read("both/summary.json")
    #expect(summary.contains("\"ensemble\"") && summary.contains("lstm-forecaster"))
    // A member forecasting worse than repeating each last value is warned of by its place: the
    // forecaster of a 4-unit layer trained 2 epochs on levels is (the run alone says so too).
    let alone = try #require(
      try JSONSerialization.jsonObject(with: Data(try scratch.read("two/summary.json").utf8)) as? [String: Any])
    let mase = try #require((alone["forecast_skill"] as? [String: Any])?["mase"] as? Double)
    let warned =
      "warning: ensemble[1] lstm-forecaster's forecast errors on the 160 test rows are \(String(format: "%.1f", mase)) times"
    #expect(mase >= 2 && summary.contains(warned) && !summary.contains("forecast_skill"), "MASE \(mase)")

    // The ensemble's model (both members in one file) scores the data as the run did, whole and
    // as a stream: the same margins, cut-offs and flags.
    let saved = try CLI.run(["detect", "both.yaml", "--out", "s", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    try #require(saved.status == 0, "\(saved.stderr)")
    let scored = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "m"], in: scratch.url)
    try #require(scored.status == 0, "\(scored.stderr)")
    #expect(scored.stderr.contains("ensemble of 2 detectors: a row is flagged when any of them flags it"))
    let (run, model) = (try scratch.read("s/scores.csv"), try scratch.read("m/scores.csv"))
    for name in ["score", "threshold", "is_anomaly", "error_a", "member_1_score", "member_2_threshold"] {
      #expect(SavedModelTests().column(run, name) == SavedModelTests().column(model, name), "\(name)")
    }
    #expect(try flagged("m") == one.union(two))
    let stream = try CLI.run(
      ["score", "--model", "m.seismo", "data.csv", "--stream", "--piece-rows", "23", "--out", "t", "--quiet"], in: scratch.url)
    try #require(stream.status == 0, "\(stream.stderr)")
    // (Scores up to the rounding of the forecaster's products cut at the pieces.)
    let streamed = try scratch.read("t/scores.csv")
    #expect(SavedModelTests().column(streamed, "is_anomaly") == SavedModelTests().column(model, "is_anomaly"))
    let apart = zip(SavedModelTests().column(streamed, "score"), SavedModelTests().column(model, "score")).filter {
      abs((Double($0) ?? 0) - (Double($1) ?? 0)) > 1e-5 || $0.isEmpty != $1.isEmpty
    }
    #expect(apart.isEmpty, "a stream in pieces scores as the whole: \(apart.prefix(3))")
    #expect(SavedModelTests().column(streamed, "member_1_threshold") == SavedModelTests().column(model, "member_1_threshold"))
    // Members of one plugin: an error says which member it is about.
    try scratch.write(
      "twins.yaml",
      head + "detector: \(zscore)\nensemble:\n  - detector: \(zscore)\n    threshold: { plugin: percentile, percentile: 99 }\n")
    for (option, expected) in [
      ("ensemble[1].detector.window=5000", "error: ensemble[1]: the training part has 240 rows; rolling-zscore with window 5000"),
      ("detector.window=5000", "error: detector: the training part has 240 rows; rolling-zscore with window 5000"),
    ] {
      let twins = try CLI.run(
        ["detect", "twins.yaml", "--out", "t", "--quiet", "--set", option], in: scratch.url)
      #expect(twins.status == 1 && twins.stderr.hasPrefix(expected), "\(twins.stderr)")
    }
  }

  /// Importance explains an ensemble by its margins, each member held at the cut-offs the run gave
  /// it. Two identical members cut at a fixed 6 (above their typical score) have margins
  /// (s − 6)/6, so each feature's importance is the member's alone divided by 6. With unlike
  /// members it is said, drawn and kept as an increase in margin.
  @Test func anEnsembleIsExplainedByItsMargins() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [250, 320]))
    let head =
      "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.6 }\nimportance: { plugin: permutation, repeats: 3 }\n"
    let zscore = "{ plugin: rolling-zscore, window: 20 }"
    let forecaster = "{ plugin: lstm-forecaster, window: 5, units: [4], epochs: 2, seed: 1 }"
    try scratch.write("alone.yaml", head + "detector: \(zscore)\nthreshold: { plugin: fixed, value: 6 }\n")
    try scratch.write(
      "twins.yaml",
      head + "detector: \(zscore)\nthreshold: { plugin: fixed, value: 6 }\n"
        + "ensemble:\n  - detector: \(zscore)\n    threshold: { plugin: fixed, value: 6 }\n")
    try scratch.write(
      "unlike.yaml",
      head + "detector: \(zscore)\nthreshold: { plugin: dynamic, window: 100 }\n"
        + "ensemble:\n  - detector: \(forecaster)\n    threshold: { plugin: percentile, percentile: 99 }\n")
    func explained(_ name: String) throws -> (said: String, ranking: [(feature: String, mean: Double, std: Double)]) {
      let run = try CLI.run(["detect", "\(name).yaml", "--out", name], in: scratch.url)
      try #require(run.status == 0, "\(run.stderr)")
      let summary = try #require(
        try JSONSerialization.jsonObject(with: Data(try scratch.read("\(name)/summary.json").utf8)) as? [String: Any])
      let importance = try #require(summary["importance"] as? [String: Any], "\(name)")
      let ranking = try #require(importance["ranking"] as? [[String: Any]]).map {
        ($0["feature"] as? String ?? "", $0["mean"] as? Double ?? .nan, $0["std"] as? Double ?? .nan)
      }
      return (run.stdout, ranking)
    }
    let alone = try explained("alone")
    let twins = try explained("twins")
    #expect(alone.ranking.map(\.feature) == ["b", "a"], "the spikes are in b: \(alone.ranking)")
    #expect(twins.ranking.map(\.feature) == alone.ranking.map(\.feature))
    for (twin, member) in zip(twins.ranking, alone.ranking) {
      #expect(abs(twin.mean * 6 - member.mean) <= 1e-5 * max(1, abs(member.mean)), "\(twin) against \(member) / 6")
      #expect(abs(twin.std * 6 - member.std) <= 1e-5 * max(1, abs(member.std)), "\(twin) against \(member) / 6")
    }
    #expect(alone.said.contains("feature importance (permutation): mean ± std increase in score\n"), "\(alone.said)")
    let unlike = try explained("unlike")
    #expect(Set(unlike.ranking.map(\.feature)) == ["a", "b"] && unlike.ranking[0].mean >= unlike.ranking[1].mean)
    #expect(unlike.said.contains("feature importance (permutation): mean ± std increase in margin\n"), "\(unlike.said)")
    let report = try scratch.read("unlike/report.html")
    #expect(report.contains("Feature importance: increase in mean margin when shuffled"))
    #expect(try scratch.read("alone/report.html").contains("Feature importance: increase in mean score when shuffled"))
  }

  /// A forecaster's run measures its test errors against the naive forecast's (MASE), says it,
  /// and keeps it in summary.json, over every fold's test rows; other detectors do not.
  @Test func aForecastersSkillIsMeasuredAgainstTheNaiveForecast() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [250, 320]))
    let head = "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.6 }\n"
    let forecaster = "detector: { plugin: lstm-forecaster, window: 5, units: [4], epochs: 2, seed: 1 }\n"
    try scratch.write("one.yaml", head + forecaster)
    try scratch.write(
      "refits.yaml", "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.6, refit_every: 50 }\n" + forecaster)
    try scratch.write("zscore.yaml", head + "detector: { plugin: rolling-zscore, window: 20 }\n")
    func skill(_ name: String) throws -> (printed: String?, json: [String: Any]?, warned: Bool) {
      let run = try CLI.run(["detect", "\(name).yaml", "--out", name], in: scratch.url)
      try #require(run.status == 0, "\(run.stderr)")
      let summary = try #require(
        try JSONSerialization.jsonObject(with: Data(try scratch.read("\(name)/summary.json").utf8)) as? [String: Any])
      let line = run.stdout.split(separator: "\n").first { $0.hasPrefix("forecast skill") }
      let warned = (summary["warnings"] as? [String] ?? []).contains { $0.contains("times those of repeating each last value") }
      #expect(warned == run.stderr.contains("times those of repeating each last value"))
      return (line.map(String.init), summary["forecast_skill"] as? [String: Any], warned)
    }
    for name in ["one", "refits"] {
      let (printed, json, warned) = try skill(name)
      // JSONSerialization reads some 17-digit numbers an ulp off (10.001429182211039 as …037):
      // the MASE is read as `seismo report` reads it.
      let summary = Data(try scratch.read("\(name)/summary.json").utf8)
      let mase = try #require(try JSONDecoder().decode(SkillOfSummary.self, from: summary).forecastSkill.mase, "\(name)")
      #expect(abs(mase - (json?["mase"] as? Double ?? 0)) < 1e-12)
      #expect(json?["rows"] as? Int == 160, "every test row, of every fold: \(name)")
      let features = try #require(json?["features"] as? [[String: Any]])
      #expect(features.map { $0["feature"] as? String } == ["a", "b"])
      #expect(features.allSatisfy { ($0["mase"] as? Double ?? 0) > 0 })
      #expect(
        printed?.hasPrefix(
          "forecast skill on 160 test rows: MASE \(String(format: "%.2f", mase)) (its mean absolute error ÷ that of repeating each last value; under 1 beats it); a "
        ) == true, "\(printed ?? "")")
      #expect(warned == (mase >= 2), "warned from twice the naive forecast's errors: \(name), MASE \(mase)")
      // The report says it, and a report rebuilt from the run folder alike.
      let drawn = try scratch.read("\(name)/report.html")
      #expect(drawn.contains("data-mase=\"\(mase)\">MASE \(String(format: "%.2f", mase))</b> on 160 test rows"))
      try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("\(name)/report.html"))
      #expect(try CLI.run(["report", name], in: scratch.url).status == 0)
      #expect(try scratch.read("\(name)/report.html").contains("data-mase=\"\(mase)\""))
    }
    let (printed, json, warned) = try skill("zscore")
    let report = try scratch.read("zscore/report.html")
    #expect(printed == nil && json == nil && !warned && !report.contains("MASE"))
  }

  /// `--no-sinks` writes the run folder only: a config's sink is neither reached nor written.
  @Test func noSinksSkipsTheConfigsSinks() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      detector: { plugin: rolling-zscore, window: 10 }
      sinks:
        - { plugin: postgres, url: "postgresql://nobody@127.0.0.1:1/x?connect_timeout=1" }
        - { plugin: report, path: sink-report.html }

      """)
    let stored = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    #expect(stored.status == 2 && stored.stderr.contains("cannot connect"), "\(stored.stderr)")
    for options in [["--out", "b"], ["--out", "c", "--each"]] {
      let local = try CLI.run(["detect", "run.yaml", "--no-sinks", "--quiet"] + options, in: scratch.url)
      #expect(local.status == 0, "\(options): \(local.stderr)")
      #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent(options[1] + "/summary.json").path))
    }
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("sink-report.html").path))
  }

  /// `--each` runs every indicator on its own rows: one listed later (empty before) does not cut
  /// the others' history, and each run equals a run on that column alone.
  @Test func eachIndicatorKeepsItsOwnRows() throws {
    let scratch = try Scratch()
    // a: every day, with spikes on days 60 (training) and 250 (test); b: from day 120; c (in the
    // second file): never.
    func rows(withEmptyColumn: Bool) -> String {
      (0..<300).map { i in
        let a = Double(i % 11) + (i == 60 || i == 250 ? 30 : 0)
        let b = i < 120 ? "" : String(Double(i % 5))
        return "\(date(18_262 + i)),\(a)\(withEmptyColumn ? "," : ""),\(b)"
      }.joined(separator: "\n") + "\n"
    }
    try scratch.write("late.csv", "date,a,b\n" + rows(withEmptyColumn: false))
    try scratch.write("empty.csv", "date,a,c,b\n" + rows(withEmptyColumn: true))
    let run = "split: { train_fraction: 0.5 }\ndetector: { plugin: rolling-zscore, window: 20 }\n"
    try scratch.write("each.yaml", "source: { plugin: csv, path: late.csv }\n" + run)
    try scratch.write("empty.yaml", "source: { plugin: csv, path: empty.csv }\n" + run)
    try scratch.write("a.yaml", "source: { plugin: csv, path: late.csv, columns: [a] }\n" + run)
    let each = try CLI.run(["detect", "each.yaml", "--each", "--out", "each"], in: scratch.url)
    try #require(each.status == 0, "\(each.stderr)")
    #expect(each.stderr.contains("120 rows were dropped where some indicator had a gap; each indicator is read again alone"))
    // Each indicator's line counts its anomalies and those of the test part.
    var differ = false
    for name in ["a", "b"] {
      let counts =
        try JSONSerialization.jsonObject(with: Data(try scratch.read("each/\(name)/summary.json").utf8)) as? [String: Any]
      let (all, test) = (counts?["anomaly_count"] as? Int ?? -1, counts?["test_anomaly_count"] as? Int ?? -1)
      differ = differ || all != test
      #expect(each.stdout.contains("  \(name): \(all) anomalies, \(test) in the test part\n"), "\(each.stdout)")
      #expect(each.stderr.contains("\(name): \(all) anomalies, \(test) in the test part (each/\(name))"), "\(each.stderr)")
    }
    #expect(differ, "an indicator with anomalies in the training part tells the two counts apart")
    let alone = try CLI.run(["detect", "a.yaml", "--out", "alone", "--quiet"], in: scratch.url)
    try #require(alone.status == 0, "\(alone.stderr)")
    #expect(try scratch.read("each/a/scores.csv") == scratch.read("alone/scores.csv"))
    #expect(try scratch.read("each/a/scores.csv").split(separator: "\n").count == 301)
    #expect(try scratch.read("each/b/scores.csv").split(separator: "\n").count == 181)

    // A column without a single value stops the joint load; each indicator is then read alone
    // and only that one fails.
    let empty = try CLI.run(["detect", "empty.yaml", "--each", "--out", "empty"], in: scratch.url)
    #expect(empty.status == 1 && empty.stderr.contains("each is read alone"), "\(empty.stderr)")
    let summary = try scratch.read("empty/summary.json")
    #expect(summary.contains("\"failed\" : 1") && summary.contains("no rows left after the gap policy"), "\(summary)")
    #expect(try scratch.read("empty/a/scores.csv") == scratch.read("alone/scores.csv"))
    #expect(try scratch.read("empty/b/scores.csv") == scratch.read("each/b/scores.csv"))
  }

  /// A feature whose data stopped before the last row (carried there by `ffill`, over a longer
  /// gap than any before) is warned about, by detect, --each, score and score --stream, and kept
  /// in summary.json.
  @Test func aFeatureCarriedToTheEndIsWarnedAbout() throws {
    let scratch = try Scratch()
    // b has no value in the last 10 of 100 rows.
    let lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").enumerated().map { r, line in
      r > 90 ? line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") + "," : String(line)
    }
    let warning =
      "warning: b has no value after \(date(18_262 + 89)): gaps: ffill carries that value through the last 10 rows (from \(date(18_262 + 90)) on); its data stopped, or is late"
    // A stream counts the carry over its pieces (of 7 rows here), as the whole file does.
    try expectDetectAndStreamWarn(warning, of: lines, in: scratch)
    for folder in ["a", "t"] {
      let summary =
        try JSONSerialization.jsonObject(with: Data(try scratch.read("\(folder)/summary.json").utf8)) as? [String: Any]
      #expect((summary?["source"] as? [String: Any])?["carried_to_end"] as? [String: Int] == ["b": 10], "\(folder)")
    }
    try expectReportShows(warning, of: "a", in: scratch)
    let each = try CLI.run(["detect", "run.yaml", "--out", "e", "--each"], in: scratch.url)
    #expect(each.status == 0 && each.stderr.components(separatedBy: "has no value after").count == 2, "\(each.stderr)")
    let score = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "s"], in: scratch.url)
    #expect(score.status == 0 && score.stderr.contains(warning), "\(score.stderr)")
  }

  /// A feature with no value in its last row or few (a value late, or a market closed on the
  /// last day) is warned about too, shorter than the carry above: the last rows are scored with
  /// an earlier value. detect and score --stream say it and keep it in summary.json.
  @Test(arguments: [1, 3])
  func aFeatureLateByAFewRowsIsWarnedAbout(_ late: Int) throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").enumerated().map { r, line in
      r > 100 - late
        ? line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") + "," : String(line)
    }
    let rows =
      late == 1 ? "the last row (\(date(18_262 + 99)))" : "the last \(late) rows (from \(date(18_262 + 100 - late)) on)"
    let warning =
      "warning: b has no value on \(rows): gaps: ffill carries its value of \(date(18_262 + 99 - late)) there, and the scores use it; its data is late, or it had no row then"
    try expectDetectAndStreamWarn(warning, of: lines, in: scratch)
  }

  /// Five of six features late on the last two rows (the day's export came before most feeds)
  /// share one warning, in detect and in a stream, and in summary.json: before, each was its own
  /// line, and 56 of them buried the others.
  @Test func manyFeaturesLateOnTheSameRowsShareOneWarning() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").enumerated().map { r, line in
      let cells = line.split(separator: ",").map(String.init)
      guard r > 0 else { return "date,a,b,c,d,e,f" }
      let others = (0..<4).map { k in String(Double(cells[2])! + Double(k)) }
      return ([cells[0], cells[1]] + (r > 98 ? Array(repeating: "", count: 5) : [cells[2]] + others)).joined(separator: ",")
    }
    let warning =
      "warning: 5 of 6 features have no value on the last 2 rows (from \(date(18_262 + 98)) on): gaps: ffill carries their values of \(date(18_262 + 97)) there, and the scores use them; their data is late, or they had no row then: b, c, d, e, f"
    try expectDetectAndStreamWarn(warning, of: lines, in: scratch)
  }

  /// A percentile of too few training scores is their largest: detect says so, and keeps it in
  /// summary.json; a walk-forward run judges its first fold's; enough scores say nothing.
  @Test func aPercentileOfTooFewScoresIsWarnedAbout() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 100, spikes: []))
    // 80 training rows, the first 10 without a score: 70 scores.
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\nthreshold: { plugin: percentile, percentile: 99 }\n"
    )
    let warning =
      "warning: threshold percentile: percentile 99 is taken of 70 scores (every training row's), fewer than the 100 that put one above it, so the cut-off is their largest or near it: give more training rows, or a lower percentile"
    let few = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    #expect(few.status == 0 && few.stderr == warning + "\n", "\(few.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("a/summary.json").utf8)) as? [String: Any]
    #expect(summary?["warnings"] as? [String] == [warning])
    let folds = try CLI.run(
      ["detect", "run.yaml", "--out", "w", "--quiet", "--set", "split.refit_every=10", "--set", "split.refit_window=rolling"],
      in: scratch.url)
    #expect(folds.status == 0 && folds.stderr == warning + "\n", "\(folds.stderr)")
    let enough = try CLI.run(
      ["detect", "run.yaml", "--out", "b", "--quiet", "--set", "threshold.percentile=95"], in: scratch.url)
    #expect(enough.status == 0 && enough.stderr.isEmpty, "\(enough.stderr)")
  }

  /// A feature with one value in every training row (a policy rate at its floor) teaches the
  /// detector nothing, and its first change after is judged against no spread: the run says so,
  /// and keeps it in summary.json; a feature that moves says nothing.
  @Test func aFeatureConstantInTrainingIsWarnedAbout() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").enumerated().map { r, line in
      r == 0 ? "date,a,rate" : line.split(separator: ",").dropLast().joined(separator: ",") + (r <= 90 ? ",0.25" : ",0.5")
    }
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let warning =
      "warning: rate has one value (0.25) in every training row (\(date(18_262)) – \(date(18_262 + 79))): the detector learns nothing of it, and judges any later change against no spread"
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    #expect(detect.status == 0 && detect.stderr == warning + "\n", "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("a/summary.json").utf8)) as? [String: Any]
    #expect(summary?["warnings"] as? [String] == [warning], "\(String(describing: summary?["warnings"]))")

    // Walk-forward: the rate moves in the first fold's rows and holds 0.25 through rows 40–169,
    // so rolling refits of 80 rows every 20 fit folds 3 to 5 (rows 40–119, 60–139, 80–159) on
    // one value.
    let rolling = syntheticCSV(rows: 200, spikes: []).split(separator: "\n").enumerated().map { r, line in
      let rate = r <= 40 ? (r % 2 == 0 ? "0.25" : "0.3") : r <= 170 ? "0.25" : "0.5"
      return r == 0 ? "date,a,rate" : line.split(separator: ",").dropLast().joined(separator: ",") + "," + rate
    }
    try scratch.write("rolling.csv", rolling.joined(separator: "\n") + "\n")
    let refits = try CLI.run(
      [
        "detect", "run.yaml", "--out", "r", "--quiet", "--set", "source.path=rolling.csv", "--set", "split.train_fraction=0.4",
        "--set", "split.refit_every=20", "--set", "split.refit_window=rolling",
      ], in: scratch.url)
    #expect(
      refits.status == 0
        && refits.stderr
          == "warning: rate has one value (0.25) in every training row of fold 3 of 6 (\(date(18_262 + 40)) – \(date(18_262 + 119))), and one value in those of 2 later folds: the detector learns nothing of it, and judges any later change against no spread\n",
      "\(refits.stderr)")
  }

  /// Writes `lines` as data.csv and a rolling z-score run.yaml, and expects `detect` (into a/,
  /// saving m.seismo) and `score --stream` in pieces of 7 rows (into t/) to print `warning` and
  /// keep it in summary.json as printed (`source.warnings`).
  func expectDetectAndStreamWarn(_ warning: String, of lines: [String], in scratch: Scratch) throws {
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo"], in: scratch.url)
    #expect(detect.status == 0 && detect.stderr.contains(warning), "\(detect.stderr)")
    let stream = try CLI.run(
      ["score", "--model", "m.seismo", "data.csv", "--stream", "--piece-rows", "7", "--out", "t"], in: scratch.url)
    #expect(stream.status == 0 && stream.stderr.contains(warning), "\(stream.stderr)")
    for folder in ["a", "t"] {
      let summary =
        try JSONSerialization.jsonObject(with: Data(try scratch.read("\(folder)/summary.json").utf8)) as? [String: Any]
      #expect((summary?["source"] as? [String: Any])?["warnings"] as? [String] == [warning], "\(folder): as printed")
    }
  }

  /// A feature whose last rows repeat one value is warned about by detect and by a stream,
  /// which follows the repeats across its pieces, and kept in summary.json as printed.
  @Test func aFeatureGoneStaleIsWarnedAbout() throws {
    let scratch = try Scratch()
    // a keeps row 89's value through the last 10 of 100 rows.
    var value = ""
    let lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").enumerated().map { index, line in
      var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      if index == 90 { value = cells[1] }
      if index > 90 { cells[1] = value }
      return cells.joined(separator: ",")
    }
    let warning =
      "warning: a has kept its value of \(date(18_262 + 89)) (\(Float(value)!)) through the last 10 rows (from \(date(18_262 + 90)) on), longer than ever before: its data may be stale (a feed resending its last print), which reads as a calm market"
    try expectDetectAndStreamWarn(warning, of: lines, in: scratch)
  }

  /// An adaptive threshold that needs more scores than the run has before its first cut-off
  /// flags nothing in the test part: the run says so, and says nothing when it has enough.
  @Test func aThresholdThatNeverFormsIsWarnedAbout() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 100, spikes: [90]))
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\nthreshold: { plugin: likelihood, short_window: 1, long_window: 200 }\n"
    )
    for (history, warned) in [(95, true), (20, false)] {
      let run = try CLI.run(
        ["detect", "run.yaml", "--out", "h\(history)", "--set", "threshold.min_history=\(history)"], in: scratch.url)
      #expect(run.status == 0)
      #expect(
        run.stderr.contains(
          "warning: threshold likelihood set no cut-off on any test row, so none could be flagged: it needs more scores before its first than the run has (min_history \(history))"
        ) == warned, "\(history): \(run.stderr)")
    }
  }

  /// Times written with an offset are shown in UTC by every output: detect and a stream say so
  /// with the first time as written and as shown, and scores.csv shows UTC.
  @Test func timesWithAnOffsetAreSaidToBeShownInUTC() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").enumerated().map { r, line in
      r == 0
        ? String(line) : line.replacingOccurrences(of: ",", with: " 09:30:00-05:00,", options: [], range: line.range(of: ","))
    }
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let note = "; times are shown in UTC: \(date(18_262)) 09:30:00-05:00 as \(date(18_262)) 14:30:00\n"
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo"], in: scratch.url)
    #expect(
      detect.status == 0 && detect.stderr.hasPrefix("loaded 100 rows × 2 features (a, b) from ")
        && detect.stderr.contains("/data.csv\(note)"), "\(detect.stderr)")
    let stream = try CLI.run(
      ["score", "--model", "m.seismo", "data.csv", "--stream", "--piece-rows", "7", "--out", "t"], in: scratch.url)
    #expect(
      stream.status == 0 && stream.stderr.hasPrefix("streaming data.csv in pieces of about 7 rows\(note)"), "\(stream.stderr)")
    #expect(try scratch.read("t/scores.csv").contains("\n\(date(18_262 + 99)) 14:30:00,test,"))
  }

  /// A hole inside a feature's data (20 days without b) is warned about, kept in summary.json and
  /// shown by the report, rebuilt too.
  @Test func aHoleInsideTheDataIsWarnedAbout() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").enumerated().map { r, line in
      (41...60).contains(r)
        ? line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") + "," : String(line)
    }
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let warning =
      "warning: b has no value from \(date(18_262 + 40)) to \(date(18_262 + 59)): gaps: ffill carries its value of \(date(18_262 + 39)) over 20 rows, where its data has a hole; it is flat there, and its first value after may look like a jump"
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a"], in: scratch.url)
    #expect(detect.status == 0 && detect.stderr.contains(warning), "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("a/summary.json").utf8)) as? [String: Any]
    let holes = (summary?["source"] as? [String: Any])?["holes"] as? [String: [String: Any]]
    #expect(
      holes?["b"]?["rows"] as? Int == 20 && holes?["b"]?["from"] as? String == date(18_262 + 40), "\(String(describing: holes))")
    try expectReportShows(warning, of: "a", in: scratch)
  }

  /// A feature listed later than the others (a, from the 31st day) cuts every feature's history
  /// to its first value: detect warns, naming where the data would start without it (b's first
  /// value), keeps it in summary.json and the report, and a stream says it too; --each, which
  /// reads each indicator with its own rows, does not.
  @Test func aFeatureThatStartsLateIsWarnedAbout() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 200, spikes: []).split(separator: "\n").enumerated().map { r, line in
      guard (1...30).contains(r) else { return String(line) }
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      return "\(cells[0]),,\(r <= 5 ? "" : cells[2])"
    }
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let warning =
      "warning: a has no value before \(date(18_262 + 30)), so gaps: ffill leaves out the 30 rows before that (from \(date(18_262))) for every feature, and the history starts there; without it the data would start at \(date(18_262 + 5)) (b's first value). Read the others without it, or give each indicator its own rows with detect --each"
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--save-model", "m.seismo"], in: scratch.url)
    #expect(detect.status == 0 && detect.stderr.contains(warning), "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("a/summary.json").utf8)) as? [String: Any]
    let said = (summary?["source"] as? [String: Any])?["warnings"] as? [String]
    #expect(said?.contains(warning) == true, "\(String(describing: said))")
    try expectReportShows(warning, of: "a", in: scratch)
    let stream = try CLI.run(
      ["score", "--model", "m.seismo", "data.csv", "--stream", "--piece-rows", "7", "--out", "s"], in: scratch.url)
    #expect(stream.status == 0 && stream.stderr.contains(warning), "\(stream.stderr)")
    let each = try CLI.run(["detect", "run.yaml", "--out", "e", "--each"], in: scratch.url)
    #expect(
      each.status == 0 && !each.stderr.contains("has no value before")
        && each.stderr.contains("30 rows were dropped where some indicator had a gap; each indicator is read again alone"),
      "\(each.stderr)")
  }

  /// Five features trending out of a model of levels' training range share one warning, which
  /// names each with its count and range, in place of five that would bury the others.
  @Test func manyFeaturesOutsideTheTrainingRangeShareOneWarning() throws {
    let scratch = try Scratch()
    let rows = (0..<200).map { r in
      "\(date(18_262 + r)),\((1...5).map { "\(Double(r * $0) + sin(Double(r)))" }.joined(separator: ","))"
    }
    try scratch.write("data.csv", "date,a,b,c,d,e\n" + rows.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: lstm-autoencoder, window: 10, units: 4, epochs: 1 }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a", "--quiet"], in: scratch.url)
    let lines = detect.stderr.split(separator: "\n")
    #expect(detect.status == 0 && lines.count == 1, "\(detect.stderr)")
    #expect(
      lines.first?.hasPrefix(
        "warning: 5 of 5 features have a quarter or more of their 40 test rows outside their training range: a 40 (0 to 159.9), b 40 (0 to 318.9), c 40 ("
      ) == true && lines.first?.contains("; lstm-autoencoder models levels (transform: level)") == true, "\(detect.stderr)")
  }

  /// A weekly file joined to a daily one is carried over four days of five: the run says it
  /// moves in steps, and keeps the warning in summary.json.
  @Test func aWeeklyFeatureAmongDailyRowsIsWarnedAbout() throws {
    let scratch = try Scratch()
    let daily = syntheticCSV(rows: 200, spikes: []).split(separator: "\n")
    try scratch.write(
      "daily.csv", daily.map { $0.split(separator: ",").prefix(2).joined(separator: ",") }.joined(separator: "\n") + "\n")
    let weekly = daily.enumerated().filter { $0.offset == 0 || ($0.offset - 1) % 5 == 0 }.map { r, line in
      r == 0 ? "date,w" : "\(line.split(separator: ",")[0]),\(r)"
    }
    try scratch.write("weekly.csv", weekly.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml", "source: { plugin: csv, path: [daily.csv, weekly.csv] }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let warning =
      "warning: w has a value of its own on 40 of the 196 rows from its first value to its last (20 %), and gaps: ffill carries it over the others: it moves in steps (a weekly series among daily rows?), which a detector may flag. Read it in a run of its own, or the others at its frequency"
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a"], in: scratch.url)
    #expect(detect.status == 0 && detect.stderr.contains(warning), "\(detect.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("a/summary.json").utf8)) as? [String: Any]
    #expect(((summary?["source"] as? [String: Any])?["warnings"] as? [String])?.contains(warning) == true)
    let alone = try CLI.run(["detect", "run.yaml", "--out", "b", "--set", "source.path=daily.csv"], in: scratch.url)
    #expect(alone.status == 0 && !alone.stderr.contains("a value of its own"), "\(alone.stderr)")
    // --each over the files: with no row dropped each indicator is cut from the joined rows, and
    // w still moves in steps; once w's late start drops rows, each is read alone, and neither is said.
    let each = try CLI.run(["detect", "run.yaml", "--out", "e", "--each"], in: scratch.url)
    #expect(each.status == 0 && each.stderr.contains(warning), "\(each.stderr)")
    try scratch.write("weekly.csv", ([weekly[0]] + weekly.dropFirst(4)).joined(separator: "\n") + "\n")
    let late = try CLI.run(["detect", "run.yaml", "--out", "l", "--each"], in: scratch.url)
    #expect(
      late.status == 0 && !late.stderr.contains("a value of its own") && !late.stderr.contains("leaves out")
        && late.stderr.contains("each indicator is read again alone"), "\(late.stderr)")
  }

  /// A label column (y: 0 and 1) in a file whose config lists no columns is read as a feature
  /// and flags itself: detect warns, naming it; listing the columns, or a column of other values,
  /// says nothing.
  @Test func aLabelColumnReadAsAFeatureIsWarnedAbout() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 200, spikes: []).split(separator: "\n").enumerated().map { r, line in
      r == 0 ? "\(line),y" : "\(line),\(r % 50 == 0 ? 1 : 0)"
    }
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let warning =
      "warning: y holds only 0 and 1, as a label column does, and is read as a feature because the source lists no columns: a detector that sees the labels flags them. List the features in columns; evaluate --labels FILE --label-column y scores the flags against it"
    let all = try CLI.run(["detect", "run.yaml", "--out", "a"], in: scratch.url)
    #expect(all.status == 0 && all.stderr.contains(warning), "\(all.stderr)")
    let listed = try CLI.run(["detect", "run.yaml", "--out", "l", "--set", "source.columns=[a, b, y]"], in: scratch.url)
    #expect(listed.status == 0 && !listed.stderr.contains("holds only 0 and 1"), "listed: \(listed.stderr)")
    try scratch.write("data.csv", lines.joined(separator: "\n").replacingOccurrences(of: ",1\n", with: ",2\n") + "\n")
    let counts = try CLI.run(["detect", "run.yaml", "--out", "c"], in: scratch.url)
    #expect(counts.status == 0 && !counts.stderr.contains("holds only 0 and 1"), "0 and 2: \(counts.stderr)")
  }

  /// Under gaps: drop, a feature whose data stopped (b, after 170 of 200 days) cuts every
  /// feature's last rows, which are then never scored: detect warns; under ffill the stop is
  /// warned of as a carry instead.
  @Test func aFeatureThatStopsEarlyUnderDropIsWarnedAbout() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 200, spikes: []).split(separator: "\n").enumerated().map { r, line in
      r <= 170 ? String(line) : line.split(separator: ",").dropLast().joined(separator: ",") + ","
    }
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let dropped = try CLI.run(["detect", "run.yaml", "--out", "d", "--set", "source.gaps=drop"], in: scratch.url)
    #expect(
      dropped.status == 0
        && dropped.stderr.contains(
          "warning: b has no value after \(date(18_262 + 169)), so gaps: drop leaves out the 30 rows after that (to \(date(18_262 + 199))) for every feature, and the history ends there; without it the data would end at its last row (\(date(18_262 + 199))). Read the others without it, or give each indicator its own rows with detect --each"
        ), "\(dropped.stderr)")
    let filled = try CLI.run(["detect", "run.yaml", "--out", "f"], in: scratch.url)
    #expect(
      filled.status == 0 && !filled.stderr.contains("leaves out")
        && filled.stderr.contains("warning: b has no value after \(date(18_262 + 169)): gaps: ffill carries that value"),
      "\(filled.stderr)")
  }

  /// A model of levels fitted once, meeting test rows outside its training range, is warned
  /// about (stderr, summary.json, the report, a rebuilt report), and so is one refitted walk
  /// forward, by each fold's range; a model of changes and a rolling detector are not.
  @Test func testRowsOutsideTheTrainingRangeOfAModelOfLevelsAreWarnedAbout() throws {
    let scratch = try Scratch()
    // b trends up: the last 40 of 200 rows (the test part) all lie above the first 160's range.
    let lines = syntheticCSV(rows: 200, spikes: []).split(separator: "\n").enumerated().map { r, line in
      r == 0 ? String(line) : line.split(separator: ",").dropLast().joined(separator: ",") + ",\(Double(r) * 0.5)"
    }
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: lstm-autoencoder, window: 10, units: 4, epochs: 1 }\n")
    let warning =
      "warning: b: 40 of 40 test rows lie outside its training range (0.5 to 80); lstm-autoencoder models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes"
    let detect = try CLI.run(["detect", "run.yaml", "--out", "a"], in: scratch.url)
    #expect(detect.status == 0 && detect.stderr.contains(warning), "\(detect.stderr)")
    #expect(!detect.stderr.contains("warning: a:"), "a stays in its range")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("a/summary.json").utf8)) as? [String: Any]
    #expect(summary?["warnings"] as? [String] == [warning], "\(String(describing: summary?["warnings"]))")
    try expectReportShows(warning, of: "a", in: scratch)
    let each = try CLI.run(["detect", "run.yaml", "--out", "e", "--each"], in: scratch.url)
    #expect(each.status == 0 && each.stderr.contains(warning), "--each says it too: \(each.stderr)")
    // --quiet keeps warnings, and only them.
    let quiet = try CLI.run(["detect", "run.yaml", "--out", "q", "--quiet"], in: scratch.url)
    #expect(quiet.status == 0 && quiet.stderr == warning + "\n", "\(quiet.stderr)")
    let quietEach = try CLI.run(["detect", "run.yaml", "--out", "qe", "--each", "--quiet"], in: scratch.url)
    #expect(quietEach.status == 0 && quietEach.stderr == warning + "\n", "\(quietEach.stderr)")
    // A saved model keeps its training range: scoring the last 50 rows, 40 lie outside it.
    #expect(try CLI.run(["detect", "run.yaml", "--out", "m", "--save-model", "m.seismo"], in: scratch.url).status == 0)
    try scratch.write("tail.csv", ([lines[0]] + lines.suffix(50)).joined(separator: "\n") + "\n")
    let scored = try CLI.run(["score", "--model", "m.seismo", "tail.csv", "--out", "s"], in: scratch.url)
    let scoredWarning = warning.replacingOccurrences(of: "40 of 40 test rows", with: "40 of 50 scored rows")
    #expect(scored.status == 0 && scored.stderr.contains(scoredWarning), "\(scored.stderr)")
    // Its first 10 rows are the last the model was fitted on: their scores are in sample.
    let inSample =
      "warning: 10 of the 50 rows fall within the times of the rows the model was fitted on (\(date(18_262)) – \(date(18_262 + 159))): if they are those rows, their scores are in sample, where it learned what is normal, and seldom stand out; it judges afresh after \(date(18_262 + 159))\n"
    let quietScore = try CLI.run(["score", "--model", "m.seismo", "tail.csv", "--out", "sq", "--quiet"], in: scratch.url)
    #expect(quietScore.stderr == inSample + scoredWarning + "\n", "\(quietScore.stderr)")
    #expect(try scratch.read("s/summary.json").contains("40 of 50 scored rows"))
    // So does scoring it in pieces, counting every piece's rows.
    let streamed = try CLI.run(
      ["score", "--model", "m.seismo", "tail.csv", "--out", "t", "--stream", "--piece-rows", "20"], in: scratch.url)
    #expect(streamed.status == 0 && streamed.stderr.contains(scoredWarning), "\(streamed.stderr)")
    let quietStream = try CLI.run(
      ["score", "--model", "m.seismo", "tail.csv", "--out", "tq", "--stream", "--quiet"], in: scratch.url)
    #expect(quietStream.stderr == inSample + scoredWarning + "\n", "\(quietStream.stderr)")
    #expect(try scratch.read("t/summary.json").contains("40 of 50 scored rows"))
    // Walk-forward refits each judge their own test rows: every 20 rows, b's next 20 rise past
    // the rows the fold trained on.
    let refits = try CLI.run(["detect", "run.yaml", "--out", "w", "--set", "split.refit_every=20"], in: scratch.url)
    #expect(
      refits.status == 0
        && refits.stderr.contains(
          "warning: b: 40 of 40 test rows lie outside the training range of the fold that scored them; lstm-autoencoder models levels"
        ), "\(refits.stderr)")
    #expect(!refits.stderr.contains("warning: a:"), "a stays in its range")
    for (setting, why) in [
      ("detector.transform=diff", "a model of changes"), ("detector.plugin=rolling-zscore", "a rolling detector"),
    ] {
      let other = try CLI.run(["detect", "run.yaml", "--out", "b", "--set", setting], in: scratch.url)
      #expect(other.status == 0 && !other.stderr.contains("training range"), "\(why): \(other.stderr)")
      let quiet = try JSONSerialization.jsonObject(with: Data(try scratch.read("b/summary.json").utf8)) as? [String: Any]
      #expect(quiet?["warnings"] == nil, "\(why)")
    }
  }

  /// A `train_until` on or after the last row leaves nothing to test, and a `refit_every` as long
  /// as the test part refits nowhere: the run says so.
  @Test func aTrainUntilPastTheDataIsWarnedAbout() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 100, spikes: []))
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let past = try CLI.run(["detect", "run.yaml", "--out", "a", "--set", "split.train_until=2099-01-01"], in: scratch.url)
    #expect(past.status == 0)
    #expect(
      past.stderr.contains(
        "warning: split.train_until 2099-01-01 is not before the last row (\(date(18_262 + 99))): every row is training and none is tested"
      ), "\(past.stderr)")
    #expect(try scratch.read("a/report.html").contains("every row is training and none is tested"), "the report shows it")
    let within = try CLI.run(
      ["detect", "run.yaml", "--out", "b", "--set", "split.train_until=\(date(18_262 + 98))"], in: scratch.url)
    #expect(within.status == 0 && !within.stderr.contains("warning"), "\(within.stderr)")
    // A walk-forward interval as long as the test part (20 rows) refits nowhere; a shorter one
    // refits in silence. A train_until before the data trains on nothing, and says why.
    for (every, warned) in [("20", true), ("40d", true), ("19", false), ("7d", false)] {
      let walk = try CLI.run(["detect", "run.yaml", "--out", "w", "--set", "split.refit_every=\(every)"], in: scratch.url)
      #expect(walk.status == 0)
      #expect(
        walk.stderr.contains(
          "warning: split.refit_every \(every) places no refit within the test part (20 rows, \(date(18_262 + 80)) – \(date(18_262 + 99))), so the detector is fitted once"
        ) == warned, "\(every): \(walk.stderr)")
    }
    let early = try CLI.run(["detect", "run.yaml", "--out", "e", "--set", "split.train_until=2019-12-31"], in: scratch.url)
    #expect(
      early.status == 1
        && early.stderr.hasSuffix(
          "split.train_until 2019-12-31 is before the first row (2020-01-01), so no row trains; set a later date\n"),
      "\(early.stderr)")
  }

  /// Weekly history before daily recent rows: the detector reads the test rows by patterns of
  /// another span, and the run says so. Training rows alike (the walk-forward folds' first) do
  /// not warn.
  @Test func testRowsSpacedOtherwiseThanTrainingRowsAreWarnedAbout() throws {
    let scratch = try Scratch()
    let rows = syntheticCSV(rows: 100, spikes: []).split(separator: "\n")
    let days = (0..<80).map { 18_262 + 7 * $0 } + (1...20).map { 18_262 + 7 * 79 + $0 }
    let mixed = (["date,a,b"] + zip(days, rows.dropFirst()).map { date($0) + $1.drop { $0 != "," } }).joined(separator: "\n")
    try scratch.write("data.csv", mixed + "\n")
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\nsplit: { train_until: \(date(days[79])) }\ndetector: { plugin: rolling-zscore, window: 10 }\n"
    )
    let warning =
      "warning: the training rows lie 7 days apart, and the test rows 1 day apart (medians): a detector reads a number of rows at a time, so it scores the test rows by patterns of another span; split where the sampling changes, or give rows sampled alike"
    let run = try CLI.run(["detect", "run.yaml", "--out", "a"], in: scratch.url)
    #expect(run.status == 0 && run.stderr.contains(warning), "\(run.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(scratch.read("a/summary.json").utf8)) as? [String: Any]
    #expect((summary?["warnings"] as? [String])?.contains(warning) == true, "\(String(describing: summary?["warnings"]))")
    // Trained up to the 50th weekly row, its test rows are mostly weekly (29 gaps of 7 days, 20
    // of 1): their median is 7 days, and it does not.
    let late = try CLI.run(["detect", "run.yaml", "--out", "b", "--set", "split.train_until=\(date(days[49]))"], in: scratch.url)
    #expect(late.status == 0 && !late.stderr.contains("apart"), "\(late.stderr)")
  }

  @Test func theReportIsASinkAndSeveralSinksAreWrittenInOrder() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    let run = config.replacingOccurrences(of: "importance: { plugin: permutation, repeats: 2 }", with: "")
    try scratch.write(
      "run.yaml", run + "sinks:\n  - { plugin: report, path: reports/a.html }\n  - { plugin: report, path: b.html }\n")
    let result = try CLI.run(["detect", "run.yaml", "--out", "out"], in: scratch.url)
    try #require(result.status == 0, "\(result.stderr)")
    let folderReport = try scratch.read("out/report.html")
    #expect(try scratch.read("reports/a.html") == folderReport, "the same report as the run folder's")
    #expect(try scratch.read("b.html") == folderReport)
    #expect(result.stderr.contains("to the report sink"))
    // A folder where the file should go is refused before any work: no run folder appears.
    try FileManager.default.createDirectory(
      at: scratch.url.appendingPathComponent("taken.html"), withIntermediateDirectories: true)
    try scratch.write("bad.yaml", run + "sinks:\n  - { plugin: report, path: taken.html }\n")
    let refused = try CLI.run(["detect", "bad.yaml", "--out", "never"], in: scratch.url)
    #expect(refused.status == 1 && refused.stderr.contains("taken.html: is a folder"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("never").path))
  }

  @Test func writesSummaryAndScoresWithTheRightContent() throws {
    let scratch = try Scratch()
    let spikes = [100, 250, 320]
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: spikes))
    try scratch.write("run.yaml", config)
    let result = try CLI.run(["detect", "run.yaml", "--out", "out"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("anomalies: 3 (2 in the test part)"))
    #expect(result.stdout.contains("threshold (fixed): 6.0000; 3 events\n"), "\(result.stdout)")
    try scratch.write("one.csv", syntheticCSV(rows: 400, spikes: [250]))
    let one = try CLI.run(["detect", "run.yaml", "--out", "one", "--set", "source.path=one.csv"], in: scratch.url)
    #expect(one.stdout.contains("threshold (fixed): 6.0000; 1 event\n"), "\(one.stdout)")
    // The test part's anomalies are listed first, then the training part's (in sample).
    let listed = result.stdout.split(separator: "\n")
    let headings = listed.filter { $0.hasPrefix("top anomalies") }
    #expect(
      headings == [
        "top anomalies of the test part, by score:", "top anomalies of the training part (in sample), by score:",
      ], "\(result.stdout)")
    if let first = listed.firstIndex(of: headings.first ?? ""), let second = listed.firstIndex(of: headings.last ?? "") {
      let days = { (range: Range<Int>) in Set(listed[range].map { $0.split(separator: " ").first.map(String.init) ?? "" }) }
      #expect(days((first + 1)..<second) == [date(18_262 + 250), date(18_262 + 320)])
      #expect(days((second + 1)..<(second + 2)) == [date(18_262 + 100)])
    }

    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("out/summary.json").utf8)) as! [String: Any]
    #expect(summary["features"] as? [String] == ["a", "b"])
    #expect(summary["anomaly_count"] as? Int == 3)
    #expect(summary["test_anomaly_count"] as? Int == 2)
    let anomalies = summary["anomalies"] as! [[String: Any]]
    #expect(anomalies.map { $0["timestamp"] as! String } == spikes.map { date(18_262 + $0) })
    #expect(anomalies.allSatisfy { $0["top_feature"] as? String == "b" })
    #expect(anomalies.map { $0["part"] as! String } == ["train", "test", "test"])
    let detector = summary["detector"] as! [String: Any]
    #expect(detector["plugin"] as? String == "rolling-zscore")
    #expect((detector["parameters"] as! [String: Any])["window"] as? Int == 20)
    let threshold = summary["threshold"] as! [String: Any]
    #expect(threshold["value"] as? Double == 6)
    let split = summary["split"] as! [String: Any]
    #expect(split["train_rows"] as? Int == 240)
    #expect(split["test_rows"] as? Int == 160)
    #expect((summary["source"] as! [String: Any])["rows_read"] as? Int == 400)
    #expect(summary["run_id"] as? String != nil)
    #expect((summary["timings"] as! [String: Double])["total_s"] != nil)
    let ranking = (summary["importance"] as! [String: Any])["ranking"] as! [[String: Any]]
    #expect(ranking.count == 2)

    let lines = try scratch.read("out/scores.csv").split(separator: "\n")
    #expect(lines.count == 401)
    #expect(lines[0] == "timestamp,part,score,threshold,is_anomaly,alert,value_a,value_b,error_a,error_b")
    #expect(lines[1].hasPrefix("\(date(18_262)),train,,,,,"), "warm-up rows have no score and no cut-off")
    let spikeRow = lines[1 + 250].split(separator: ",", omittingEmptySubsequences: false)
    #expect(spikeRow[0] == Substring(date(18_262 + 250)))
    #expect(spikeRow[1] == "test")
    #expect(Float(spikeRow[2])! > 6)
    #expect(spikeRow[3] == "6.0", "the row's own cut-off")
    #expect(spikeRow[4] == "1")
    #expect(spikeRow[5] == "1", "an isolated flag is its own event and alerts on the day")
    #expect(Float(spikeRow[9])! == Float(spikeRow[2])!, "score = max feature error, here b's")
    #expect(Float(spikeRow[7])! > 55, "value_b holds the spiked input")
    let flagged = lines.dropFirst().filter { $0.split(separator: ",", omittingEmptySubsequences: false)[4] == "1" }
    #expect(flagged.count == 3)
    #expect(summary["event_count"] as? Int == 3)
  }

  /// A summary lists the 1,000 highest-scoring flags and the 1,000 events with the highest peaks,
  /// in time order, and counts them all; scores.csv marks every flagged and alerting row, and
  /// `--each` counts each indicator's test flags from the counts, not from the list.
  @Test func aSummaryListsTheHighestThousandFlagsAndEventsAndCountsThemAll() throws {
    let scratch = try Scratch()
    try writeManyEventsRun(scratch)
    let result = try CLI.run(["detect", "run.yaml", "--out", "out", "--quiet"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("out/summary.json").utf8)) as! [String: Any]
    let rows = try scratch.read("out/scores.csv").split(separator: "\n").dropFirst().map {
      $0.split(separator: ",", omittingEmptySubsequences: false)
    }
    let flagged = rows.filter { $0[4] == "1" }
    #expect(flagged.count > 2_000 && summary["anomaly_count"] as? Int == flagged.count)
    #expect(summary["test_anomaly_count"] as? Int == flagged.filter { $0[1] == "test" }.count)
    #expect(summary["event_count"] as? Int == rows.filter { $0[5] == "1" }.count, "every event alerts once")
    #expect(summary["event_count"] as! Int > 1_000)
    let listed = summary["anomalies"] as! [[String: Any]]
    let events = summary["events"] as! [[String: Any]]
    #expect(listed.count == 1_000 && events.count == 1_000)
    let times = listed.map { $0["timestamp"] as! String }
    #expect(times == times.sorted() && events.map { $0["start"] as! String } == events.map { $0["start"] as! String }.sorted())
    // The listed flags are the highest-scoring of all flagged rows.
    let highest = flagged.map { Float($0[2])! }.sorted(by: >).prefix(1_000)
    #expect(listed.map { Float($0["score"] as! Double) }.sorted(by: >) == Array(highest))

    let each = try CLI.run(["detect", "run.yaml", "--each", "--out", "each"], in: scratch.url)
    #expect(each.status == 0, "\(each.stderr)")
    for feature in ["a", "b"] {
      let own =
        try JSONSerialization.jsonObject(with: Data(try scratch.read("each/\(feature)/summary.json").utf8)) as! [String: Any]
      let (count, test) = (own["anomaly_count"] as! Int, own["test_anomaly_count"] as! Int)
      #expect(count > 1_000 && (own["anomalies"] as! [Any]).count == 1_000)
      #expect(each.stdout.contains("  \(feature): \(count) anomalies, \(test) in the test part"), "\(each.stdout)")
    }
  }

  @Test func everyPluginAndTheSinkAreCheckedBeforeTheDataIsRead() throws {
    // The data file does not exist: an error about anything else proves it came first.
    let scratch = try Scratch()
    try scratch.write(
      "bad-detector.yaml",
      "source: { plugin: csv, path: missing.csv }\ndetector: { plugin: lstm-forecaster, units: [0] }\n")
    let detector = try CLI.run(["detect", "bad-detector.yaml", "--out", "o"], in: scratch.url)
    #expect(detector.status == 1)
    #expect(detector.stderr.contains("detector.units") && !detector.stderr.contains("missing.csv"), "\(detector.stderr)")
    try scratch.write(
      "bad-sink.yaml",
      """
      source: { plugin: csv, path: missing.csv }
      detector: { plugin: rolling-zscore }
      sink: { plugin: postgres, url: "postgresql://u:pw@127.0.0.1:1/db?connect_timeout=2" }
      """)
    let sink = try CLI.run(["detect", "bad-sink.yaml", "--out", "o"], in: scratch.url)
    #expect(sink.status == 2, "an unreachable database exits 2")
    #expect(sink.stderr.contains("cannot connect") && !sink.stderr.contains("missing.csv"), "\(sink.stderr)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("o").path), "nothing written")
  }

  /// The log's first line counts rows, features (one is one feature) and the gap policy's work,
  /// for detect and for score alike.
  @Test func theLoadedLineCountsRowsFeaturesAndGaps() throws {
    let scratch = try Scratch()
    let values = (0..<60).map { $0 == 30 ? "" : String(100 + $0 % 7) }
    try scratch.write("data.csv", "date,x\n" + values.indices.map { "\(date(18_262 + $0)),\(values[$0])\n" }.joined())
    try scratch.write(
      "run.yaml", "source: { plugin: csv, path: data.csv, gaps: ffill }\ndetector: { plugin: rolling-zscore, window: 5 }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "d", "--save-model", "m.seismo"], in: scratch.url)
    // detect names the file as the config resolves it, score as it was given.
    let line = #/loaded 60 rows × 1 feature \(\S+\) from \S*data\.csv \(gaps: 1 cells filled, 0 rows dropped\)\n/#
    #expect(detect.status == 0 && detect.stderr.contains(line), "\(detect.stderr)")
    let score = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "s"], in: scratch.url)
    #expect(score.status == 0 && score.stderr.contains(line), "\(score.stderr)")
  }

  @Test func eachIndicatorGetsItsOwnSafeFolderInsideOut() throws {
    // Indicator names come from the data: none may climb out of --out or share a folder.
    let scratch = try Scratch()
    let names = ["..", ".", "a b", "a_b", "summary.json", "A_B"]
    var rows = ["date," + names.map { "\"\($0)\"" }.joined(separator: ",")]
    for r in 0..<120 {
      rows.append("\(date(18_262 + r))," + names.indices.map { String(100 + ($0 + r) % 7) }.joined(separator: ","))
    }
    try scratch.write("data.csv", rows.joined(separator: "\n") + "\n")
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    let result = try CLI.run(["detect", "run.yaml", "--each", "--jobs", "3", "--out", "out/each", "--quiet"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    let folders = try FileManager.default.contentsOfDirectory(atPath: scratch.url.appendingPathComponent("out/each").path)
    #expect(Set(folders) == ["_.", "_", "a_b", "a_b-2", "summary.json-2", "A_B-3", "summary.json"], "\(folders)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("out/summary.json").path))
    let combined = try JSONSerialization.jsonObject(with: Data(try scratch.read("out/each/summary.json").utf8)) as! [String: Any]
    let runs = combined["runs"] as! [[String: Any]]
    #expect(runs.map { $0["indicator"] as! String } == names)
    #expect(runs.allSatisfy { $0["status"] as? String == "finished" })
    // `--jobs` sets how many indicators run at once, not what they find.
    let serial = try CLI.run(["detect", "run.yaml", "--each", "--jobs", "1", "--out", "out/serial"], in: scratch.url)
    #expect(serial.status == 0 && serial.stderr.contains("; 1 at a time"), "\(serial.stderr)")
    let one = try JSONSerialization.jsonObject(with: Data(try scratch.read("out/serial/summary.json").utf8)) as! [String: Any]
    #expect(one["jobs"] as? Int == 1 && combined["jobs"] as? Int == 3)
    let counts = { (summary: [String: Any]) in (summary["runs"] as! [[String: Any]]).map { $0["anomaly_count"] as? Int } }
    #expect(counts(one) == counts(combined))
  }

  @Test func sortedRowsAndMergedDuplicatesAreReported() throws {
    let scratch = try Scratch()
    var lines = syntheticCSV(rows: 100, spikes: []).split(separator: "\n").map(String.init)
    lines.swapAt(10, 11)  // out of order
    lines.insert(lines[50], at: 51)  // a repeated timestamp
    try scratch.write("data.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml", "source: { plugin: csv, path: data.csv, duplicates: last }\ndetector: { plugin: rolling-zscore }\n")
    let result = try CLI.run(["detect", "run.yaml", "--out", "o"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("had rows out of time order; they were sorted"), "\(result.stderr)")
    #expect(result.stderr.contains("1 rows of") && result.stderr.contains("merged (duplicates: last)"))
    let source =
      (try JSONSerialization.jsonObject(with: Data(try scratch.read("o/summary.json").utf8)) as! [String: Any])[
        "source"] as! [String: Any]
    #expect(source["sorted_by_time"] as? Bool == true && source["duplicate_rows_merged"] as? Int == 1)
    #expect(source["duplicate_policy"] as? String == "last")
  }

  @Test func setOverridesAndQuiet() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write("run.yaml", config)
    let result = try CLI.run(
      ["detect", "run.yaml", "--set", "detector.window=30", "--set", "threshold.value=100", "--out", "o", "--quiet"],
      in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.isEmpty && result.stderr.isEmpty)
    let summary = try scratch.read("o/summary.json")
    #expect(summary.contains("\"window\" : 30"))
    #expect(summary.contains("\"anomaly_count\" : 0"))
  }

  /// A required parameter left out is named where its plugin was chosen: the file's line, or the
  /// `--set` that chose it, with the `--set` that would give it.
  @Test func aMissingRequiredValueIsNamedWhereThePluginWasChosen() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write("run.yaml", config.replacingOccurrences(of: "fixed, value: 6", with: "fixed"))
    let inFile = try CLI.run(["detect", "run.yaml", "--out", "o", "--quiet"], in: scratch.url)
    #expect(inFile.status == 1)
    #expect(inFile.stderr.hasPrefix("error: run.yaml:4:"), "\(inFile.stderr)")
    #expect(inFile.stderr.contains("threshold.value: required (") && !inFile.stderr.contains("--set"), "\(inFile.stderr)")
    try scratch.write("run.yaml", config.replacingOccurrences(of: "fixed, value: 6", with: "percentile"))
    let bySet = try CLI.run(
      ["detect", "run.yaml", "--out", "o", "--quiet", "--set", "threshold.plugin=fixed"], in: scratch.url)
    #expect(bySet.status == 1)
    #expect(bySet.stderr.hasPrefix("error: --set: threshold.value: required ("), "\(bySet.stderr)")
    #expect(bySet.stderr.contains("; add --set threshold.value=VALUE"), "\(bySet.stderr)")
  }

  @Test func pluginsListsEveryPluginWithParameters() throws {
    let result = try CLI.run(["plugins"], in: FileManager.default.temporaryDirectory)
    #expect(result.status == 0)
    for name in [
      "csv", "rolling-zscore", "percentile", "fixed", "permutation", "train_fraction", "gaps (drop|ffill|error, default ffill)",
    ] {
      #expect(result.stdout.contains(name), "missing \(name)")
    }
    // Named plugins only: postgres is a source and a sink; split is a section.
    let named = try CLI.run(["plugins", "postgres", "split"], in: FileManager.default.temporaryDirectory)
    #expect(named.status == 0)
    #expect(
      named.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        == ["SOURCE PLUGINS (section `source`)", "SINK PLUGINS (section `sink`)", "SPLIT (section `split`, no plugin)"],
      "\(named.stdout)")
    #expect(named.stdout.contains("  postgres — ") && !named.stdout.contains("  csv — ") && !named.stdout.contains("merge_gap"))
    let oneKind = try CLI.run(["plugins", "postgres", "--kind", "sink"], in: FileManager.default.temporaryDirectory)
    #expect(oneKind.status == 0 && !oneKind.stdout.contains("SOURCE") && oneKind.stdout.contains("SINK"), "\(oneKind.stdout)")
  }

  /// `demo --days` sets the market's length and `--seed` draws another one.
  @Test func demoDaysAndSeedShapeTheMarket() throws {
    let scratch = try Scratch()
    for (folder, seed) in [("s7", "7"), ("s8", "8")] {
      let result = try CLI.run(["demo", "--out", folder, "--seed", seed, "--days", "300", "--quiet"], in: scratch.url)
      #expect(result.status == 0, "\(result.stderr)")
    }
    let seven = try scratch.read("s7/market.csv")
    #expect(seven.split(separator: "\n").count == 301, "a header and 300 business days")
    #expect(try scratch.read("s8/market.csv") != seven)
  }

  /// The demo writes only into a new folder, an empty one or an earlier demo's: never over a
  /// market.csv of the user's own, nor among a run's files.
  @Test func demoRefusesAFolderItDidNotWrite() throws {
    let scratch = try Scratch()
    try scratch.write("mine/market.csv", "date,mine\n")
    let refused = try CLI.run(["demo", "--out", "mine", "--days", "300", "--quiet"], in: scratch.url)
    #expect(refused.status == 1)
    #expect(
      refused.stderr
        == "error: mine: exists and is not a seismo demo folder; choose another --out (the demo writes market.csv, injected.csv, demo.yaml and run/ in it)\n"
    )
    #expect(try scratch.read("mine/market.csv") == "date,mine\n", "the user's file is untouched")
    try scratch.write("afile", "x")
    #expect(
      try CLI.run(["demo", "--out", "afile", "--quiet"], in: scratch.url).stderr
        == "error: afile: is a file; --out takes a folder\n")
    for _ in 0..<2 {  // a new folder, then the same demo folder again
      let again = try CLI.run(["demo", "--out", "d", "--days", "300", "--quiet"], in: scratch.url)
      #expect(again.status == 0, "\(again.stderr)")
    }
  }

  @Test func demoFindsTheInjectedAnomalies() throws {
    let scratch = try Scratch()
    let result = try CLI.run(["demo", "--out", "d"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("injected anomalies found: ") }
    let found = line.flatMap { Int($0.dropFirst("injected anomalies found: ".count).prefix { $0.isNumber }) }
    #expect(found == 8, "the README promises 8 of 8: \(result.stdout)")
    #expect(try scratch.read("d/market.csv").hasPrefix("date,index,vix,treasury_30y,gold\n"))
    // The written config reruns as is.
    let rerun = try CLI.run(["detect", "d/demo.yaml", "--out", "again", "--quiet"], in: scratch.url)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(try scratch.read("again/summary.json").contains("\"anomaly_count\""))
  }
}

/// The forecast skill's MASE of a run's summary.json.
private struct SkillOfSummary: Decodable {
  struct Skill: Decodable { let mase: Double? }
  let forecastSkill: Skill
  enum CodingKeys: String, CodingKey { case forecastSkill = "forecast_skill" }
}
