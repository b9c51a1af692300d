/// The element-wise non-linearities an LSTM uses (applied through the C kernels:
/// `apply(to:count:)`).
public enum ActivationFunction: String, Sendable, Codable, CaseIterable {
  case tanh, relu, sigmoid, linear

  /// The derivative, expressed through the activation's *output* y = f(x) (and x for relu).
  @inline(__always)
  func derivative(output y: Float) -> Float {
    switch self {
    case .tanh: return 1 - y * y
    case .relu: return y > 0 ? 1 : 0
    case .sigmoid: return y * (1 - y)
    case .linear: return 1
    }
  }
}
