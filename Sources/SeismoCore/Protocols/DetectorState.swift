/// A fitted detector's state, saved with a model: named Float32 tensors (weights) and string
/// metadata (scaler statistics, feature names, …). Plugins choose their own keys.
public struct DetectorState: Sendable, Equatable {
  public var tensors: [String: TensorArchive.Tensor]
  public var metadata: [String: String]

  public init(tensors: [String: TensorArchive.Tensor] = [:], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }
}
