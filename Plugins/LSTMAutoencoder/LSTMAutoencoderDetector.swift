import SeismoCore
import SeismoNN
import SeismoNeural

/// Flags windows an LSTM autoencoder cannot reconstruct (the S&P 500 seed, for any number of
/// features).
///
/// Features are standard-scaled with statistics of the training rows. The model — LSTM(units) →
/// Dropout → RepeatVector(window) → LSTM(units, sequences) → Dropout → TimeDistributed(Dense) —
/// learns to reproduce every training window of `window` consecutive rows. Scoring slides the same
/// window over the data; `attribution` says which errors make row t's score (feature errors are
/// |reconstruction − input| in scaled units, the score is their mean over features):
/// - `last_step` (the seed's): the mean error over the steps of the window ending at t. Causal,
///   but a spike keeps raising the score for `window − 1` rows after it.
/// - `last_row`: the error of row t's own step in the window ending at t. Causal, and a flag lands
///   on the day itself.
/// - `mean_over_windows`: row t's error averaged over every window containing it. **Non-causal**:
///   it uses up to `window − 1` later rows, so those scores never calibrate a threshold.
///
/// The first `window − 1` rows are warm-up for the causal attributions. A `transform` other than
/// `level` makes the model see changes instead of levels and costs one more row of warm-up.
public final class LSTMAutoencoderDetector: NeuralDetector {
  static let window = Parameter<Int>("window", 2...10_000, default: 30, help: "rows per window")
  static let units = Parameter<Int>("units", 1...4096, default: 64, help: "LSTM units of encoder and decoder")
  static let dropout = Parameter<Double>("dropout", 0...0.95, default: 0.2, help: "dropout rate after each LSTM")
  static let scaler = Parameter<FeatureScaler.Kind>("scaler", default: .standard, help: "feature scaling fitted on training rows")
  static let attribution = Parameter<Attribution>(
    "attribution", default: .lastStep,
    help:
      "last_step: mean error of the window ending at the row; last_row: that window's error at the row itself; mean_over_windows (non-causal, uses later rows): the row's error averaged over every window containing it"
  )

  public static let descriptor = PluginDescriptor(
    kind: .detector, name: "lstm-autoencoder",
    summary: "LSTM autoencoder; score = reconstruction MAE of the window ending at each row",
    parameters: [
      LSTMAutoencoderDetector.window.spec,
      LSTMAutoencoderDetector.units.spec,
      LSTMAutoencoderDetector.dropout.spec,
      LSTMAutoencoderDetector.scaler.spec,
      SeriesTransform.parameter.spec,
      LSTMAutoencoderDetector.attribution.spec,
    ] + TrainingParameters.specs(epochs: 10, batchSize: 32, shuffle: false, optimizer: .adam, loss: .mae))

  public let window: Int
  public let units: Int
  public let dropout: Float
  public let scalerKind: FeatureScaler.Kind
  public let transform: SeriesTransform
  public let attribution: Attribution

  /// Which row a reconstruction error is charged to.
  public enum Attribution: String, CaseIterable, Sendable {
    /// The window's mean error scores its last row (the seed's choice; flags trail a spike by up
    /// to `window − 1` rows). Causal.
    case lastStep = "last_step"
    /// The error of the window's last step scores that row (flags land on the day). Causal.
    case lastRow = "last_row"
    /// Each row's error is averaged over every window that contains it (flags land on the day).
    /// Non-causal: uses up to `window − 1` later rows.
    case meanOverWindows = "mean_over_windows"
  }

  /// Later rows a score depends on: `window − 1` for `mean_over_windows`, else 0.
  public var lookahead: Int { attribution == .meanOverWindows ? window - 1 : 0 }
  let parameters: Parameters
  public var fitted: FittedNetwork?
  public var startingPoint: (weights: [String: TensorArchive.Tensor], epochs: Int?)?

  public init(parameters: Parameters) throws {
    self.parameters = parameters
    window = parameters[Self.window]
    units = parameters[Self.units]
    dropout = Float(parameters[Self.dropout])
    scalerKind = parameters[Self.scaler]
    transform = parameters[SeriesTransform.parameter]
    attribution = parameters[Self.attribution]
  }

  public func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport {
    let preprocessing = try Preprocessing(transform: transform, scaler: scalerKind, fittedOn: train)
    let windows = try self.windows(
      preprocessing.apply(train), featureCount: train.featureCount, context: "the training part")
    let trainer = try startingTrainer(features: train.featureNames)
    let history = try trainer.fit(inputs: windows, targets: windows, observer: observer)
    fitted = FittedNetwork(trainer: trainer, preprocessing: preprocessing, features: train.featureNames)
    return TrainingReport(history: history)
  }

  /// A trainer around a freshly initialised model for `features`.
  public func makeTrainer(features: [String]) throws -> Trainer {
    let footprint = Architectures.lstmAutoencoderFootprint(features: features.count, steps: window, units: units)
    return try FittedNetwork.trainer(parameters, detector: Self.descriptor.name, footprint: footprint) { options in
      Architectures.lstmAutoencoder(
        features: features.count, steps: window, units: units, dropout: dropout, seed: options.seed)
    }
  }

  public func score(_ frame: Frame) throws -> Scores {
    let trained = try fitted(for: frame)
    let f = frame.featureCount
    let inputs = try windows(trained.preprocessing.apply(frame), featureCount: f, context: "the data")
    let outputs = trained.trainer.predict(inputs)
    let (scores, errors) = Self.reconstructionErrors(
      inputs: inputs.values, outputs: outputs.values, windows: inputs.count, window: window, features: f,
      attribution: attribution)
    let firstRow = (attribution == .meanOverWindows ? 0 : window - 1) + transform.lostRows
    return Scores(firstRow: firstRow, values: scores, featureErrors: errors, featureCount: f)
  }

  /// Per-row scores and row-major `(rows, features)` errors from windows `[N, L, D]` and
  /// their reconstructions. errors[r][j] is feature j's |reconstruction − input|: averaged over the
  /// steps of window r (`lastStep`, `count` rows), at window r's last step (`lastRow`, `count`
  /// rows), or averaged over the windows containing row r (`meanOverWindows`, `count + window − 1`
  /// rows). A row's score is the mean over features.
  static func reconstructionErrors(
    inputs x: [Float], outputs y: [Float], windows count: Int, window: Int, features f: Int, attribution: Attribution
  ) -> (scores: [Float], errors: [Float]) {
    let perWindow = attribution != .meanOverWindows
    let rows = perWindow ? count : count + window - 1
    var errors = [Float](repeating: 0, count: rows * f)
    var counts = [Float](repeating: 0, count: rows)
    let span = window * f
    for w in 0..<count {
      for t in (attribution == .lastRow ? window - 1 : 0)..<window {
        let r = perWindow ? w : w + t
        counts[r] += 1
        for j in 0..<f {
          let k = w * span + t * f + j
          errors[r * f + j] += abs(y[k] - x[k])
        }
      }
    }
    var scores = [Float](repeating: 0, count: rows)
    for r in 0..<rows {
      var total: Float = 0
      for j in 0..<f {
        errors[r * f + j] /= counts[r]
        total += errors[r * f + j]
      }
      scores[r] = total / Float(f)
    }
    return (scores, errors)
  }

  /// Every window of `window` rows, `[N, L, D]` (L = `window`).
  func windows(_ values: [Float], featureCount: Int, context: String) throws -> BatchMajorSamples {
    let sliding = try SlidingWindows(values: values, featureCount: featureCount, length: window, context: context)
    return BatchMajorSamples(values: sliding.batch(0..<sliding.count), steps: window, features: featureCount)
  }
}
