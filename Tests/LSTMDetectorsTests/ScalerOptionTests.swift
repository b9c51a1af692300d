import Testing

@testable import LSTMAutoencoder
@testable import LSTMForecaster
@testable import SeismoCore
@testable import SeismoNeural

/// `scaler` picks the scaling fitted on the training rows: each detector is given the kind that
/// is not its default, and its fitted offsets are checked against the training rows by hand.
@Suite struct ScalerOptionTests {
  static let values: [String: ParameterValue] = [
    "window": .integer(5), "epochs": .integer(1), "transform": .text("level"), "seed": .integer(1),
  ]

  /// The first 80 of 100 synthetic rows, which the detectors train on.
  static func trainingRows() throws -> Frame { try syntheticFrame(rows: 100, spikes: []).rows(0..<80) }

  /// The scaler `detector` fits on `train`, and each feature's training values.
  static func fittedScaler(_ detector: some NeuralDetector, on train: Frame) throws -> (FeatureScaler?, [[Float]]) {
    _ = try detector.fit(train, observer: nil)
    let columns = (0..<train.featureCount).map { j in
      (0..<train.rowCount).map { train.values[$0 * train.featureCount + j] }
    }
    return (detector.fitted?.preprocessing.scaler, columns)
  }

  @Test func autoencoderTakesMinMax() throws {
    let specs = LSTMAutoencoderDetector.descriptor.parameters
    #expect(Parameters(specs: specs).values["scaler"] == .text("standard"))
    let detector = try LSTMAutoencoderDetector(
      parameters: parameters(specs, Self.values.merging(["scaler": .text("minmax"), "units": .integer(4)]) { $1 }))
    let (fitted, columns) = try Self.fittedScaler(detector, on: Self.trainingRows())
    let scaler = try #require(fitted)
    #expect(scaler.kind == .minmax)
    for (j, column) in columns.enumerated() {
      #expect(scaler.offset[j] == column.min()! && scaler.scale[j] == column.max()! - column.min()!)
    }
  }

  @Test func forecasterTakesStandard() throws {
    let specs = LSTMForecasterDetector.descriptor.parameters
    #expect(Parameters(specs: specs).values["scaler"] == .text("minmax"))
    let detector = try LSTMForecasterDetector(
      parameters: parameters(specs, Self.values.merging(["scaler": .text("standard"), "units": .integerList([4])]) { $1 }))
    let (fitted, columns) = try Self.fittedScaler(detector, on: Self.trainingRows())
    let scaler = try #require(fitted)
    #expect(scaler.kind == .standard)
    for (j, column) in columns.enumerated() {
      let mean = column.map(Double.init).reduce(0, +) / Double(column.count)
      #expect(abs(Double(scaler.offset[j]) - mean) < 1e-6)
    }
  }
}
