import SeismoCore
import SeismoNN

/// The training parameters every neural detector declares, with the seed's defaults, and how
/// they become `TrainingOptions` and an optimizer.
public enum TrainingParameters {
  public static func specs(
    epochs: Int, batchSize: Int, shuffle: Bool, optimizer: OptimizerKind, loss: Loss
  ) -> [ParameterSpec] {
    [
      ParameterSpec("epochs", .integer(1...100_000), default: .integer(epochs), help: "passes over the training windows"),
      ParameterSpec("batch_size", .integer(1...1_000_000), default: .integer(batchSize), help: "windows per optimiser step"),
      ParameterSpec(
        "validation_split", .number(0...0.9), default: .number(0.1),
        help: "fraction of training windows, from the end, held out for validation loss"),
      ParameterSpec("shuffle", .boolean, default: .boolean(shuffle), help: "reshuffle training windows every epoch"),
      ParameterSpec(
        "optimizer", .choice(OptimizerKind.allCases.map(\.rawValue)), default: .text(optimizer.rawValue),
        help: "adam or rmsprop (Keras defaults)"),
      ParameterSpec("learning_rate", .number(1e-9...10), default: .number(1e-3), help: "optimizer learning rate"),
      ParameterSpec(
        "loss", .choice(Loss.allCases.map(\.rawValue)), default: .text(loss.rawValue), help: "training loss: mae or mse"),
      ParameterSpec(
        "patience", .integer(0...100_000), default: .integer(0),
        help: "stop after this many epochs without a better validation loss and keep the best weights; 0: off"),
      ParameterSpec("seed", .integer, default: .integer(42), help: "seed for weights, dropout and shuffling"),
      ParameterSpec(
        "threads", .integer(1...256), default: .integer(2),
        help: "threads (batch shards); results depend on seed and threads"),
    ]
  }

  public static func options(_ p: Parameters) -> TrainingOptions {
    var o = TrainingOptions()
    o.epochs = p.integer("epochs")
    o.batchSize = p.integer("batch_size")
    o.validationSplit = p.number("validation_split")
    o.shuffle = p.boolean("shuffle")
    o.seed = UInt64(bitPattern: Int64(p.integer("seed")))
    o.threads = p.integer("threads")
    o.earlyStoppingPatience = p.integer("patience") > 0 ? p.integer("patience") : nil
    return o
  }

  public static func optimizer(_ p: Parameters) throws -> any Optimizer {
    try p.choice("optimizer", as: OptimizerKind.self).make(learningRate: Float(p.number("learning_rate")))
  }

  public static func loss(_ p: Parameters) throws -> Loss { try p.choice("loss") }
}
