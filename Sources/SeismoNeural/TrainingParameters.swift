import SeismoCore
import SeismoNN

/// The training parameters every neural detector declares, with the seed's defaults, and how
/// they become `TrainingOptions` and an optimizer.
public enum TrainingParameters {
  static let epochs = Parameter<Int>("epochs", 1...100_000, default: 10, help: "passes over the training windows")
  static let batchSize = Parameter<Int>("batch_size", 1...1_000_000, default: 32, help: "windows per optimiser step")
  static let validationSplit = Parameter<Double>(
    "validation_split", 0...0.9, default: 0.1, help: "fraction of training windows, from the end, held out for validation loss")
  static let shuffle = Parameter<Bool>("shuffle", default: false, help: "reshuffle training windows every epoch")
  static let optimizer = Parameter<OptimizerKind>("optimizer", default: .adam, help: "adam or rmsprop (Keras defaults)")
  static let learningRate = Parameter<Double>("learning_rate", 1e-9...10, default: 1e-3, help: "optimizer learning rate")
  static let loss = Parameter<Loss>("loss", default: .mae, help: "training loss: mae or mse")
  static let patience = Parameter<Int>(
    "patience", 0...100_000, default: 0,
    help: "stop after this many epochs without a better validation loss and keep the best weights; 0: off")
  static let seed = Parameter<Int>(
    "seed", Int.min...Int.max, default: 42, help: "seed for weights, dropout and shuffling")
  static let threads = Parameter<Int>(
    "threads", 1...256, default: 2, help: "threads (batch shards); results depend on seed and threads")

  /// The specs, with a detector's own defaults for the ones the seeds chose differently.
  public static func specs(
    epochs: Int, batchSize: Int, shuffle: Bool, optimizer: OptimizerKind, loss: Loss
  ) -> [ParameterSpec] {
    [
      Self.epochs.defaulting(to: epochs).spec, Self.batchSize.defaulting(to: batchSize).spec, Self.validationSplit.spec,
      Self.shuffle.defaulting(to: shuffle).spec, Self.optimizer.defaulting(to: optimizer).spec, Self.learningRate.spec,
      Self.loss.defaulting(to: loss).spec, Self.patience.spec, Self.seed.spec, Self.threads.spec,
    ]
  }

  /// Throws for settings that training would ignore together: early stopping watches the
  /// validation loss, so `patience` needs `validation_split` above 0. A config's check
  /// (`NeuralDetector.checkConfiguration`), not the detector's `init`: a model saved with such
  /// settings still scores.
  public static func check(_ p: Parameters) throws {
    if p[patience] > 0, p[validationSplit] == 0 {
      throw SeismoError.config(
        key: "detector.patience", location: nil,
        message:
          "stops on the validation loss, and validation_split 0 holds out no window; raise validation_split or drop patience")
    }
  }

  public static func options(_ p: Parameters) -> TrainingOptions {
    var o = TrainingOptions()
    o.epochs = p[epochs]
    o.batchSize = p[batchSize]
    o.validationSplit = p[validationSplit]
    o.shuffle = p[shuffle]
    o.seed = UInt64(bitPattern: Int64(p[seed]))
    o.threads = p[threads]
    o.earlyStoppingPatience = p[patience] > 0 ? p[patience] : nil
    return o
  }

  public static func optimizer(_ p: Parameters) -> any Optimizer {
    p[Self.optimizer].make(learningRate: Float(p[learningRate]))
  }

  public static func loss(_ p: Parameters) -> Loss { p[Self.loss] }
}
