import SeismoCore
import SeismoNN

/// Flags windows an LSTM autoencoder cannot reconstruct (the S&P 500 seed, for any number of
/// features).
///
/// Features are standard-scaled with statistics of the training rows. The model — LSTM(units) →
/// Dropout → RepeatVector(window) → LSTM(units, sequences) → Dropout → TimeDistributed(Dense) —
/// learns to reproduce every training window of `window` consecutive rows. Scoring slides the same
/// window over the data: for the window ending at row t, feature j's error is the mean over the
/// window's steps of |reconstruction − input| in scaled units, and the score of row t is the
/// mean of those errors over features (the reconstruction MAE). A window's score belongs to its
/// **last** timestamp, so the first `window − 1` rows are warm-up.
public final class LSTMAutoencoderDetector: Detector, ConfigurablePlugin {
  public static let descriptor = PluginDescriptor(
    kind: .detector, name: "lstm-autoencoder",
    summary: "LSTM autoencoder; score = reconstruction MAE of the window ending at each row",
    parameters: [
      ParameterSpec("window", .integer(2...10_000), default: .integer(30), help: "rows per window"),
      ParameterSpec("units", .integer(1...4096), default: .integer(64), help: "LSTM units of encoder and decoder"),
      ParameterSpec("dropout", .number(0...0.95), default: .number(0.2), help: "dropout rate after each LSTM"),
      ParameterSpec(
        "scaler", .choice(FeatureScaler.Kind.allCases.map(\.rawValue)), default: .text("standard"),
        help: "feature scaling fitted on training rows"),
    ] + TrainingParameters.specs(epochs: 10, batchSize: 32, shuffle: false, optimizer: .adam, loss: .mae))

  public let window: Int
  public let units: Int
  public let dropout: Float
  public let scalerKind: FeatureScaler.Kind
  let parameters: Parameters
  private var fitted: FittedNetwork?

  public init(parameters: Parameters) throws {
    self.parameters = parameters
    window = parameters.integer("window")
    units = parameters.integer("units")
    dropout = Float(parameters.number("dropout"))
    scalerKind = FeatureScaler.Kind(rawValue: parameters.text("scaler")) ?? .standard
  }

  public func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport {
    let scaler = FeatureScaler(scalerKind, fittedOn: train)
    let windows = try self.windows(scaler.transform(train.values), featureCount: train.featureCount, context: "the training part")
    let trainer = makeTrainer(features: train.featureNames)
    let history = try trainer.fit(inputs: windows, targets: windows, observer: observer)
    fitted = FittedNetwork(trainer: trainer, scaler: scaler, features: train.featureNames)
    return TrainingReport(history: history)
  }

  public func exportState() throws -> DetectorState {
    guard let fitted else { throw SeismoError.state("lstm-autoencoder: nothing to save before fit") }
    return try fitted.exportState()
  }

  public func importState(_ state: DetectorState) throws {
    fitted = try FittedNetwork.restore(state, detector: "lstm-autoencoder", trainer: makeTrainer)
  }

  /// The fitted network, checked against `frame`'s features.
  func fitted(for frame: Frame) throws -> FittedNetwork {
    guard let fitted else { throw SeismoError.state("lstm-autoencoder: score called before fit") }
    try fitted.check(frame, detector: "lstm-autoencoder")
    return fitted
  }

  /// A trainer around a freshly initialised model for `features`.
  func makeTrainer(features: [String]) -> Trainer {
    FittedNetwork.trainer(parameters) { options in
      Architectures.lstmAutoencoder(
        features: features.count, steps: window, units: units, dropout: dropout, seed: options.seed)
    }
  }

  public func score(_ frame: Frame) throws -> Scores {
    let trained = try fitted(for: frame)
    let f = frame.featureCount
    let inputs = try windows(trained.scaler.transform(frame.values), featureCount: f, context: "the data")
    let outputs = trained.trainer.predict(inputs)
    var errors = [Float](repeating: 0, count: inputs.count * f)
    var scores = [Float](repeating: 0, count: inputs.count)
    let span = window * f
    inputs.values.withUnsafeBufferPointer { x in
      outputs.values.withUnsafeBufferPointer { y in
        for w in 0..<inputs.count {
          for t in 0..<window {
            for j in 0..<f {
              let k = w * span + t * f + j
              errors[w * f + j] += abs(y[k] - x[k])
            }
          }
          var total: Float = 0
          for j in 0..<f {
            errors[w * f + j] /= Float(window)
            total += errors[w * f + j]
          }
          scores[w] = total / Float(f)
        }
      }
    }
    return Scores(firstRow: window - 1, values: scores, featureErrors: errors, featureCount: f)
  }

  /// Every window of `window` rows, `(count, window, features)`.
  func windows(_ values: [Float], featureCount: Int, context: String) throws -> SequenceData {
    let sliding = try SlidingWindows(values: values, featureCount: featureCount, length: window, context: context)
    return SequenceData(values: sliding.batch(0..<sliding.count), steps: window, features: featureCount)
  }
}
