import Foundation
import Testing

/// `seismo forecast`: the pipeline fits the forecaster as detect would, which then forecasts the
/// test part in the data's units.
@Suite struct ForecastCommandTests {
  let config = """
    source: { plugin: csv, path: data.csv }
    split: { train_fraction: 0.75 }
    detector: { plugin: lstm-forecaster, window: 5, units: [4], epochs: 2, seed: 1 }
    """

  func forecast(_ scratch: Scratch, _ arguments: [String]) throws -> (lines: [[Substring]], stdout: String) {
    let result = try CLI.run(["forecast", "run.yaml", "--quiet"] + arguments, in: scratch.url)
    try #require(result.status == 0, "\(result.stderr)")
    let lines = try scratch.read("\(arguments.last!)/forecast.csv").split(separator: "\n")
    return (lines.map { $0.split(separator: ",", omittingEmptySubsequences: false) }, result.stdout)
  }

  @Test func modesForecastTheTestPartAndRestartAsTold() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: []))
    try scratch.write("run.yaml", config)
    let point = try forecast(scratch, ["--mode", "point", "--out", "p"])
    #expect(point.lines[0] == ["timestamp", "sequence", "actual_a", "forecast_a", "actual_b", "forecast_b"])
    #expect(point.lines.count == 1 + 50, "the 50 test rows")
    #expect(point.lines[1][0] == Substring(date(18_262 + 150)))
    #expect(point.stdout.contains("a: mean absolute error") && point.stdout.contains("b: mean absolute error"))
    let sequences = { (lines: [[Substring]]) -> [Int] in lines.dropFirst().compactMap { Int($0[1]) } }
    let days = Array(0..<50)
    #expect(sequences(point.lines) == days, "each day its own sequence")
    let multi = try forecast(scratch, ["--mode", "multi", "--horizon", "20", "--out", "m"])
    let restarts = days.map { $0 / 20 }
    #expect(sequences(multi.lines) == restarts)
    let full = try forecast(scratch, ["--mode", "full", "--out", "f"])
    #expect(Set(sequences(full.lines)) == [0])
    // From its own forecasts, the full sequence drifts from the one-step forecasts after the first day.
    #expect(full.lines[1][3] == point.lines[1][3] && full.lines[10][3] != point.lines[10][3])
    let actual = { (lines: [[Substring]]) -> [Substring] in lines.dropFirst().map { $0[2] } }
    #expect(actual(full.lines) == actual(point.lines), "the same actual values")

    // Beside each error, the naive forecast's, by hand: each row forecast as the last row its
    // sequence was given (rows 150–199 are the test part).
    let a = try scratch.read("data.csv").split(separator: "\n").dropFirst().map { Float($0.split(separator: ",")[1])! }
    func naive(_ lastKnown: (Int) -> Int) -> String {
      let sum = (150..<200).map { Double(abs(a[$0] - a[lastKnown($0)])) }.reduce(0, +)
      return "(holding the last known value: \(String(format: "%.4g", sum / 50)))\n"
    }
    let cases: [(String, (Int) -> Int)] = [
      (point.stdout, { $0 - 1 }), (multi.stdout, { 150 + ($0 - 150) / 20 * 20 - 1 }), (full.stdout, { _ in 149 }),
    ]
    for (stdout, lastKnown) in cases {
      let line = stdout.split(separator: "\n").first { $0.hasPrefix("  a: ") } ?? ""
      #expect(line.hasSuffix(naive(lastKnown).dropLast()), "\(stdout)")
    }
    #expect(naive { $0 - 1 } != naive { _ in 149 }, "the modes' naive forecasts differ")
  }

  /// A forecast prints no importance, so a config's importance is not computed for it.
  @Test func aConfigsImportanceIsNotComputed() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: []))
    try scratch.write("run.yaml", config + "\nimportance: { plugin: permutation, repeats: 2 }\n")
    let result = try CLI.run(["forecast", "run.yaml", "--out", "p"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("trained lstm-forecaster") && !result.stderr.contains("importance"), "\(result.stderr)")
  }

  @Test func whatForecastCannotDoIsRefusedBeforeTraining() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: []))
    for (extra, expected) in [
      ("split: { train_fraction: 0.75, refit_every: 20 }\n", "split.refit_every: forecast fits one forecaster once"),
      ("ensemble:\n  - detector: { plugin: rolling-zscore }\n", "ensemble: forecast fits one forecaster once"),
    ] {
      try scratch.write("run.yaml", config.replacingOccurrences(of: "split: { train_fraction: 0.75 }\n", with: "") + "\n" + extra)
      let result = try CLI.run(["forecast", "run.yaml", "--out", "x"], in: scratch.url)
      #expect(result.status == 1 && result.stderr.contains(expected), "\(result.stderr)")
    }
    // Refused before anything is loaded or trained.
    try scratch.write("run.yaml", config.replacingOccurrences(of: "seed: 1", with: "seed: 1, transform: log_return"))
    let result = try CLI.run(["forecast", "run.yaml", "--out", "x"], in: scratch.url)
    #expect(result.status == 1)
    #expect(
      result.stderr
        == "error: run.yaml: detector.transform: forecast speaks the data's units, so it needs transform: level, not log_return\n",
      "\(result.stderr)")
  }
}
