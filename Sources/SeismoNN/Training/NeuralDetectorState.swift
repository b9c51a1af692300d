import Foundation
import SeismoCore

/// How neural detectors save and restore their state: the model's weights as tensors, and the
/// scaler and feature names as JSON metadata.
public enum NeuralDetectorState {
  public static func export(model: Sequential, scaler: FeatureScaler, features: [String]) throws -> DetectorState {
    let encoder = JSONEncoder()
    return DetectorState(
      tensors: model.namedTensors(),
      metadata: [
        "scaler": String(decoding: try encoder.encode(scaler), as: UTF8.self),
        "features": String(decoding: try encoder.encode(features), as: UTF8.self),
      ])
  }

  /// The scaler and features of a saved state; `detector` names the plugin in errors.
  public static func scalerAndFeatures(_ state: DetectorState, detector: String) throws -> (FeatureScaler, [String]) {
    guard let scalerText = state.metadata["scaler"], let featuresText = state.metadata["features"],
      let scaler = try? JSONDecoder().decode(FeatureScaler.self, from: Data(scalerText.utf8)),
      let features = try? JSONDecoder().decode([String].self, from: Data(featuresText.utf8)),
      scaler.offset.count == features.count
    else { throw SeismoError.state("the saved state has no usable scaler and feature list for \(detector)") }
    return (scaler, features)
  }

  /// Loads `state`'s tensors into `model` (which must have the saved architecture).
  public static func restore(_ model: Sequential, from state: DetectorState, detector: String) throws {
    try model.load(state.tensors, origin: "saved \(detector) model")
  }
}
