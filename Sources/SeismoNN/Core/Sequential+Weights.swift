import SeismoSupport

extension Sequential {
  /// The parameters as named tensors.
  public func namedTensors() -> [String: TensorArchive.Tensor] {
    Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, TensorArchive.Tensor(shape: $0.shape, values: $0.value)) })
  }

  /// Loads parameters by name; every parameter must be present with its shape.
  public func load(_ tensors: [String: TensorArchive.Tensor], origin: String) throws {
    for p in parameters {
      guard let t = tensors[p.name] else {
        throw SeismoError.state("\(origin): no tensor '\(p.name)'; the file is for a different model")
      }
      guard t.shape == p.shape else {
        throw SeismoError.state("\(origin): tensor '\(p.name)' has shape \(t.shape), the model needs \(p.shape)")
      }
      p.value = t.values
    }
  }
}
