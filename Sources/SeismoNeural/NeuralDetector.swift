import SeismoCore
import SeismoNN

/// A detector built on a `FittedNetwork`: saving, restoring and the fitted-before-use check come
/// from here, so each neural plugin only says how to build its network.
public protocol NeuralDetector: Detector, ConfigurablePlugin {
  /// Set by `fit` and by `importState`.
  var fitted: FittedNetwork? { get set }
  /// What the network sees: levels or changes (a detector parameter).
  var transform: SeriesTransform { get }
  /// A trainer around a freshly initialised network for `features`.
  func makeTrainer(features: [String]) throws -> Trainer
  /// Weights the next `fit` starts from instead of fresh ones, and the epochs it then trains
  /// (nil: as configured); set by `warmStart(from:epochs:)`.
  var startingPoint: (weights: [String: TensorArchive.Tensor], epochs: Double?)? { get set }
  /// Throws for a config's settings of this detector that the others make unread (part of
  /// `checkConfiguration`; none by default).
  static func checkUnreadSettings(_ parameters: Parameters) throws
}

extension NeuralDetector {
  /// The detector's own checks, and those of its `TrainingParameters`.
  public static func checkConfiguration(_ parameters: Parameters) throws {
    _ = try Self(parameters: parameters)
    try TrainingParameters.check(parameters)
    try checkUnreadSettings(parameters)
  }

  public static func checkUnreadSettings(_ parameters: Parameters) throws {}

  public func exportState() throws -> DetectorState {
    guard let fitted else { throw SeismoError.state("\(Self.descriptor.name): nothing to save before fit") }
    return try fitted.exportState()
  }

  public func importState(_ state: DetectorState) throws {
    fitted = try FittedNetwork.restore(
      state, detector: Self.descriptor.name, transform: transform, trainer: makeTrainer)
  }

  public func warmStart(from previous: Detector, epochs: Double?) {
    guard let previous = previous as? Self, let network = previous.fitted else { return }
    startingPoint = (network.trainer.model.namedTensors(), epochs)
  }

  /// The trainer `fit` uses for `features`: a fresh network, or, after a warm start, one holding
  /// the previous fold's weights and training the refit's epochs.
  public func startingTrainer(features: [String]) throws -> Trainer {
    let trainer = try makeTrainer(features: features)
    if let startingPoint {
      try trainer.model.load(startingPoint.weights, origin: "the previous fold's network")
      trainer.epochLimit = startingPoint.epochs
    }
    return trainer
  }

  /// Trains the network for `features` (fresh, or the previous fold's after a warm start) to map
  /// `inputs` to `targets`, samples of the training rows as `preprocessing` left them, and keeps
  /// it as the fitted network.
  public func train(
    inputs: BatchMajorSamples, targets: BatchMajorSamples, preprocessing: Preprocessing, features: [String],
    observer: TrainingObserver?
  ) throws -> TrainingReport {
    let trainer = try startingTrainer(features: features)
    let history = try trainer.fit(inputs: inputs, targets: targets, observer: observer)
    fitted = FittedNetwork(trainer: trainer, preprocessing: preprocessing, features: features)
    return TrainingReport(history: history)
  }

  /// The fitted network, checked against `frame`'s features.
  public func fitted(for frame: Frame) throws -> FittedNetwork {
    guard let fitted else { throw SeismoError.state("\(Self.descriptor.name): used before fit") }
    try fitted.check(frame, detector: Self.descriptor.name)
    return fitted
  }
}
