import SeismoCore

/// A cut-off chosen by hand: rows scoring strictly above `value` are anomalies.
public struct FixedThreshold: Threshold, ConfigurablePlugin {
  public static let descriptor = PluginDescriptor(
    kind: .threshold, name: "fixed", summary: "a fixed cut-off on the score (the autoencoder seed used 0.65)",
    parameters: [ParameterSpec("value", .float32, default: nil, help: "rows scoring strictly above this are anomalies")])

  public let value: Float

  public init(parameters: Parameters) throws { value = Float(parameters.number("value")) }

  public func calibrate(trainingScores: [Float]) throws -> Float { value }
}
