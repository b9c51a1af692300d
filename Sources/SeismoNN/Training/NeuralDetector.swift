import SeismoCore

/// A detector built on a `FittedNetwork`: saving, restoring and the fitted-before-use check come
/// from here, so each neural plugin only says how to build its network.
public protocol NeuralDetector: Detector, ConfigurablePlugin {
  /// Set by `fit` and by `importState`.
  var fitted: FittedNetwork? { get set }
  /// What the network sees: levels or changes (a detector parameter).
  var transform: SeriesTransform { get }
  /// A trainer around a freshly initialised network for `features`.
  func makeTrainer(features: [String]) throws -> Trainer
}

extension NeuralDetector {
  public func exportState() throws -> DetectorState {
    guard let fitted else { throw SeismoError.state("\(Self.descriptor.name): nothing to save before fit") }
    return try fitted.exportState()
  }

  public func importState(_ state: DetectorState) throws {
    fitted = try FittedNetwork.restore(
      state, detector: Self.descriptor.name, transform: transform, trainer: makeTrainer)
  }

  /// The fitted network, checked against `frame`'s features.
  public func fitted(for frame: Frame) throws -> FittedNetwork {
    guard let fitted else { throw SeismoError.state("\(Self.descriptor.name): used before fit") }
    try fitted.check(frame, detector: Self.descriptor.name)
    return fitted
  }
}
