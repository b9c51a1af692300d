/// Training losses, averaged over every element of a batch as Keras does (mean over features,
/// then over samples and steps).
public enum Loss: String, Sendable, Codable, CaseIterable {
  /// Mean absolute error; its gradient at zero error is 0.
  case mae
  /// Mean squared error.
  case mse

  /// Returns the *sum* of element losses, and writes ∂(sum / normalizer)/∂prediction into
  /// `gradient`. Shards of one batch pass the whole batch's element count as `normalizer`, so
  /// their gradients add up to the batch mean's.
  public func evaluate(prediction: [Float], target: [Float], normalizer: Float, gradient: inout [Float]) -> Double {
    precondition(prediction.count == target.count)
    gradient.prepare(prediction.count)
    var total = 0.0
    let scale = 1 / normalizer
    for i in prediction.indices {
      let d = prediction[i] - target[i]
      switch self {
      case .mae:
        total += Double(abs(d))
        gradient[i] = d > 0 ? scale : (d < 0 ? -scale : 0)
      case .mse:
        total += Double(d * d)
        gradient[i] = 2 * d * scale
      }
    }
    return total
  }

  /// The per-element loss, for scoring.
  @inline(__always)
  public func element(_ prediction: Float, _ target: Float) -> Float {
    let d = prediction - target
    return self == .mae ? abs(d) : d * d
  }
}
