import CSeismoKernels
import SeismoSupport

/// A fully connected layer, `y = x·W + b`, applied to every step (Keras's `Dense`, and
/// `TimeDistributed(Dense)` on sequences). Its products are the LSTM's (`SmallProduct`), which
/// give the same bits on every x86 machine with AVX2 or AVX-512, so a model trains alike on each.
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
    let input = x.materialized()
    let rows = input.rows
    var y = [Float](repeating: 0, count: rows * outputSize)
    y.withUnsafeMutableBufferPointer { out in
      // y = b + x·W, b on every row.
      SmallProduct.multiply(
        m: rows, n: outputSize, k: inputSize, a: input.data, lda: inputSize, b: kernel.value, ldb: outputSize,
        plus: bias.value, addendStride: 0, c: out.baseAddress!, ldc: outputSize)
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
      // dW += xᵀ·δ
      SmallProduct.multiply(
        transA: true, m: inputSize, n: outputSize, k: rows, a: input.data, lda: inputSize, b: delta, ldb: outputSize,
        plus: dW.baseAddress!, addendStride: outputSize, c: dW.baseAddress!, ldc: outputSize)
    }
    gradients[1].withUnsafeMutableBufferPointer { db in seismo_add_rows(db.baseAddress!, delta, rows, outputSize) }
    guard inputGradient else { return nil }
    // dx = δ·Wᵀ, with Wᵀ [O, D] laid out for the product (its rows contiguous).
    var transposed = [Float](repeating: 0, count: outputSize * inputSize)
    transposed.withUnsafeMutableBufferPointer {
      BLAS.transpose(kernel.value, rows: inputSize, columns: outputSize, into: $0.baseAddress!, ldb: inputSize)
    }
    var dx = [Float](repeating: 0, count: rows * inputSize)
    dx.withUnsafeMutableBufferPointer { out in
      SmallProduct.multiply(
        m: rows, n: inputSize, k: outputSize, a: delta, lda: outputSize, b: transposed, ldb: inputSize, plus: nil,
        addendStride: 0, c: out.baseAddress!, ldc: inputSize)
    }
    return TimeMajorTensor(steps: input.steps, batch: input.batch, features: inputSize, data: dx)
  }
}
