import Foundation
import SeismoCore
import SeismoNN

/// What a neural detector knows after `fit`: the trained network (in its trainer), the
/// preprocessing fitted on the training rows, and the feature names. Saved as a `DetectorState`:
/// the weights as tensors, the scaler and features as JSON metadata (the transform is a detector
/// parameter, saved with the model's parameters).
public struct FittedNetwork {
  public let trainer: Trainer
  public let preprocessing: Preprocessing
  public let features: [String]

  public init(trainer: Trainer, preprocessing: Preprocessing, features: [String]) {
    self.trainer = trainer
    self.preprocessing = preprocessing
    self.features = features
  }

  /// A trainer set up from the shared `TrainingParameters` around `model(options)`, once
  /// `footprint` is known to fit in memory; `detector` names the plugin in errors.
  public static func trainer(
    _ parameters: Parameters, detector: String, footprint: NetworkFootprint, model: (TrainingOptions) -> Sequential
  ) throws -> Trainer {
    let options = TrainingParameters.options(parameters)
    try footprint.check(batchSize: options.batchSize, threads: options.threads, what: "this \(detector)")
    return Trainer(
      model: model(options), loss: TrainingParameters.loss(parameters),
      optimizer: TrainingParameters.optimizer(parameters), options: options)
  }

  /// Windows predicted per chunk when scoring: scoring memory grows with the chunk, not with all
  /// the windows. A multiple of the prediction batch (32 per thread), so the batches, and the
  /// outputs, are those of predicting every window at once.
  public static let scoringChunk = 4096

  /// The network's outputs for `count` windows, a chunk at a time: `windows(range)` gives the
  /// chunk's windows `[N, L, D]`, and `take(range, windows, outputs)` receives them with its
  /// outputs. `progress` hears the windows predicted after each chunk.
  public func predictInChunks(
    count: Int, progress: ProgressObserver?, windows: (Range<Int>) -> BatchMajorSamples,
    take: (Range<Int>, BatchMajorSamples, BatchMajorSamples) -> Void
  ) {
    for start in stride(from: 0, to: count, by: Self.scoringChunk) {
      let range = start..<min(start + Self.scoringChunk, count)
      let inputs = windows(range)
      take(range, inputs, trainer.predict(inputs))
      progress?(ProgressCount(range.upperBound, of: count, .windows))
    }
  }

  /// Throws unless `frame` has the trained features; `detector` names the plugin in errors.
  public func check(_ frame: Frame, detector: String) throws {
    try frame.requireFeatures(features, for: "this \(detector)")
  }

  public func exportState() throws -> DetectorState {
    DetectorState(tensors: trainer.model.namedTensors(), metadata: try preprocessing.scaler.metadata(features: features))
  }

  /// Rebuilds a fitted network from a saved state; `trainer` makes the untrained network for the
  /// saved features, whose weights are then loaded. `transform` is the detector's own.
  public static func restore(
    _ state: DetectorState, detector: String, transform: SeriesTransform, trainer makeTrainer: ([String]) throws -> Trainer
  ) throws -> FittedNetwork {
    let (scaler, features) = try FeatureScaler.restore(from: state.metadata, detector: detector)
    guard state.tensors.values.allSatisfy({ $0.values.allSatisfy(\.isFinite) }) else {
      throw SeismoError.state("the saved \(detector) weights hold NaN or infinite values")
    }
    let trainer = try makeTrainer(features)
    try trainer.model.load(state.tensors, origin: "saved \(detector) model")
    return FittedNetwork(
      trainer: trainer, preprocessing: Preprocessing(transform: transform, scaler: scaler), features: features)
  }
}
