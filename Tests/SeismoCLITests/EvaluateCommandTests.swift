import Foundation
import Testing

@Suite struct EvaluateCommandTests {
  @Test func pointwiseAndPointAdjustedAgainstAHandCount() throws {
    let scratch = try Scratch()
    // Spikes at rows 100, 250, 320 are the only flags (fixed threshold 6); rows ≥ 240 are test.
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [100, 250, 320]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: fixed, value: 6 }
      """)
    #expect(try CLI.run(["detect", "run.yaml", "--out", "r", "--quiet"], in: scratch.url).status == 0)
    // Labels: one event of two days (250, 251) and one of a day (300), plus a training day (100).
    try scratch.write(
      "labels.txt", "timestamp\n" + [100, 250, 251, 300].map { date(18_262 + $0) }.joined(separator: "\n") + "\n")
    let result = try CLI.run(["evaluate", "r", "--labels", "labels.txt"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    // Test part: flags 250, 320. Point-wise TP 1, FP 1, FN 2; adjusted: event 250–251 found → TP 2, FP 1, FN 1.
    #expect(result.stdout.contains("160 scored rows (test), 3 labelled in 2 events; 1 events flagged"), "\(result.stdout)")
    #expect(result.stdout.contains("point-wise      precision 0.500  recall 0.333  F1 0.400  (TP 1, FP 1, FN 2)"))
    #expect(result.stdout.contains("point-adjusted  precision 0.667  recall 0.667  F1 0.667  (TP 2, FP 1, FN 1)"))
    let json = try JSONSerialization.jsonObject(with: Data(try scratch.read("r/evaluation.json").utf8)) as! [String: Any]
    #expect((json["point_adjusted"] as! [String: Any])["true_positives"] as? Int == 2)

    // A 0/1 label column works the same way, and --part all includes the training flag at 100.
    let rows = (0..<400).map { "\(date(18_262 + $0)),\([100, 250, 251, 300].contains($0) ? 1 : 0)" }
    try scratch.write("labels.csv", "date,y\n" + rows.joined(separator: "\n") + "\n")
    let all = try CLI.run(["evaluate", "r", "--labels", "labels.csv", "--label-column", "y", "--part", "all"], in: scratch.url)
    #expect(all.stdout.contains("point-wise      precision 0.667  recall 0.500  F1 0.571  (TP 2, FP 1, FN 2)"), "\(all.stdout)")

    let bad = try CLI.run(["evaluate", "r", "--labels", "labels.csv", "--label-column", "z"], in: scratch.url)
    #expect(bad.status == 1)
    #expect(bad.stderr.hasPrefix("error: labels.csv:1: unknown column 'z'"))
  }
}
