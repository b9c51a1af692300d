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
  /// A model of the levels unless it sees changes (`transform`).
  public var learnsLevels: Bool { transform == .level }
  /// Rows before the first score: a window's worth (none for `mean_over_windows`), plus the
  /// transform's.
  public var warmupRows: Int { (attribution == .meanOverWindows ? 0 : window - 1) + transform.lostRows }
  let parameters: Parameters
  public var fitted: FittedNetwork?
  public var startingPoint: (weights: [String: TensorArchive.Tensor], epochs: Double?)?

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
    return try self.train(
      inputs: windows, targets: windows, preprocessing: preprocessing, features: train.featureNames, observer: observer)
  }

  /// A trainer around a freshly initialised model for `features`.
  public func makeTrainer(features: [String]) throws -> Trainer {
    let footprint = Architectures.lstmAutoencoderFootprint(features: features.count, steps: window, units: units)
    return try FittedNetwork.trainer(parameters, detector: Self.descriptor.name, footprint: footprint) { options in
      Architectures.lstmAutoencoder(
        features: features.count, steps: window, units: units, dropout: dropout, seed: options.seed)
    }
  }

  public func score(_ frame: Frame) throws -> Scores { try score(frame, from: 0, progress: nil) }

  /// Scores every window, a chunk at a time (`progress` hears the windows scored), and keeps the
  /// rows' from `row` on.
  public func score(_ frame: Frame, from row: Int, progress: ProgressObserver?) throws -> Scores {
    let trained = try fitted(for: frame)
    let f = frame.featureCount
    let sliding = try SlidingWindows(
      values: trained.preprocessing.apply(frame), featureCount: f, length: window, context: "the data")
    var errors = ReconstructionErrors(windows: sliding.count, window: window, features: f, attribution: attribution)
    var buffer: [Float] = []
    trained.predictInChunks(
      count: sliding.count, progress: progress,
      windows: { range in
        sliding.copy(range, into: &buffer)
        return BatchMajorSamples(values: buffer, steps: window, features: f)
      },
      take: { range, inputs, outputs in errors.add(inputs: inputs.values, outputs: outputs.values, firstWindow: range.lowerBound)
      })
    let (scores, featureErrors) = errors.finish()
    return Scores(firstRow: warmupRows, values: scores, featureErrors: featureErrors, featureCount: f).fromRow(row)
  }

  /// Per-row scores and row-major `(rows, features)` errors from windows `[N, L, D]` and
  /// their reconstructions, all at once (`ReconstructionErrors` for one chunk).
  static func reconstructionErrors(
    inputs x: [Float], outputs y: [Float], windows count: Int, window: Int, features f: Int, attribution: Attribution
  ) -> (scores: [Float], errors: [Float]) {
    var errors = ReconstructionErrors(windows: count, window: window, features: f, attribution: attribution)
    errors.add(inputs: x, outputs: y, firstWindow: 0)
    return errors.finish()
  }

  /// Reconstruction errors accumulated chunk by chunk. errors[r][j] is feature j's
  /// |reconstruction − input|: averaged over the steps of window r (`lastStep`, one row per
  /// window), at window r's last step (`lastRow`, one row per window), or averaged over the
  /// windows containing row r (`meanOverWindows`, `windows + window − 1` rows). A row's score is
  /// the mean over features.
  struct ReconstructionErrors {
    let window: Int
    let features: Int
    let attribution: Attribution
    var sums: [Float]
    var counts: [Float]

    init(windows: Int, window: Int, features: Int, attribution: Attribution) {
      let rows = attribution == .meanOverWindows ? windows + window - 1 : windows
      self.window = window
      self.features = features
      self.attribution = attribution
      sums = [Float](repeating: 0, count: rows * features)
      counts = [Float](repeating: 0, count: rows)
    }

    /// Adds windows `firstWindow ..< firstWindow + n`: inputs and reconstructions `[n, L, D]`.
    mutating func add(inputs x: [Float], outputs y: [Float], firstWindow: Int) {
      let f = features
      let span = window * f
      let perWindow = attribution != .meanOverWindows
      for w in 0..<(x.count / span) {
        for t in (attribution == .lastRow ? window - 1 : 0)..<window {
          let r = firstWindow + (perWindow ? w : w + t)
          counts[r] += 1
          for j in 0..<f {
            let k = w * span + t * f + j
            sums[r * f + j] += abs(y[k] - x[k])
          }
        }
      }
    }

    /// Scores and errors per row.
    func finish() -> (scores: [Float], errors: [Float]) {
      let f = features
      var errors = sums
      var scores = [Float](repeating: 0, count: counts.count)
      for r in 0..<counts.count {
        var total: Float = 0
        for j in 0..<f {
          errors[r * f + j] /= counts[r]
          total += errors[r * f + j]
        }
        scores[r] = total / Float(f)
      }
      return (scores, errors)
    }
  }

  /// Every window of `window` rows, `[N, L, D]` (L = `window`).
  func windows(_ values: [Float], featureCount: Int, context: String) throws -> BatchMajorSamples {
    let sliding = try SlidingWindows(values: values, featureCount: featureCount, length: window, context: context)
    return BatchMajorSamples(values: sliding.batch(0..<sliding.count), steps: window, features: featureCount)
  }
}
