import CSeismoKernels
import SeismoSupport

/// Inverted dropout: in training each element is zeroed with probability `rate` and the rest are
/// scaled by 1 / (1 − rate); in inference it is the identity. Shape-preserving.
public final class Dropout: Layer {
  public let rate: Float
  public var parameters: [Parameter] { [] }
  public var gradients: [[Float]] = []
  /// The last training mask (0 or 1 / (1 − rate)); empty after an inference pass.
  private var mask: [Float] = []
  /// The 32-bit random draws behind `mask`.
  private var draws: [UInt32] = []

  public init(rate: Float) {
    precondition((0..<1).contains(rate), "dropout rate must be in [0, 1)")
    self.rate = rate
  }

  public func replica() -> Layer { Dropout(rate: rate) }

  public func forward(_ x: consuming TimeMajorTensor, mode: inout ForwardMode) -> TimeMajorTensor {
    guard mode.training, rate > 0 else {
      mask = []
      return x
    }
    var y = consume x
    if y.isRepeated { y = y.materialized() }
    let n = y.data.count
    // Drop when a uniform 32-bit draw falls below rate·2³²; two draws per 64 random bits.
    let threshold = UInt32(Double(rate) * 4_294_967_296.0)
    mask.prepare(n)
    draws.prepare(n)
    var random = mode.random
    // Local buffers: a loop over the stored property would pay an exclusivity check per element.
    draws.withUnsafeMutableBufferPointer { draws in
      for k in stride(from: 0, to: n, by: 2) {
        let bits = random.next()
        draws[k] = UInt32(truncatingIfNeeded: bits)
        if k + 1 < n { draws[k + 1] = UInt32(truncatingIfNeeded: bits >> 32) }
      }
    }
    seismo_dropout(&y.data, &mask, draws, n, threshold, 1 / (1 - rate))
    mode.random = random
    return y
  }

  public func backward(_ dy: consuming TimeMajorTensor, inputGradient: Bool) -> TimeMajorTensor? {
    guard inputGradient else { return nil }
    guard !mask.isEmpty else { return dy }
    var dx = consume dy
    mask.withUnsafeBufferPointer { maskBuffer in
      dx.data.withUnsafeMutableBufferPointer { values in
        for i in values.indices { values[i] *= maskBuffer[i] }
      }
    }
    return dx
  }
}
