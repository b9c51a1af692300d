import SeismoSupport

extension Sequential {
  /// Each parameter's key in a weights file: its layer's position in the stack and its role,
  /// `3.kernel` for the kernel of the fourth layer. Positions cannot collide, whatever the layers
  /// are named, and renaming a layer never orphans a saved file.
  public var parameterKeys: [String] {
    layers.enumerated().flatMap { position, layer in
      layer.parameters.map { "\(position).\($0.name.split(separator: ".").last ?? Substring($0.name))" }
    }
  }

  /// The parameters as tensors by key (`parameterKeys`).
  public func namedTensors() -> [String: TensorArchive.Tensor] {
    Dictionary(
      zip(parameterKeys, parameters).map { ($0, TensorArchive.Tensor(shape: $1.shape, values: $1.value)) },
      uniquingKeysWith: { first, _ in first })
  }

  /// Loads every parameter by key; files saved before keys were positions name a parameter as
  /// the layer did (`encoder.kernel`), and are read that way. Every parameter must be present
  /// with its shape.
  public func load(_ tensors: [String: TensorArchive.Tensor], origin: String) throws {
    for (key, p) in zip(parameterKeys, parameters) {
      guard let t = tensors[key] ?? tensors[p.name] else {
        throw SeismoError.state("\(origin): no tensor '\(key)'; the file is for a different model")
      }
      guard t.shape == p.shape else {
        throw SeismoError.state("\(origin): tensor '\(key)' has shape \(t.shape), the model needs \(p.shape)")
      }
      p.value = t.values
    }
  }
}
