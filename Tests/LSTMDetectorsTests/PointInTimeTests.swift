import Foundation
import SeismoNeural
import Testing

@testable import LSTMAutoencoder
@testable import LSTMForecaster
@testable import RollingZScore
@testable import SeismoCore
@testable import Thresholds

/// Every detector, with every transform and causal attribution, must (1) train and score on
/// identically prepared data and (2) score row t from rows ≤ t only.
@Suite struct PointInTimeTests {
  /// The detectors under test, small enough to train in a second.
  static func detectors(transform: SeriesTransform) throws -> [(String, Detector)] {
    let t: ParameterValue = .text(transform.rawValue)
    let nn: [String: ParameterValue] = [
      "epochs": .integer(60), "learning_rate": .number(0.01), "seed": .integer(2), "transform": t,
    ]
    return [
      (
        "rolling-zscore",
        try RollingZScoreDetector(
          parameters: parameters(
            RollingZScoreDetector.descriptor.parameters,
            ["window": .integer(8), "transform": t, "min_std": .number(0.01)]))
      ),
      (
        "lstm-forecaster",
        try LSTMForecasterDetector(
          parameters: parameters(
            LSTMForecasterDetector.descriptor.parameters,
            nn.merging(["window": .integer(6), "units": .integerList([8]), "activation": .text("tanh")]) { $1 }))
      ),
      (
        "lstm-autoencoder last_step",
        try LSTMAutoencoderDetector(
          parameters: parameters(
            LSTMAutoencoderDetector.descriptor.parameters, nn.merging(["window": .integer(6), "units": .integer(8)]) { $1 }))
      ),
      (
        "lstm-autoencoder last_row",
        try LSTMAutoencoderDetector(
          parameters: parameters(
            LSTMAutoencoderDetector.descriptor.parameters,
            nn.merging(["window": .integer(6), "units": .integer(8), "attribution": .text("last_row")]) { $1 }))
      ),
    ]
  }

  /// A geometric series, x(t) = 2ᵗ and 2⁻ᵗ: log returns exactly ±ln 2 in Float (rows ≤ 126).
  static func geometric(rows: Int) throws -> Frame {
    let values = (0..<rows).flatMap { r in [Float(pow(2, Double(r))), Float(pow(2, -Double(r)))] }
    return try Frame(timestamps: (0..<rows).map { Timestamp($0) * 86_400 }, featureNames: ["up", "down"], values: values)
  }

  @Test(arguments: [SeriesTransform.logReturn])
  func constantChangesGiveNearZeroError(_ transform: SeriesTransform) throws {
    // Under log_return a geometric series is a constant input. A detector that trained on the
    // transformed rows reproduces it; one that trained on levels and scores returns (the old
    // forecaster) is off by the whole level range.
    let frame = try Self.geometric(rows: 120)
    for (name, detector) in try Self.detectors(transform: transform) {
      _ = try detector.fit(frame.rows(0..<90), observer: nil)
      let scores = try detector.score(frame)
      let worst = scores.values.max() ?? .infinity
      #expect(worst < 0.1, "\(name): largest score \(worst) on a constant input")
    }
  }

  @Test(arguments: SeriesTransform.allCases)
  func appendingRowsNeverChangesEarlierScores(_ transform: SeriesTransform) throws {
    // Shifted positive, so log returns exist.
    let synthetic = try syntheticFrame(rows: 160, spikes: [130])
    let full = try Frame(
      timestamps: synthetic.timestamps, featureNames: synthetic.featureNames, values: synthetic.values.map { $0 + 5 })
    let head = full.rows(0..<140)
    for (name, detector) in try Self.detectors(transform: transform) {
      #expect(detector.lookahead == 0, "\(name) is causal")
      _ = try detector.fit(full.rows(0..<100), observer: nil)
      let short = try detector.score(head)
      let long = try detector.score(full)
      #expect(short.firstRow == long.firstRow)
      let drift = zip(short.values, long.values).map { abs($0 - $1) }.max() ?? 0
      #expect(drift <= 1e-5 * max(1, short.values.max() ?? 1), "\(name) \(transform): an earlier score moved by \(drift)")
    }
  }

  @Test func meanOverWindowsLooksAheadAndSaysSo() throws {
    let d = try LSTMAutoencoderDetector(
      parameters: parameters(
        LSTMAutoencoderDetector.descriptor.parameters,
        ["window": .integer(6), "units": .integer(8), "epochs": .integer(2), "attribution": .text("mean_over_windows")]))
    #expect(d.lookahead == 5)
    let full = try syntheticFrame(rows: 160, spikes: [138])
    _ = try d.fit(full.rows(0..<100), observer: nil)
    let short = try d.score(full.rows(0..<140))
    let long = try d.score(full)
    // The last rows of the short series are averaged over fewer windows: appending changes them.
    let moved = zip(short.values, long.values).suffix(5).filter { abs($0 - $1) > 1e-6 }.count
    #expect(moved > 0)
  }

  @Test func thresholdRulesNeverMoveAnEarlierCutoff() throws {
    var random = SeededGenerator(seed: 9)
    let scores = (0..<600).map { _ in Float(abs(random.nextGaussian())) }
    let rules: [Threshold] = [
      PercentileThreshold(percentile: 95),
      LikelihoodThreshold(shortWindow: 5, longWindow: 200, minHistory: 50, tailProbability: 1e-3),
    ]
    for rule in rules {
      let calibrated = try rule.calibrate(trainingScores: Array(scores.prefix(300)))
      let short = rule.cutoffs(for: Array(scores.prefix(450)), calibrationCount: 300, calibrated: calibrated)
      let long = rule.cutoffs(for: scores, calibrationCount: 300, calibrated: calibrated)
      #expect(short == Array(long.prefix(450)), "\(type(of: rule))")
    }
  }

  @Test func anEnsemblesEarlierScoresAndFlagsNeverMove() throws {
    var registry = PluginRegistry()
    registry.register(detector: RollingZScoreDetector.self)
    registry.register(detector: LSTMForecasterDetector.self)
    registry.register(threshold: DynamicThreshold.self)
    func choice(_ plugin: String, _ values: [String: ParameterValue]) -> PluginChoice {
      PluginChoice(plugin: plugin, parameters: Parameters(values))
    }
    let dynamic = choice(
      "dynamic", ["window": .integer(100), "min_history": .integer(20), "refresh": .integer(10), "smoothing_span": .integer(1)])
    let config = RunConfig(
      source: choice("memory", [:]),
      // The same 100 training rows for any length of series.
      split: Parameters(
        specs: SplitPolicy.parameters, values: ["train_fraction": .number(0.9), "max_train_rows": .integer(100)]),
      detector: choice("rolling-zscore", ["window": .integer(8)]), threshold: dynamic,
      ensemble: [
        EnsembleMember(
          detector: choice(
            "lstm-forecaster",
            ["window": .integer(6), "units": .integerList([8]), "epochs": .integer(5), "seed": .integer(2)]),
          threshold: dynamic)
      ])
    let full = try syntheticFrame(rows: 200, spikes: [150, 185])
    func run(_ frame: Frame) throws -> RunResult {
      try DetectionPipeline(registry: registry, config: config).run(
        LoadedFrame(frame: frame, origin: "memory", rowsRead: frame.rowCount))
    }
    let short = try run(full.rows(0..<170))
    let long = try run(full)
    #expect(short.scores.firstRow == long.scores.firstRow)
    let n = short.scores.values.count
    #expect(short.scores.values == Array(long.scores.values.prefix(n)))
    #expect(short.cutoffs == Array(long.cutoffs.prefix(n)))
    #expect(long.anomalies.contains { $0.row == 150 }, "the spike is flagged: \(long.anomalies.map(\.row))")
  }
}

/// The neural detectors score a long series chunk by chunk; the scores must equal scoring every
/// window at once, across chunk boundaries, for every attribution, and each chunk is counted for
/// progress.
@Suite struct ChunkedScoringTests {
  static let rows = FittedNetwork.scoringChunk + 300

  @Test(arguments: LSTMAutoencoderDetector.Attribution.allCases)
  func chunksScoreAsOneBatch(_ attribution: LSTMAutoencoderDetector.Attribution) throws {
    let d = try LSTMAutoencoderDetector(
      parameters: parameters(
        LSTMAutoencoderDetector.descriptor.parameters,
        [
          "window": .integer(6), "units": .integer(4), "epochs": .integer(1), "attribution": .text(attribution.rawValue),
        ]))
    let frame = try syntheticFrame(rows: Self.rows, spikes: [FittedNetwork.scoringChunk + 2])
    _ = try d.fit(frame.rows(0..<200), observer: nil)
    var counts: [ProgressCount] = []
    let chunked = try d.score(frame, from: 0) { counts.append($0) }
    let trained = try d.fitted(for: frame)
    let windows = try d.windows(trained.preprocessing.apply(frame), featureCount: 2, context: "test")
    let whole = LSTMAutoencoderDetector.reconstructionErrors(
      inputs: windows.values, outputs: trained.trainer.predict(windows).values, windows: windows.count, window: 6,
      features: 2, attribution: attribution)
    #expect(windows.count > FittedNetwork.scoringChunk, "more than one chunk")
    #expect(chunked.values == whole.scores)
    #expect(chunked.featureErrors == whole.errors)
    #expect(counts == [FittedNetwork.scoringChunk, windows.count].map { ProgressCount($0, of: windows.count, .windows) })
    #expect(try d.score(frame, from: 700).values == Array(chunked.values.dropFirst(700 - chunked.firstRow)))
  }

  @Test func forecastsChunkByChunkAsOneBatch() throws {
    let d = try LSTMForecasterDetector(
      parameters: parameters(
        LSTMForecasterDetector.descriptor.parameters,
        ["window": .integer(5), "units": .integerList([4, 3]), "epochs": .integer(1)]))
    let frame = try syntheticFrame(rows: Self.rows, spikes: [FittedNetwork.scoringChunk + 2])
    _ = try d.fit(frame.rows(0..<200), observer: nil)
    var counts: [ProgressCount] = []
    let chunked = try d.score(frame, from: 0) { counts.append($0) }
    let trained = try d.fitted(for: frame)
    let (inputs, targets) = try d.samples(trained.preprocessing.apply(frame), featureCount: 2, context: "test")
    let forecasts = trained.trainer.predict(inputs).values
    #expect(inputs.count > FittedNetwork.scoringChunk, "more than one chunk")
    #expect(chunked.featureErrors == zip(forecasts, targets.values).map { abs($0 - $1) })
    #expect(counts == [FittedNetwork.scoringChunk, inputs.count].map { ProgressCount($0, of: inputs.count, .windows) })
    #expect(try d.score(frame, from: 700).values == Array(chunked.values.dropFirst(700 - chunked.firstRow)))
  }
}
