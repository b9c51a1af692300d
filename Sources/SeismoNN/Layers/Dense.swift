import CSeismoKernels
import SeismoSupport

/// A fully connected layer, `y = x·W + b`, applied to every step (Keras's `Dense`, and
/// `TimeDistributed(Dense)` on sequences).
///
/// Input `[L, N, D]` (D = `inputSize`), output `[L, N, O]` (O = `outputSize`); W `[D, O]`,
/// glorot-uniform; b `[O]`, zeros.
public final class Dense: Layer {
  public let inputSize: Int
  public let outputSize: Int
  public let activation: ActivationFunction
  public let kernel: Parameter
  public let bias: Parameter
  public var parameters: [Parameter] { [kernel, bias] }
  public var gradients: [[Float]]
  private var input = TimeMajorTensor.empty
  private var output: [Float] = []

  public init(
    inputSize: Int, outputSize: Int, activation: ActivationFunction = .linear, name: String = "dense",
    random: inout SeededGenerator
  ) {
    self.inputSize = inputSize
    self.outputSize = outputSize
    self.activation = activation
    kernel = Parameter(
      name: "\(name).kernel", shape: [inputSize, outputSize],
      value: Initializers.glorotUniform(fanIn: inputSize, fanOut: outputSize, random: &random))
    bias = Parameter(name: "\(name).bias", shape: [outputSize], value: [Float](repeating: 0, count: outputSize))
    gradients = [[Float](repeating: 0, count: inputSize * outputSize), [Float](repeating: 0, count: outputSize)]
  }

  private init(sharing other: Dense) {
    inputSize = other.inputSize
    outputSize = other.outputSize
    activation = other.activation
    kernel = other.kernel
    bias = other.bias
    gradients = other.gradients.map { [Float](repeating: 0, count: $0.count) }
  }

  public func replica() -> Layer { Dense(sharing: self) }

  public func forward(_ x: TimeMajorTensor, mode: inout ForwardMode) -> TimeMajorTensor {
    precondition(x.features == inputSize, "Dense expects \(inputSize) input features, got \(x.features)")
    BLAS.warmUp()
    let input = x.materialized()
    let rows = input.rows
    var y = [Float](repeating: 0, count: rows * outputSize)
    y.withUnsafeMutableBufferPointer { out in
      for r in 0..<rows { (out.baseAddress! + r * outputSize).update(from: bias.value, count: outputSize) }
      BLAS.gemm(
        m: rows, n: outputSize, k: inputSize, a: input.data, lda: inputSize, b: kernel.value, ldb: outputSize, beta: 1,
        c: out.baseAddress!, ldc: outputSize)
      activation.apply(to: out.baseAddress!, count: out.count)
    }
    // Kept for backward in training only: in inference a kept input would share the previous
    // layer's buffer, which that layer would then copy before its next write.
    (self.input, output) = mode.training ? (input, y) : (.empty, [])
    return TimeMajorTensor(steps: input.steps, batch: input.batch, features: outputSize, data: y)
  }

  public func backward(_ dy: TimeMajorTensor, inputGradient: Bool) -> TimeMajorTensor? {
    let rows = input.rows
    precondition(rows == dy.rows && rows > 0, "Dense.backward needs a forward pass in training mode")
    var delta = dy.data
    if activation != .linear {
      for i in delta.indices { delta[i] *= activation.derivative(output: output[i]) }
    }
    gradients[0].withUnsafeMutableBufferPointer { dW in
      BLAS.gemm(
        transA: true, m: inputSize, n: outputSize, k: rows, a: input.data, lda: inputSize, b: delta, ldb: outputSize,
        beta: 1, c: dW.baseAddress!, ldc: outputSize)
    }
    gradients[1].withUnsafeMutableBufferPointer { db in seismo_add_rows(db.baseAddress!, delta, rows, outputSize) }
    guard inputGradient else { return nil }
    var dx = [Float](repeating: 0, count: rows * inputSize)
    dx.withUnsafeMutableBufferPointer { out in
      BLAS.gemm(
        transB: true, m: rows, n: inputSize, k: outputSize, a: delta, lda: outputSize, b: kernel.value,
        ldb: outputSize, beta: 0, c: out.baseAddress!, ldc: inputSize)
    }
    return TimeMajorTensor(steps: input.steps, batch: input.batch, features: inputSize, data: dx)
  }
}
