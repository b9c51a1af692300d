import SeismoCore
import SeismoNN
import SeismoNeural

/// Flags rows a stacked-LSTM forecaster failed to predict (the VIX seed; with
/// `normalization: window` and units [50, 100], the univariate seed).
///
/// The model reads the `window` rows before row t and predicts every feature at t: stacked
/// LSTMs (each followed by Dropout) → Dense(features). Feature j's error at t is |forecast −
/// actual|, and the row's score is the mean over features (the forecast MAE). The first `window`
/// rows are warm-up (one more with a `transform` other than `level`).
///
/// Normalisation: `scaler` min-max scales features with training statistics (errors in scaled
/// units); `window` divides each window and its target by the window's first value, p/p₀ − 1,
/// as the univariate seed does (errors are then relative changes).
public final class LSTMForecasterDetector: NeuralDetector {
  static let window = Parameter<Int>("window", 1...10_000, default: 10, help: "rows of history per forecast")
  static let units = Parameter<[Int]>(
    "units", 1...4096, maxCount: 16, default: [64, 32], help: "units of each stacked LSTM (1 to 16 layers)")
  static let dropout = Parameter<Double>("dropout", 0...0.95, default: 0.2, help: "dropout rate after each LSTM")
  static let scaler = Parameter<FeatureScaler.Kind>(
    "scaler", default: .minmax, help: "feature scaling when normalization is scaler")

  static let activation = Parameter<ActivationFunction>(
    "activation", default: .relu, cases: [.relu, .tanh], help: "LSTM cell activation")
  static let normalization = Parameter<Normalization>(
    "normalization", default: .scaler,
    help: "scaler: feature scaling fitted on training rows; window: p/p0 − 1 per window")

  /// How inputs are brought to a common scale.
  public enum Normalization: String, CaseIterable, Sendable {
    /// The scaler fitted on the training rows (`scaler`).
    case scaler
    /// Each window divided by its first value, minus 1 (the univariate seed).
    case window
  }

  public static let descriptor = PluginDescriptor(
    kind: .detector, name: "lstm-forecaster",
    summary: "stacked LSTM forecasting the next row; score = forecast MAE",
    parameters: [
      LSTMForecasterDetector.window.spec,
      LSTMForecasterDetector.units.spec,
      LSTMForecasterDetector.activation.spec,
      LSTMForecasterDetector.dropout.spec,
      LSTMForecasterDetector.normalization.spec,
      LSTMForecasterDetector.scaler.spec,
      SeriesTransform.parameter.spec,
    ] + TrainingParameters.specs(epochs: 50, batchSize: 32, shuffle: true, optimizer: .adam, loss: .mse))

  public let window: Int
  public let units: [Int]
  public let activation: ActivationFunction
  public let dropout: Float
  public let perWindow: Bool
  public let scalerKind: FeatureScaler.Kind
  public let transform: SeriesTransform
  let parameters: Parameters
  /// A model of the levels unless it sees changes (`transform`) or each window relative to its
  /// first value (`normalization: window`).
  public var learnsLevels: Bool { transform == .level && !perWindow }
  /// Rows before the first score: the window that predicts it, plus the transform's.
  public var warmupRows: Int { window + transform.lostRows }
  public var fitted: FittedNetwork?
  public var startingPoint: (weights: [String: TensorArchive.Tensor], epochs: Double?)?

  public init(parameters: Parameters) throws {
    self.parameters = parameters
    window = parameters[Self.window]
    units = parameters[Self.units]
    guard !units.isEmpty else {
      throw SeismoError.config(key: "detector.units", location: nil, message: "expected at least one layer")
    }
    activation = parameters[Self.activation]
    dropout = Float(parameters[Self.dropout])
    perWindow = parameters[Self.normalization] == .window
    scalerKind = parameters[Self.scaler]
    transform = parameters[SeriesTransform.parameter]
    guard !(perWindow && transform != .level) else {
      throw SeismoError.config(
        key: "detector.transform", location: nil, message: "normalization 'window' works on levels; use transform: level")
    }
  }

  /// `normalization: window` scales each window itself, so `scaler` is not read.
  public static func checkUnreadSettings(_ parameters: Parameters) throws {
    if parameters[normalization] == .window, parameters.changesDefault(scaler) {
      throw SeismoError.config(
        key: "detector.scaler", location: nil,
        message: "not read here: normalization window scales each window by its first row; drop it")
    }
  }

  public func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport {
    let preprocessing = try Preprocessing(
      transform: transform, scaler: perWindow ? .none : scalerKind, fittedOn: train)
    let (inputs, targets) = try samples(
      preprocessing.apply(train), featureCount: train.featureCount, context: "the training part")
    return try self.train(
      inputs: inputs, targets: targets, preprocessing: preprocessing, features: train.featureNames, observer: observer)
  }

  /// A trainer around a freshly initialised model for `features`.
  public func makeTrainer(features: [String]) throws -> Trainer {
    let footprint = Architectures.lstmForecasterFootprint(
      features: features.count, steps: window, units: units, outputs: features.count)
    return try FittedNetwork.trainer(parameters, detector: Self.descriptor.name, footprint: footprint) { options in
      Architectures.lstmForecaster(
        features: features.count, units: units, outputs: features.count, activation: activation, dropout: dropout,
        seed: options.seed)
    }
  }

  public func score(_ frame: Frame) throws -> Scores { try score(frame, from: 0, progress: nil) }

  /// Forecasts every window, a chunk at a time (`progress` hears the windows scored), and keeps
  /// the rows' from `row` on.
  public func score(_ frame: Frame, from row: Int, progress: ProgressObserver?) throws -> Scores {
    let trained = try fitted(for: frame)
    let f = frame.featureCount
    let (inputs, targets) = try samples(trained.preprocessing.apply(frame), featureCount: f, context: "the data")
    var forecasts: [Float] = []
    forecasts.reserveCapacity(targets.values.count)
    let span = inputs.steps * inputs.features
    trained.predictInChunks(
      count: inputs.count, progress: progress,
      windows: { range in
        BatchMajorSamples(
          values: Array(inputs.values[(range.lowerBound * span)..<(range.upperBound * span)]), steps: inputs.steps,
          features: inputs.features)
      },
      take: { _, _, outputs in forecasts += outputs.values })
    return absoluteErrors(of: targets) { forecasts[$0 * f + $1] }.fromRow(row)
  }

  /// The naive forecast's errors, in the prepared units `score`'s are in: each window's last row
  /// for a model of levels (relative to the window's first, with `normalization: window`); for a
  /// model of changes, a change of 0, scaled as the model sees it.
  public func naiveErrors(_ frame: Frame) throws -> Scores? {
    let trained = try fitted(for: frame)
    let f = frame.featureCount
    let (inputs, targets) = try samples(trained.preprocessing.apply(frame), featureCount: f, context: "the data")
    let noChange = trained.preprocessing.scaler.transform([Float](repeating: 0, count: f))
    return absoluteErrors(of: targets) { i, j in
      transform == .level ? inputs.values[((i + 1) * window - 1) * f + j] : noChange[j]
    }
  }

  /// Each target's absolute error against `forecast(i, j)` (sample i, feature j), and each
  /// sample's mean over the features as its score.
  private func absoluteErrors(of targets: BatchMajorSamples, forecast: (Int, Int) -> Float) -> Scores {
    let f = targets.features
    var errors = [Float](repeating: 0, count: targets.values.count)
    var scores = [Float](repeating: 0, count: targets.count)
    for i in 0..<targets.count {
      var total: Float = 0
      for j in 0..<f {
        errors[i * f + j] = abs(forecast(i, j) - targets.values[i * f + j])
        total += errors[i * f + j]
      }
      scores[i] = total / Float(f)
    }
    return Scores(firstRow: warmupRows, values: scores, featureErrors: errors, featureCount: f)
  }

  /// How `forecast` feeds the model.
  public enum ForecastMode: Sendable, Equatable {
    /// Every step from the true `window` rows before it.
    case pointByPoint
    /// From the true window before `start`, then only from its own forecasts, to the end.
    case fullSequence
    /// Like `fullSequence`, restarting from the true window every `horizon` steps.
    case multiSequence(horizon: Int)
  }

  /// Forecasts rows `start ..< frame.rowCount` in the data's own units (prices, not scaled
  /// values or changes), row-major `(rows, features)`. `start` must leave the warm-up's rows of
  /// history (`warmupRows`: one window, and a row more for a change). A model of changes
  /// forecasts the next change, which moves the last value on: a sequence of forecasts compounds.
  public func forecast(_ frame: Frame, from start: Int, mode: ForecastMode) throws -> [Float] {
    let trained = try fitted(for: frame)
    guard start >= warmupRows, start < frame.rowCount else {
      throw SeismoError.invalidInput("forecasts need \(warmupRows) rows of history before the first forecast row")
    }
    let f = frame.featureCount
    let restart: Int
    switch mode {
    case .pointByPoint: restart = 1
    case .fullSequence: restart = frame.rowCount
    case .multiSequence(let horizon): restart = max(horizon, 1)
    }
    var output: [Float] = []
    var history: [Float] = []
    for row in start..<frame.rowCount {
      if (row - start) % restart == 0 { history = Array(frame.values[(row - warmupRows) * f..<row * f]) }
      let next = try predictNext(history, trained: trained)
      output += next
      history = Array(history.dropFirst(f)) + next
    }
    return output
  }

  /// The row after `history` (`warmupRows` rows, original units), in original units.
  private func predictNext(_ history: [Float], trained: FittedNetwork) throws -> [Float] {
    let f = trained.features.count
    if perWindow {
      let y = trained.trainer.predict(
        BatchMajorSamples(values: RelativeToFirst.apply(history, featureCount: f), steps: window, features: f)
      ).values
      return RelativeToFirst.restore(y, base: history.prefix(f))
    }
    let input = try trained.preprocessing.apply(history, featureCount: f)
    let y = trained.trainer.predict(BatchMajorSamples(values: input, steps: window, features: f)).values
    return transform.row(after: history.suffix(f), change: trained.preprocessing.scaler.inverse(y))
  }

  /// Windows of `window` rows and the row after each, `[N, L, D]` and `[N, 1, D]` (L = `window`),
  /// normalised per window when `perWindow`.
  func samples(_ values: [Float], featureCount f: Int, context: String) throws -> (BatchMajorSamples, BatchMajorSamples) {
    let rows = values.count / f
    guard rows > window else {
      throw SeismoError.invalidInput(
        "\(context) has \(rows) rows; lstm-forecaster with window \(window) needs at least \(window + 1)")
    }
    let pairs = try ForecastPairs(
      values: values, featureCount: f, length: window, relativeToFirst: perWindow, context: context)
    return (
      BatchMajorSamples(values: pairs.inputs, steps: window, features: f),
      BatchMajorSamples(values: pairs.targets, steps: 1, features: f)
    )
  }
}
