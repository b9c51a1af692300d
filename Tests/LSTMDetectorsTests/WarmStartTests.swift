import Foundation
import Testing

@testable import LSTMAutoencoder
@testable import LSTMForecaster
@testable import SeismoCore
@testable import Thresholds

/// `split.warm_start`: each walk-forward refit of a neural detector starts from the previous
/// fold's weights, so its first epoch is already as good as the previous fold's last.
@Suite struct WarmStartTests {
  static func registry() -> PluginRegistry {
    var registry = PluginRegistry()
    registry.register(detector: LSTMAutoencoderDetector.self)
    registry.register(detector: LSTMForecasterDetector.self)
    registry.register(threshold: FixedThreshold.self)
    return registry
  }

  /// Training losses of every epoch of every fold, in order, for a walk-forward run.
  func losses(detector: String, warmStart: Bool) throws -> (epochs: [Double], folds: Int) {
    let rows = 240
    let values = (0..<rows).flatMap { r -> [Float] in [Float(sin(Double(r) / 6)), Float(cos(Double(r) / 9))] }
    let frame = try Frame(timestamps: (0..<rows).map { Int64($0) * 86_400 }, featureNames: ["a", "b"], values: values)
    let registry = Self.registry()
    let spec = registry.detectors[detector]!.descriptor.parameters
    let config = RunConfig(
      source: PluginChoice(plugin: "memory", parameters: Parameters()),
      split: Parameters(
        specs: SplitPolicy.parameters,
        values: ["train_fraction": .number(0.5), "refit_every": .text("40"), "warm_start": .boolean(warmStart)]),
      detector: PluginChoice(
        plugin: detector,
        parameters: Parameters(
          specs: spec,
          values: [
            "window": .integer(6), "epochs": .integer(4), "seed": .integer(3), "validation_split": .number(0),
            "units": detector == "lstm-forecaster" ? .integerList([8]) : .integer(8), "learning_rate": .number(0.01),
          ])),
      threshold: PluginChoice(plugin: "fixed", parameters: Parameters(["value": .number(1)])))
    var epochs: [Double] = []
    let run = try DetectionPipeline(registry: registry, config: config).run(
      LoadedFrame(frame: frame, origin: "memory", rowsRead: rows), observer: { record, _ in epochs.append(record.loss) })
    return (epochs, run.folds.count)
  }

  @Test(arguments: ["lstm-autoencoder", "lstm-forecaster"])
  func laterFoldsStartWhereTheLastEnded(_ detector: String) throws {
    let cold = try losses(detector: detector, warmStart: false)
    let warm = try losses(detector: detector, warmStart: true)
    try #require(cold.folds == 3 && warm.folds == 3 && cold.epochs.count == 12 && warm.epochs.count == 12, "\(cold) \(warm)")
    #expect(Array(cold.epochs.prefix(4)) == Array(warm.epochs.prefix(4)), "the first fold is the same either way")
    for fold in 1..<3 {
      let coldFirst = cold.epochs[4 * fold]
      let warmFirst = warm.epochs[4 * fold]
      #expect(warmFirst < coldFirst, "fold \(fold + 1): warm \(warmFirst), cold \(coldFirst)")
      #expect(warmFirst < warm.epochs[4 * fold - 4], "fold \(fold + 1) starts below the previous fold's first epoch")
    }
  }
}
