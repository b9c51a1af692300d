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
  func losses(detector: String, warmStart: Bool, refitEpochs: Double = 0) throws -> (
    epochs: [Double], folds: Int, planned: [Int], foldEpochs: [Int], lines: [String]
  ) {
    let rows = 240
    let values = (0..<rows).flatMap { r -> [Float] in [Float(sin(Double(r) / 6)), Float(cos(Double(r) / 9))] }
    let frame = try Frame(timestamps: (0..<rows).map { Int64($0) * 86_400 }, featureNames: ["a", "b"], values: values)
    let registry = Self.registry()
    let spec = registry.detectors[detector]!.descriptor.parameters
    let config = RunConfig(
      source: PluginChoice(plugin: "memory", parameters: Parameters()),
      split: Parameters(
        specs: SplitPolicy.parameters,
        values: [
          "train_fraction": .number(0.5), "refit_every": .text("40"), "warm_start": .boolean(warmStart),
          "refit_epochs": .number(refitEpochs),
        ]),
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
    var planned: [Int] = []
    var lines: [String] = []
    let run = try DetectionPipeline(registry: registry, config: config).run(
      LoadedFrame(frame: frame, origin: "memory", rowsRead: rows),
      observer: { record, plan in
        epochs.append(record.loss)
        planned.append(plan)
      }, log: { lines.append($0) })
    return (epochs, run.folds.count, planned, run.folds.map(\.epochs), lines.filter { $0.hasPrefix("fold ") })
  }

  @Test(arguments: ["lstm-autoencoder", "lstm-forecaster"])
  func refitsTrainTheirOwnEpochs(_ detector: String) throws {
    let run = try losses(detector: detector, warmStart: true, refitEpochs: 2)
    #expect(run.foldEpochs == [4, 2, 2], "the first fit trains its 4 epochs, each warm refit 2")
    #expect(run.planned == [4, 4, 4, 4, 2, 2, 2, 2], "progress plans each fold's own epochs")
    #expect(
      run.lines == [
        "fold 1 of 3: trained \(detector) on rows 1–120, scoring rows 121–160",
        "fold 2 of 3: trained \(detector) on rows 1–160 from fold 1's weights, scoring rows 161–200",
        "fold 3 of 3: trained \(detector) on rows 1–200 from fold 2's weights, scoring rows 201–240",
      ], "a warm refit says whose weights it started from")
    // The first fold is the same as without refit_epochs.
    let full = try losses(detector: detector, warmStart: true)
    #expect(Array(run.epochs.prefix(4)) == Array(full.epochs.prefix(4)))
    #expect(full.foldEpochs == [4, 4, 4])
    #expect(
      throws: SeismoError.config(
        key: "split.refit_epochs", location: nil,
        message: "fewer epochs per refit need warm_start: true (a cold refit starts from fresh weights)")
    ) { try losses(detector: detector, warmStart: false, refitEpochs: 2) }
  }

  /// `refit_epochs: 0.5`: each warm refit trains one epoch on a random half of its windows, so
  /// its loss is another than a whole epoch's, and it costs half as much.
  @Test(arguments: ["lstm-autoencoder", "lstm-forecaster"])
  func aFractionOfAnEpochTrainsPartOfTheWindows(_ detector: String) throws {
    let half = try losses(detector: detector, warmStart: true, refitEpochs: 0.5)
    let one = try losses(detector: detector, warmStart: true, refitEpochs: 1)
    #expect(half.foldEpochs == [4, 1, 1] && one.foldEpochs == [4, 1, 1])
    #expect(half.planned == [4, 4, 4, 4, 1, 1])
    #expect(Array(half.epochs.prefix(4)) == Array(one.epochs.prefix(4)), "the first fit is whole either way")
    #expect(half.epochs[4] != one.epochs[4] && half.epochs[5] != one.epochs[5], "\(half.epochs) \(one.epochs)")
  }

  @Test(arguments: ["lstm-autoencoder", "lstm-forecaster"])
  func laterFoldsStartWhereTheLastEnded(_ detector: String) throws {
    let cold = try losses(detector: detector, warmStart: false)
    let warm = try losses(detector: detector, warmStart: true)
    #expect(!cold.lines.contains { $0.contains("weights") }, "\(cold.lines)")
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
