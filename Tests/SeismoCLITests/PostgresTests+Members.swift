import Foundation
import Testing

@testable import SeismoPostgres

/// An ensemble's members' own scores and cut-offs, stored with each row (schema version 17).
extension PostgresTests {
  /// Each stored row of an ensemble keeps each member's own score and cut-off: those the member
  /// stores when it runs alone (NaN and Infinity before its first score and cut-off). One
  /// detector's rows keep none. `--new-rows` resumes the members' rules from them: the appended
  /// rows are those `detect` gives over the grown table; with them removed (a run stored before
  /// version 17) it scores the history again to the same rows; with a member's stored scores
  /// changed, its rule goes on from the changed ones, so it read them.
  @Test func anEnsembleKeepsEachMembersOwnScoresAndResumesFromThem() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 230, spikes: [150, 215], ["old.csv": 0..<200, "new.csv": 200..<230])
    try ingest(scratch, "old.csv")
    let head = "source: { plugin: postgres, url: \"\(url)\", schema: \(schema), table: m }\nsplit: { train_fraction: 0.5 }\n"
    let sink = "sink: { plugin: postgres, url: \"\(url)\", save_model: true }\n"
    let first =
      "detector: { plugin: rolling-zscore, window: 20 }\nthreshold: { plugin: dynamic, window: 40, min_history: 10, refresh: 10 }\n"
    let second = (detector: "{ plugin: rolling-zscore, window: 40, transform: diff }", threshold: "{ plugin: fixed, value: 3 }")
    let ensemble =
      head + first + "ensemble:\n  - detector: \(second.detector)\n    threshold: \(second.threshold)\n" + sink
    var runs: [String: String] = [:]
    for (name, config) in [
      ("alone1", head + first + sink), ("alone2", head + "detector: \(second.detector)\nthreshold: \(second.threshold)\n" + sink),
      ("kept", ensemble), ("dropped", ensemble), ("changed", ensemble),
    ] {
      try scratch.write("\(name).yaml", config)
      let detect = try CLI.run(["detect", "\(name).yaml", "--out", name, "--quiet"], in: scratch.url)
      try #require(detect.status == 0, "\(name): \(detect.stderr)")
      runs[name] = try storedRunID(scratch, name)
    }
    let key = "(SELECT id FROM seismo.runs WHERE run_id = $1)"
    let own = try sql(
      """
      SELECT e.member_scores::text, e.member_cutoffs::text, a.score::text, a.threshold::text, b.score::text, b.threshold::text
      FROM seismo.scores e
      LEFT JOIN seismo.scores a ON a.run = (SELECT id FROM seismo.runs WHERE run_id = $2) AND a.row_no = e.row_no
      LEFT JOIN seismo.scores b ON b.run = (SELECT id FROM seismo.runs WHERE run_id = $3) AND b.row_no = e.row_no
      WHERE e.run = \(key) ORDER BY e.row_no
      """, [runs["kept"], runs["alone1"], runs["alone2"]])
    #expect(own.count == 180, "rows 20–199: the first member's warm-up is 20 rows")
    let unlike = own.filter { row in
      row[0] != "{\(row[2] ?? "NaN"),\(row[4] ?? "NaN")}" || row[1] != "{\(row[3] ?? "Infinity"),\(row[5] ?? "Infinity")}"
    }
    #expect(unlike.isEmpty, "each member's own, as it stores them alone: \(unlike.prefix(3))")
    #expect(own.contains { $0[4] == nil } && own.contains { $0[3] != nil && $0[3] != own[0][3] }, "both kinds of rows")
    #expect(
      try sql("SELECT count(*) FROM seismo.scores WHERE run = \(key) AND member_scores IS NOT NULL", [runs["alone1"]])
        == [["0"]])

    // `evaluate --run` judges each member alone, as the member's own stored run is judged.
    try scratch.write("labels.txt", "\(date(18_262 + 150))\n\(date(18_262 + 180))\n")
    func evaluated(_ runID: String) throws -> String {
      let judged = try CLI.run(["evaluate", "--run", runID, "--url", url, "--labels", "labels.txt", "--nab"], in: scratch.url)
      #expect(judged.status == 0, "\(judged.stderr)")
      return judged.stdout
    }
    let whole = try evaluated(runs["kept"]!).split(separator: "\n")
    for k in 1...2 {
      let member = whole.drop { !$0.hasPrefix("member \(k), ") }.dropFirst().prefix(4).map { $0.dropFirst(2) }
      let alone = try evaluated(runs["alone\(k)"]!).split(separator: "\n").dropFirst()
      #expect(member.count == 4 && member == Array(alone), "member \(k): \(member) against \(alone)")
    }

    try sql("UPDATE seismo.scores SET member_scores = NULL, member_cutoffs = NULL WHERE run = \(key)", [runs["dropped"]])
    try sql("UPDATE seismo.scores SET member_scores[1] = member_scores[1] * 3 WHERE run = \(key)", [runs["changed"]])
    try ingest(scratch, "new.csv", [])
    for name in ["kept", "dropped", "changed"] {
      let scored = try CLI.run(["score", "--run", runs[name]!, "--url", url, "--new-rows", "--quiet"], in: scratch.url)
      #expect(scored.status == 0 || scored.status == 3, "\(name): \(scored.stderr)")
    }
    let grown = try CLI.run(["detect", "kept.yaml", "--out", "grown", "--quiet"], in: scratch.url)
    try #require(grown.status == 0, "\(grown.stderr)")
    /// Each appended row's margin, cut-off and members' own, as text.
    func appended(_ runID: String) throws -> [[String?]] {
      try sql(
        """
        SELECT score::text, threshold::text, member_scores::text, member_cutoffs::text FROM seismo.scores
        WHERE run = \(key) AND row_no >= 200 ORDER BY row_no
        """, [runID])
    }
    func near(_ a: [[String?]], _ b: [[String?]]) -> Bool {
      func numbers(_ text: String?) -> [Float] {
        (text ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap {
          Float(String($0))
        }
      }
      return a.count == b.count
        && zip(a, b).allSatisfy { x, y in
          zip(x, y).allSatisfy { u, v in
            let (p, q) = (numbers(u), numbers(v))
            return p.count == q.count && zip(p, q).allSatisfy { $0 == $1 || abs($0 - $1) <= 1e-5 * max(1, abs($0)) }
          }
        }
    }
    let grownRows = try appended(try storedRunID(scratch, "grown"))
    #expect(grownRows.count == 30)
    #expect(near(try appended(runs["kept"]!), grownRows), "resumed from the members' own stored scores")
    #expect(near(try appended(runs["dropped"]!), grownRows), "resumed by scoring the history again")
    let changed = try appended(runs["changed"]!)
    #expect(changed.count == 30 && !near(changed, grownRows), "the dynamic rule went on from the changed scores")
    // Each event keeps the members that flag its rows, extended with the appended rows as
    // `detect` over the grown table stores them.
    func events(_ runID: String) throws -> [[String?]] {
      try sql(
        "SELECT start_ts::text, end_ts::text, flagged_by::text FROM seismo.current_events WHERE run_id = $1 ORDER BY start_ts",
        [runID])
    }
    let grownEvents = try events(try storedRunID(scratch, "grown"))
    #expect(!grownEvents.isEmpty && grownEvents.allSatisfy { $0[2] != nil }, "\(grownEvents)")
    #expect(try events(runs["kept"]!) == grownEvents)
    #expect(try events(runs["alone1"]!).allSatisfy { $0[2] == nil }, "one detector's have none")
  }

  /// `seismo watch` on an ensemble announces with each anomaly the members that flag it
  /// (`flagged_by`, numbered from 1), as the members' own stored scores and cut-offs say.
  @Test func aWatchedEnsembleSaysWhichMembersFlagged() throws {
    let scratch = try Scratch()
    try migrate(scratch)
    try scratch.writeSyntheticParts(rows: 230, spikes: [150, 215], ["old.csv": 0..<200, "new.csv": 200..<230])
    try ingest(scratch, "old.csv")
    let (runID, watcher) = try watching(
      scratch,
      """
      source: { plugin: postgres, url: "\(url)", schema: \(schema), table: m }
      split: { train_fraction: 0.5 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      ensemble:
        - detector: { plugin: rolling-zscore, window: 40, transform: diff }
          threshold: { plugin: fixed, value: 3 }
      """)
    defer { if watcher.process.isRunning { watcher.process.terminate() } }
    let listener = try PGConnection(url)
    try listener.execute("LISTEN seismo_anomaly")
    try feed(scratch, [("new.csv", "210")], to: watcher, of: runID)
    // The rows are stored before they are announced, each in a NOTIFY of its own: wait for all.
    let flagging = try sql(
      """
      SELECT to_char(s.ts, 'YYYY-MM-DD'),
        array_to_string(ARRAY(SELECT k FROM generate_subscripts(s.member_scores, 1) k
          WHERE s.member_scores[k] > s.member_cutoffs[k] ORDER BY k), ',')
      FROM seismo.scores s JOIN seismo.runs r ON r.id = s.run WHERE r.run_id = $1 AND s.row_no >= 200 AND s.is_anomaly
      ORDER BY s.ts
      """, [runID])
    var announced: [[String: Any]] = []
    let deadline = Date().addingTimeInterval(30)
    while announced.count < flagging.count, Date() < deadline {
      announced += try listener.notifications(waitingUpTo: 1).filter { $0.payload.contains("\"\(runID)\"") }.compactMap {
        try JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as? [String: Any]
      }
    }
    try #require(!flagging.isEmpty && announced.count == flagging.count, "announced \(announced), stored \(flagging)")
    for (payload, row) in zip(announced, flagging) {
      let members = (payload["flagged_by"] as? [Int])?.map(String.init).joined(separator: ",")
      #expect(payload["ts"] as? String == row[0] && members == row[1] && members?.isEmpty == false, "\(payload)")
    }
  }
}
