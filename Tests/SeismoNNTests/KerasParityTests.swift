import Foundation
import Testing

@testable import SeismoNN
@testable import SeismoSupport

/// Forward outputs of the seed models equal Keras's for the same weights and inputs
/// (fixture made by scripts/keras_parity.py with TensorFlow 2.21 / Keras 3.15).
@Suite struct KerasParityTests {
  struct Fixture: Decodable {
    struct Case: Decodable {
      var name: String
      var batch: Int
      var steps: Int
      var features: Int
      var output: [Double]
    }
    var cases: [Case]
  }

  static let fixture: Fixture = {
    let url = Bundle.module.url(forResource: "keras_parity", withExtension: "json", subdirectory: "Fixtures")!
    return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
  }()

  /// The script's formula: parameter p, element k → 0.2·sin(0.1·(k+1)·(p+1) + 0.3·p).
  static func setWeights(_ model: Sequential) {
    for (p, parameter) in model.parameters.enumerated() {
      parameter.value = (0..<parameter.count).map { k in
        Float(0.2 * sin(0.1 * Double(k + 1) * Double(p + 1) + 0.3 * Double(p)))
      }
    }
  }

  static func inputs(batch: Int, steps: Int, features: Int) -> TimeMajorTensor {
    var values: [Float] = []
    for b in 0..<batch {
      for t in 0..<steps {
        for f in 0..<features { values.append(Float(sin(0.3 * Double(t) + Double(b) + 0.5 * Double(f)))) }
      }
    }
    return TimeMajorTensor(batchMajor: values, batch: batch, steps: steps, features: features)
  }

  static func model(for c: Fixture.Case) -> Sequential {
    switch c.name {
    case "autoencoder": return Architectures.lstmAutoencoder(features: 1, steps: 30, seed: 1)
    case "autoencoder_multifeature": return Architectures.lstmAutoencoder(features: 4, steps: 12, units: 16, seed: 1)
    case "forecaster":
      return Architectures.lstmForecaster(features: 4, units: [64, 32], outputs: 4, activation: .relu, seed: 1)
    default: return Architectures.lstmForecaster(features: 1, units: [50, 100], outputs: 1, activation: .tanh, seed: 1)
    }
  }

  @Test(arguments: fixture.cases.map(\.name))
  func forwardMatchesKeras(_ name: String) {
    let c = Self.fixture.cases.first { $0.name == name }!
    let model = Self.model(for: c)
    Self.setWeights(model)
    var mode = ForwardMode.inference()
    let output = model.forward(Self.inputs(batch: c.batch, steps: c.steps, features: c.features), mode: &mode).batchMajor()
    #expect(output.count == c.output.count)
    let worst = zip(output, c.output).map { abs(Double($0) - $1) }.max() ?? .infinity
    #expect(worst < 1e-5, "largest difference from Keras: \(worst)")
  }
}
