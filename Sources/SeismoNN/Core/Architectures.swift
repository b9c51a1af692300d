import SeismoSupport

/// The seed models' layer stacks, with every size a parameter.
public enum Architectures {
  /// LSTM(units) → Dropout → RepeatVector(steps) → LSTM(units, sequences) → Dropout →
  /// TimeDistributed(Dense(features)). Input and output `[N, L, D]`.
  public static func lstmAutoencoder(features: Int, steps: Int, units: Int = 64, dropout: Float = 0.2, seed: UInt64)
    -> Sequential
  {
    var random = SeededGenerator(seed: seed)
    return Sequential([
      LSTM(inputSize: features, units: units, name: "encoder", random: &random),
      Dropout(rate: dropout),
      RepeatVector(steps: steps),
      LSTM(inputSize: units, units: units, returnSequences: true, name: "decoder", random: &random),
      Dropout(rate: dropout),
      Dense(inputSize: units, outputSize: features, name: "output", random: &random),
    ])
  }

  /// What `lstmAutoencoder` with these sizes needs in memory.
  public static func lstmAutoencoderFootprint(features: Int, steps: Int, units: Int) -> NetworkFootprint {
    .lstm(inputSize: features, units: units, steps: 1) + .lstm(inputSize: units, units: units, steps: steps)
      + .dense(inputSize: units, outputSize: features, steps: steps)
  }

  /// Stacked LSTMs (all but the last return sequences), each followed by Dropout, then
  /// Dense(outputs) on the last state. Input `[N, L, D]`, output `[N, 1, O]` (O = `outputs`).
  /// The VIX seed is units [64, 32] with relu; the univariate seed [50, 100] with tanh.
  public static func lstmForecaster(
    features: Int, units: [Int], outputs: Int, activation: ActivationFunction, dropout: Float = 0.2, seed: UInt64
  ) -> Sequential {
    var random = SeededGenerator(seed: seed)
    var layers: [Layer] = []
    var width = features
    for (k, u) in units.enumerated() {
      layers.append(
        LSTM(
          inputSize: width, units: u, returnSequences: k < units.count - 1, activation: activation, name: "lstm\(k + 1)",
          random: &random))
      if dropout > 0 { layers.append(Dropout(rate: dropout)) }
      width = u
    }
    layers.append(Dense(inputSize: width, outputSize: outputs, name: "output", random: &random))
    return Sequential(layers)
  }

  /// What `lstmForecaster` with these sizes needs in memory.
  public static func lstmForecasterFootprint(features: Int, steps: Int, units: [Int], outputs: Int) -> NetworkFootprint {
    var total = NetworkFootprint(parameters: 0, activationsPerWindow: 0)
    var width = features
    for u in units {
      total = total + .lstm(inputSize: width, units: u, steps: steps)
      width = u
    }
    return total + .dense(inputSize: width, outputSize: outputs, steps: 1)
  }
}
