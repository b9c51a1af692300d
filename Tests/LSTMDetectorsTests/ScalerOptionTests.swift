import Testing

@testable import LSTMAutoencoder
@testable import LSTMForecaster
@testable import SeismoCore

/// `scaler` picks the scaling fitted on the training rows: each detector is given the kind that
/// is not its default, and its fitted offsets are checked against the training rows by hand.
@Suite struct ScalerOptionTests {
  static let values: [String: ParameterValue] = [
    "window": .integer(5), "epochs": .integer(1), "transform": .text("level"), "seed": .integer(1),
  ]

  /// The fitted scaler of `detector` trained on the first 80 of 100 synthetic rows.
  static func fittedScaler(_ detector: Detector) throws -> FeatureScaler? {
    let frame = try syntheticFrame(rows: 100, spikes: [])
    _ = try detector.fit(frame.rows(0..<80), observer: nil)
    return (detector as? LSTMAutoencoderDetector)?.fitted?.preprocessing.scaler
      ?? (detector as? LSTMForecasterDetector)?.fitted?.preprocessing.scaler
  }

  /// Column `j` of the training rows.
  static func trainingColumn(_ j: Int) throws -> [Float] {
    let train = try syntheticFrame(rows: 100, spikes: []).rows(0..<80)
    return (0..<train.rowCount).map { train.values[$0 * train.featureCount + j] }
  }

  @Test func autoencoderTakesMinMax() throws {
    let specs = LSTMAutoencoderDetector.descriptor.parameters
    #expect(Parameters(specs: specs).values["scaler"] == .text("standard"))
    let detector = try LSTMAutoencoderDetector(
      parameters: parameters(specs, Self.values.merging(["scaler": .text("minmax"), "units": .integer(4)]) { $1 }))
    let scaler = try #require(try Self.fittedScaler(detector))
    #expect(scaler.kind == .minmax)
    for j in 0..<2 {
      let column = try Self.trainingColumn(j)
      #expect(scaler.offset[j] == column.min()! && scaler.scale[j] == column.max()! - column.min()!)
    }
  }

  @Test func forecasterTakesStandard() throws {
    let specs = LSTMForecasterDetector.descriptor.parameters
    #expect(Parameters(specs: specs).values["scaler"] == .text("minmax"))
    let detector = try LSTMForecasterDetector(
      parameters: parameters(specs, Self.values.merging(["scaler": .text("standard"), "units": .integerList([4])]) { $1 }))
    let scaler = try #require(try Self.fittedScaler(detector))
    #expect(scaler.kind == .standard)
    for j in 0..<2 {
      let column = try Self.trainingColumn(j).map(Double.init)
      let mean = column.reduce(0, +) / Double(column.count)
      #expect(abs(Double(scaler.offset[j]) - mean) < 1e-6)
    }
  }
}
