import Foundation
import Testing

@testable import LSTMAutoencoder
@testable import LSTMForecaster
@testable import SeismoCore
@testable import Thresholds

/// Two smooth, noisy, correlated features with one-day spikes injected at `spikes` (rows).
func syntheticFrame(rows: Int, spikes: [Int], seed: UInt64 = 4) throws -> Frame {
  var random = SeededGenerator(seed: seed)
  var values: [Float] = []
  for r in 0..<rows {
    let phase = Double(r) * 2 * .pi / 25
    var a = sin(phase) + 0.05 * random.nextGaussian()
    var b = 0.6 * cos(phase) + 0.3 * sin(phase) + 0.05 * random.nextGaussian()
    if spikes.contains(r) {
      if r % 2 == 0 { a += 2.5 } else { b -= 2.5 }
    }
    values += [Float(a), Float(b)]
  }
  return try Frame(
    timestamps: (0..<rows).map { Timestamp($0) * 86_400 }, featureNames: ["a", "b"], values: values, source: "synthetic")
}

func parameters(_ specs: [ParameterSpec], _ values: [String: ParameterValue]) -> Parameters {
  Parameters(specs: specs, values: values)
}

/// Runs fit on the head, score on all, a 99th-percentile threshold on training scores; returns
/// (recall, precision) where an injection counts as found when a flag lands within `tolerance`
/// rows after it, and a flag is correct when it lands within `tolerance` rows after an injection.
func evaluate(_ detector: Detector, frame: Frame, trainRows: Int, spikes: [Int], tolerance: Int) throws -> (
  Double, Double, Scores
) {
  _ = try detector.fit(frame.rows(0..<trainRows), observer: nil)
  let scores = try detector.score(frame)
  let trainScores = Array(scores.values.prefix(trainRows - scores.firstRow))
  let cut = try PercentileThreshold(percentile: 99).calibrate(trainingScores: trainScores)
  let flagged = scores.values.indices.filter { scores.values[$0] > cut }.map { $0 + scores.firstRow }.filter { $0 >= trainRows }
  let found = spikes.filter { s in flagged.contains { $0 >= s && $0 <= s + tolerance } }
  let correct = flagged.filter { f in spikes.contains { f >= $0 && f <= $0 + tolerance } }
  return (Double(found.count) / Double(spikes.count), flagged.isEmpty ? 0 : Double(correct.count) / Double(flagged.count), scores)
}

@Suite struct LSTMAutoencoderTests {
  static let spikes = [330, 352, 371, 393]

  func detector(_ extra: [String: ParameterValue] = [:]) throws -> LSTMAutoencoderDetector {
    var values: [String: ParameterValue] = [
      "window": .integer(10), "units": .integer(12), "epochs": .integer(12), "seed": .integer(3),
    ]
    values.merge(extra) { $1 }
    return try LSTMAutoencoderDetector(parameters: parameters(LSTMAutoencoderDetector.descriptor.parameters, values))
  }

  @Test func findsInjectedSpikesWithGoodPrecision() throws {
    let frame = try syntheticFrame(rows: 410, spikes: Self.spikes)
    let (recall, precision, scores) = try evaluate(detector(), frame: frame, trainRows: 320, spikes: Self.spikes, tolerance: 9)
    #expect(recall >= 0.75, "recall \(recall)")
    #expect(precision >= 0.6, "precision \(precision)")
    // The score of the window ending at a spike's row names the spiked feature.
    let i = Self.spikes[0] - scores.firstRow
    #expect(scores.topFeature(at: i) == 0, "spike at an even row is on feature a")
  }

  @Test func scoreBelongsToTheWindowsLastRowAndIsTheMeanOfFeatureErrors() throws {
    let frame = try syntheticFrame(rows: 120, spikes: [])
    let d = try detector(["epochs": .integer(1)])
    _ = try d.fit(frame.rows(0..<100), observer: nil)
    let scores = try d.score(frame)
    #expect(scores.firstRow == 9)
    #expect(scores.values.count == 120 - 10 + 1)
    for i in [0, 50, scores.values.count - 1] {
      let mean = (scores.featureErrors[2 * i] + scores.featureErrors[2 * i + 1]) / 2
      #expect(abs(scores.values[i] - mean) < 1e-6)
    }
  }

  @Test func attributionByHand() {
    // Window 2, one feature, windows [1,2] [2,3] [3,4] reconstructed as [1,2] [2,5] [3,4]:
    // absolute errors w0 (0,0), w1 (0,2), w2 (0,0).
    let x: [Float] = [1, 2, 2, 3, 3, 4]
    let y: [Float] = [1, 2, 2, 5, 3, 4]
    let last = LSTMAutoencoderDetector.reconstructionErrors(
      inputs: x, outputs: y, windows: 3, window: 2, features: 1, attribution: .lastStep)
    #expect(last.scores == [0, 1, 0])
    // Rows 0…3: row 2 lies in w1 (error 2) and w2 (error 0) → 1.
    let mean = LSTMAutoencoderDetector.reconstructionErrors(
      inputs: x, outputs: y, windows: 3, window: 2, features: 1, attribution: .meanOverWindows)
    #expect(mean.scores == [0, 0, 1, 0])
    #expect(mean.errors == mean.scores)
    // last_row: each window's error at its own last step: w0 0, w1 |5 − 3| = 2, w2 0.
    let lastRow = LSTMAutoencoderDetector.reconstructionErrors(
      inputs: x, outputs: y, windows: 3, window: 2, features: 1, attribution: .lastRow)
    #expect(lastRow.scores == [0, 2, 0])
  }

  @Test func meanOverWindowsScoresEveryRowAndPutsTheFlagOnTheSpike() throws {
    let frame = try syntheticFrame(rows: 410, spikes: Self.spikes)
    let d = try detector(["attribution": .text("mean_over_windows")])
    _ = try d.fit(frame.rows(0..<320), observer: nil)
    let s = try d.score(frame)
    #expect(s.firstRow == 0 && s.values.count == 410)
    for spike in Self.spikes {
      let stretch = (spike - 9)...(spike + 9)
      #expect(stretch.max { s.values[$0] < s.values[$1] } == spike, "the spike's own row scores highest near it")
    }
  }

  @Test func changesShiftTheFirstScoredRowByOne() throws {
    let frame = try syntheticFrame(rows: 80, spikes: [])
    let d = try detector(["epochs": .integer(1), "transform": .text("diff")])
    _ = try d.fit(frame, observer: nil)
    let s = try d.score(frame)
    #expect(s.firstRow == 10)
    #expect(s.values.count == 80 - 1 - 10 + 1)
  }

  @Test func sameSeedSameScores() throws {
    let frame = try syntheticFrame(rows: 150, spikes: [])
    func run() throws -> [Float] {
      let d = try detector(["epochs": .integer(2)])
      _ = try d.fit(frame.rows(0..<120), observer: nil)
      return try d.score(frame).values
    }
    #expect(try run() == run())
  }

  @Test func reportsEpochsAndRejectsShortOrForeignData() throws {
    let frame = try syntheticFrame(rows: 60, spikes: [])
    let d = try detector(["epochs": .integer(2)])
    var seen: [Int] = []
    let report = try d.fit(
      frame,
      observer: { record, planned in
        seen.append(record.epoch)
        #expect(planned == 2)
      })
    #expect(report.history.count == 2 && seen == [1, 2])
    #expect(report.history.allSatisfy { $0.validationLoss != nil })
    #expect(throws: SeismoError.invalidInput("the data has 5 rows, fewer than one window of 10")) {
      try d.score(frame.rows(0..<5))
    }
    let other = try Frame(timestamps: [0, 1], featureNames: ["x", "y"], values: [1, 2, 3, 4])
    #expect(throws: SeismoError.self) { try d.score(other) }
    #expect(throws: SeismoError.invalidInput("the training part has 8 rows, fewer than one window of 10")) {
      try self.detector().fit(frame.rows(0..<8), observer: nil)
    }
  }
}

@Suite struct LSTMForecasterTests {
  static let spikes = [331, 350, 372, 390]

  func detector(_ extra: [String: ParameterValue] = [:]) throws -> LSTMForecasterDetector {
    var values: [String: ParameterValue] = [
      "window": .integer(8), "units": .integerList([16]), "epochs": .integer(15), "seed": .integer(5),
      "activation": .text("tanh"),
    ]
    values.merge(extra) { $1 }
    return try LSTMForecasterDetector(parameters: parameters(LSTMForecasterDetector.descriptor.parameters, values))
  }

  @Test func flagsTheSpikedDays() throws {
    // A spike also disturbs the next `window` forecasts (it sits in their inputs), so flags within
    // a window after it count; and the largest score of each such stretch is the spike's own day.
    let frame = try syntheticFrame(rows: 410, spikes: Self.spikes)
    let (recall, precision, scores) = try evaluate(detector(), frame: frame, trainRows: 320, spikes: Self.spikes, tolerance: 8)
    #expect(recall >= 0.75, "recall \(recall)")
    #expect(precision >= 0.6, "precision \(precision)")
    for spike in Self.spikes {
      let stretch = (spike - 8)...(spike)
      #expect(stretch.max { scores.values[$0] < scores.values[$1] } == spike - 8, "spike at \(spike)")
    }
    #expect(scores.firstRow == 8)
    #expect(scores.topFeature(at: Self.spikes[1] - 8) == 0)
    #expect(scores.topFeature(at: Self.spikes[0] - 8) == 1)
  }

  @Test func windowNormalizationMatchesTheUnivariateSeed() throws {
    // p/p0 − 1 per window: a series doubling every step gives inputs 0, 1, 3, … and target 2^w − 1.
    let d = try detector(["window": .integer(3), "normalization": .text("window")])
    let (x, y) = try d.samples([1, 2, 4, 8, 16], featureCount: 1, context: "t")
    #expect(x.values == [0, 1, 3, 0, 1, 3])
    #expect(y.values == [7, 7])
    #expect(throws: SeismoError.self) { try d.samples([0, 1, 2, 3], featureCount: 1, context: "t") }
  }

  @Test func scoreIsTheMeanAbsoluteForecastError() throws {
    let frame = try syntheticFrame(rows: 80, spikes: [])
    let d = try detector(["epochs": .integer(1)])
    _ = try d.fit(frame, observer: nil)
    let s = try d.score(frame)
    #expect(s.values.count == 72)
    for i in [0, 40, 71] { #expect(abs(s.values[i] - (s.featureErrors[2 * i] + s.featureErrors[2 * i + 1]) / 2) < 1e-6) }
  }

  /// The naive forecast repeats each window's last row, in the units the model's errors are in
  /// (worked by hand on 1, 2, 4, 7, 11 with a window of 2): its scaled levels, a change of 0
  /// scaled as the changes are, or the last row relative to the window's first.
  @Test func naiveErrorsAreThoseOfRepeatingTheLastValue() throws {
    let frame = try Frame(timestamps: (0..<5).map { Timestamp($0) * 86_400 }, featureNames: ["x"], values: [1, 2, 4, 7, 11])
    func naive(_ extra: [String: ParameterValue]) throws -> Scores {
      let d = try detector(["window": .integer(2), "epochs": .integer(1)].merging(extra) { $1 })
      _ = try d.fit(frame, observer: nil)
      return try #require(try d.naiveErrors(frame))
    }
    // Levels min-max scaled, (x − 1) / 10: 0, .1, .3, .6, 1; each target less the row before it.
    let levels = try naive(["scaler": .text("minmax")])
    #expect(levels.firstRow == 2 && zip(levels.featureErrors, [0.2, 0.3, 0.4]).allSatisfy { abs($0 - $1) < 1e-6 })
    // Changes 1, 2, 3, 4 scaled (Δ − 1) / 3; no change is −1/3, so the errors are Δ / 3.
    let changes = try naive(["scaler": .text("minmax"), "transform": .text("diff")])
    #expect(changes.firstRow == 3 && zip(changes.featureErrors, [1, 4.0 / 3]).allSatisfy { abs($0 - $1) < 1e-6 })
    // Relative to each window's first: [0, 1] → 3, [0, 1] → 2.5, [0, .75] → 1.75.
    let relative = try naive(["normalization": .text("window")])
    #expect(zip(relative.featureErrors, [2, 1.5, 1]).allSatisfy { abs($0 - $1) < 1e-6 })
    #expect(levels.values == levels.featureErrors, "one feature: the row's mean is its error")
  }

  @Test func badUnitsAreAConfigError() {
    #expect(throws: SeismoError.self) { try self.detector(["units": .integerList([])]) }
  }
}

@Suite struct ForecastModeTests {
  /// A price-like series: 1000 · (1 + 0.1 sin) with noise, one feature.
  func prices(_ rows: Int) throws -> Frame {
    var random = SeededGenerator(seed: 9)
    let values = (0..<rows).map { Float(1000 * (1 + 0.1 * sin(Double($0) / 6)) + 2 * random.nextGaussian()) }
    return try Frame(timestamps: (0..<rows).map { Timestamp($0) * 86_400 }, featureNames: ["close"], values: values)
  }

  @Test func modesRestartAsDocumentedAndStayInPriceUnits() throws {
    let frame = try prices(200)
    let d = try LSTMForecasterDetector(
      parameters: parameters(
        LSTMForecasterDetector.descriptor.parameters,
        [
          "window": .integer(10), "units": .integerList([12]), "epochs": .integer(30), "activation": .text("tanh"),
          "normalization": .text("window"), "seed": .integer(1),
        ]))
    _ = try d.fit(frame.rows(0..<160), observer: nil)
    let point = try d.forecast(frame, from: 160, mode: .pointByPoint)
    let multiOne = try d.forecast(frame, from: 160, mode: .multiSequence(horizon: 1))
    let full = try d.forecast(frame, from: 160, mode: .fullSequence)
    let multi = try d.forecast(frame, from: 160, mode: .multiSequence(horizon: 10))
    #expect(point.count == 40 && full.count == 40)
    #expect(point == multiOne, "a horizon of one restarts every step: point-by-point")
    #expect(full[0] == point[0] && multi[0] == point[0], "every mode starts from the true window")
    #expect(multi[10] == point[10], "multi restarts from the true window every horizon")
    #expect(full[10] != point[10])
    let mae = zip(point, frame.values[160...]).map { abs($0 - $1) }.reduce(0, +) / 40
    #expect(mae < 30, "point forecasts are in price units and close (MAE \(mae) on a ±100 swing)")
    #expect(throws: SeismoError.self) { try d.forecast(frame, from: 5, mode: .pointByPoint) }
  }
}
