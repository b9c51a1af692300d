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
    // An --out that is a file is named before any epoch trains.
    try scratch.write("run.yaml", config)
    try scratch.write("taken", "")
    let taken = try CLI.run(["forecast", "run.yaml", "--out", "taken"], in: scratch.url)
    #expect(taken.status == 1 && taken.stderr == "error: taken: is a file; --out takes a folder\n", "\(taken.stderr)")
    // A split that trains on every row leaves nothing to forecast: said before any epoch (the
    // error is the only line).
    let whole = try CLI.run(["forecast", "run.yaml", "--set", "split.train_until=2099-01-01", "--out", "w"], in: scratch.url)
    #expect(
      whole.status == 1
        && whole.stderr
          == "error: the split trains on every row (200, to \(date(18_262 + 199))), which leaves none to forecast; set an earlier split.train_until or a smaller split.train_fraction\n",
      "\(whole.stderr)")
  }

  /// A forecaster of changes forecasts in the data's units: each row moves the one before by the
  /// forecast change, and a sequence compounds them. The series grows 1 % a day (log_return) or
  /// 0.5 a day (diff), with a little noise; the scaled mean change is what an untrained network
  /// already outputs, so the forecasts follow the trend that holding the last value misses.
  @Test(arguments: [("log_return", 1.01, 0.0), ("diff", 1.0, 0.5)])
  func aForecasterOfChangesForecastsInTheDataUnits(_ transform: String, _ growth: Double, _ step: Double) throws {
    let scratch = try Scratch()
    var state: UInt64 = 3
    let values = (0..<200).map { t -> Double in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let noise = Double(state >> 11) / Double(1 << 53) - 0.5
      return 100 * pow(growth, Double(t)) + step * Double(t) + 0.05 * noise
    }
    try scratch.write(
      "data.csv", "date,x\n" + values.enumerated().map { "\(date(18_262 + $0)),\($1)" }.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.75 }\n"
        + "detector: { plugin: lstm-forecaster, window: 5, units: [4], epochs: 1, seed: 1, transform: \(transform) }\n")
    let point = try forecast(scratch, ["--mode", "point", "--out", "p"])
    #expect(point.lines.count == 1 + 50 && point.lines[1][0] == Substring(date(18_262 + 150)))
    for (t, line) in zip(150..., point.lines.dropFirst()) {
      let forecast = Double(line[3])!
      let moved = transform == "log_return" ? log(forecast / values[t - 1]) : forecast - values[t - 1]
      let expected = transform == "log_return" ? log(growth) : step
      #expect(abs(moved - expected) < 0.5 * expected, "day \(t): \(forecast) after \(values[t - 1])")
    }
    // Ten days from each true value: the compounded changes stay with the trend.
    let multi = try forecast(scratch, ["--mode", "multi", "--horizon", "10", "--out", "m"])
    let errors = multi.stdout.split(separator: "\n").first { $0.hasPrefix("  x: ") }.map(String.init) ?? ""
    let numbers = errors.split(whereSeparator: { !"0123456789.e+-".contains($0) }).compactMap { Double($0) }
    try #require(numbers.count == 2, "\(multi.stdout)")
    #expect(numbers[0] < 0.25 * numbers[1], "forecast error \(numbers[0]) against holding the last value's \(numbers[1])")
  }
}
