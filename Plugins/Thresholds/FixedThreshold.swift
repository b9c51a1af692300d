import SeismoCore

/// A cut-off chosen by hand: rows scoring strictly above `value` are anomalies.
public struct FixedThreshold: Threshold, ConfigurablePlugin {
  static let value = Parameter<Double>(
    "value", ParameterType.float32Range, default: nil, help: "rows scoring strictly above this are anomalies")

  public static let descriptor = PluginDescriptor(
    kind: .threshold, name: "fixed", summary: "a fixed cut-off on the score (the autoencoder seed used 0.65)",
    parameters: [Self.value.spec])

  public let value: Float

  public init(parameters: Parameters) throws { value = Float(parameters[Self.value]) }

  public func calibrate(trainingScores: [Float]) throws -> Float { value }
}
