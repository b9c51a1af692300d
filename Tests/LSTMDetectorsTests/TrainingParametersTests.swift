import Testing

@testable import LSTMAutoencoder
@testable import LSTMForecaster
@testable import SeismoCore
@testable import SeismoNN
@testable import SeismoNeural

/// The training keys of a neural detector's config reach the trainer it builds: each is set to
/// a value other than the detector's default, so a key the mapping dropped would leave the default.
@Suite struct TrainingParametersTests {
  /// Every training key, with `shuffle` and `loss` the opposite of the detector's defaults.
  static func values(shuffle: Bool, loss: String) -> [String: ParameterValue] {
    [
      "epochs": .integer(7), "batch_size": .integer(5), "validation_split": .number(0.25), "shuffle": .boolean(shuffle),
      "optimizer": .text("rmsprop"), "learning_rate": .number(0.02), "loss": .text(loss), "patience": .integer(3),
      "seed": .integer(99), "threads": .integer(1),
    ]
  }

  static func specs(of detector: String) throws -> [ParameterSpec] {
    try #require(WarmStartTests.registry().detectors[detector]).descriptor.parameters
  }

  /// Parameters as a config file gives them: checked against the detector's declared specs.
  static func parameters(of detector: String, _ values: [String: ParameterValue]) throws -> Parameters {
    try Parameters(values).resolved(against: specs(of: detector), section: "detector")
  }

  static func trainer(_ parameters: Parameters) throws -> Trainer {
    try FittedNetwork.trainer(
      parameters, detector: "test", footprint: Architectures.lstmAutoencoderFootprint(features: 1, steps: 4, units: 2)
    ) { options in
      Architectures.lstmAutoencoder(features: 1, steps: 4, units: 2, seed: options.seed)
    }
  }

  @Test(arguments: [("lstm-autoencoder", true, Loss.mse), ("lstm-forecaster", false, Loss.mae)])
  func everyTrainingKeyReachesTheTrainer(detector: String, shuffle: Bool, loss: Loss) throws {
    let values = Self.values(shuffle: shuffle, loss: loss.rawValue)
    let defaults = try Parameters(specs: Self.specs(of: detector))
    for (key, value) in values { #expect(defaults.values[key] != value, "\(key) is set to its default") }
    let trainer = try Self.trainer(Self.parameters(of: detector, values))
    let options = trainer.options
    #expect(options.epochs == 7)
    #expect(options.batchSize == 5)
    #expect(options.validationSplit == 0.25)
    #expect(options.shuffle == shuffle)
    #expect(options.earlyStoppingPatience == 3)
    #expect(options.seed == 99)
    #expect(options.threads == 1)
    #expect(trainer.loss == loss)
    let optimizer = try #require(trainer.optimizer as? RMSprop)
    #expect(optimizer.learningRate == 0.02)
  }

  /// `patience: 0`, the default, trains every epoch; `optimizer: adam` takes the learning rate.
  @Test func patienceZeroIsOffAndAdamTakesTheRate() throws {
    let parameters = try Self.parameters(
      of: "lstm-autoencoder", ["patience": .integer(0), "optimizer": .text("adam"), "learning_rate": .number(0.5)])
    let trainer = try Self.trainer(parameters)
    #expect(trainer.options.earlyStoppingPatience == nil)
    #expect(try #require(trainer.optimizer as? Adam).learningRate == 0.5)
  }

  /// Early stopping watches the validation loss: with `validation_split: 0` it would never stop,
  /// so a config giving both is refused. A stored run's config is not (a model saved so still
  /// scores).
  @Test(arguments: ["lstm-autoencoder", "lstm-forecaster"])
  func patienceNeedsValidationWindows(detector: String) throws {
    let registry = WarmStartTests.registry()
    func check(_ values: [String: ParameterValue], stored: Bool = false) throws {
      try registry.check(.detector, named: detector, Self.parameters(of: detector, values), stored: stored)
    }
    let unwatched: [String: ParameterValue] = ["patience": .integer(2), "validation_split": .number(0)]
    let error = try #require(throws: SeismoError.self) { try check(unwatched) }
    #expect(
      "\(error)".contains(
        "detector.patience: stops on the validation loss, and validation_split 0 holds out no window"),
      "\(error)")
    try check(["patience": .integer(2), "validation_split": .number(0.05)])
    try check(["patience": .integer(0), "validation_split": .number(0)])
    try check(unwatched, stored: true)
  }

  /// The forecaster's `normalization: window` scales each window itself: a config's `scaler`
  /// would not be read, and is refused; a stored run's is not.
  @Test func aScalerBesideWindowNormalizationIsRefused() throws {
    let registry = WarmStartTests.registry()
    func check(_ values: [String: ParameterValue], stored: Bool = false) throws {
      try registry.check(.detector, named: "lstm-forecaster", Self.parameters(of: "lstm-forecaster", values), stored: stored)
    }
    let unread: [String: ParameterValue] = ["normalization": .text("window"), "scaler": .text("standard")]
    let error = try #require(throws: SeismoError.self) { try check(unread) }
    #expect("\(error)".contains("detector.scaler: not read here"), "\(error)")
    try check(unread, stored: true)
    try check(["normalization": .text("window")])
    try check(["normalization": .text("scaler"), "scaler": .text("standard")])
  }
}
