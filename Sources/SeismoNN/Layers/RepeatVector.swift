/// Repeats a vector batch `[1, N, D]` `steps` times → `[L, N, D]`.
///
/// Nothing is copied: the output is marked `isRepeated`, and a following LSTM projects the vector
/// once instead of once per step. Backward sums the incoming gradient over steps (an LSTM
/// consumer has already summed it and passes `[1, N, D]`).
public final class RepeatVector: Layer {
  public let steps: Int
  public var parameters: [Parameter] { [] }
  public var gradients: [[Float]] = []

  public init(steps: Int) { self.steps = steps }

  public func replica() -> Layer { RepeatVector(steps: steps) }

  public func forward(_ x: TimeMajorTensor, mode: inout ForwardMode) -> TimeMajorTensor {
    precondition(x.steps == 1, "RepeatVector expects a vector batch (one step)")
    return TimeMajorTensor(steps: steps, batch: x.batch, features: x.features, data: x.data, isRepeated: true)
  }

  public func backward(_ dy: TimeMajorTensor, inputGradient: Bool) -> TimeMajorTensor? {
    guard inputGradient else { return nil }
    if dy.steps == 1 { return dy }
    let full = dy.materialized()
    let block = full.batch * full.features
    var sum = [Float](full.data[0..<block])
    for t in 1..<full.steps {
      for i in 0..<block { sum[i] += full.data[t * block + i] }
    }
    return TimeMajorTensor(steps: 1, batch: full.batch, features: full.features, data: sum)
  }
}
