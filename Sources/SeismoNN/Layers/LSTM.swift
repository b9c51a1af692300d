import CSeismoKernels
import Foundation
import SeismoSupport

/// Long short-term memory, as Keras's `LSTM`.
///
/// Input `[L, N, D]` (D = `inputSize`); output `[L, N, H]` (H = `units`) when `returnSequences`,
/// else the last hidden state `[1, N, H]`. Gates are ordered i, f, g (candidate), o, as Keras:
///
///     z = x·W + h₋₁·U + b          W: [D, 4H], U: [H, 4H], b: [4H]
///     i = σ(z_i)  f = σ(z_f)  g = act(z_g)  o = σ(z_o)
///     c = f ⊙ c₋₁ + i ⊙ g          h = o ⊙ act(c)
///
/// with σ the sigmoid and `act` tanh (or relu). Speed: z of a step is one pass of the product
/// kernel over both terms (a repeated input is projected once per window); the gate
/// non-linearities and the cell update are one fused loop per step; backward runs the steps in
/// chunks of about 256 rows (`chunkSteps`) and turns each chunk's gate gradients into parameter
/// gradients while they are in cache, so it keeps one chunk of them; buffers persist across
/// batches, and those the kernels read by whole vectors start on 64-byte boundaries. Inference
/// keeps one step of gates, two of cell states and, unless it returns sequences, one of hidden
/// states, so its working set stays in cache.
public final class LSTM: Layer {
  public let inputSize: Int
  public let units: Int
  public let returnSequences: Bool
  public let activation: ActivationFunction
  public let kernel: Parameter
  public let recurrentKernel: Parameter
  public let bias: Parameter
  public var parameters: [Parameter] { [kernel, recurrentKernel, bias] }
  public var gradients: [[Float]]

  // Forward caches, time-major. What the kernels load by whole vectors (the product's B operands:
  // weights, transposes, dz; the gates and cell states) is `AlignedFloats`.
  private var input = TimeMajorTensor.empty
  /// W `[D, 4H]` and U `[H, 4H]`, copied at each forward pass with rows padded to whole vectors.
  private let kernelCopy = AlignedFloats()
  private let recurrentKernelCopy = AlignedFloats()
  /// Input projection x·W + b of a repeated input: `[N, 4H]`.
  private let projection = AlignedFloats()
  /// Pre-activations, then activated gates i, f, g, o, per step: `[L·N, 4H]`.
  private let gates = AlignedFloats()
  /// Cell states and act(cell) per step: `[L·N, H]`.
  private let cells = AlignedFloats()
  private let activatedCells = AlignedFloats()
  /// Hidden states per step: `[L·N, H]`.
  private var hidden: [Float] = []
  /// Whether the last forward pass kept every step (training), as `backward` needs.
  private var keptSteps = false
  // Backward buffers.
  /// Gate gradients dz of the steps `backward` is working on: `[chunkSteps·N, 4H]`.
  private let gateGradients = AlignedFloats()
  /// dz summed over steps, for a repeated input: `[N, 4H]`.
  private let repeatedGateGradients = AlignedFloats()
  private let hiddenGradient = AlignedFloats()
  private let cellGradient = AlignedFloats()
  /// Uᵀ `[4H, H]` and Wᵀ `[4H, D]`, rows padded to whole vectors (`AlignedFloats.paddedStride`),
  /// so dh₋₁ = dz·Uᵀ and dx = dz·Wᵀ are products with B's rows contiguous and aligned.
  private let recurrentKernelTransposed = AlignedFloats()
  private let kernelTransposed = AlignedFloats()
  private var kernelTransposedStride: Int { AlignedFloats.paddedStride(inputSize) }

  /// Creates the layer with Keras's default initialisation: glorot-uniform kernel, orthogonal
  /// recurrent kernel, zero bias except the forget gate's, which is 1.
  public init(
    inputSize: Int, units: Int, returnSequences: Bool = false, activation: ActivationFunction = .tanh,
    name: String = "lstm", random: inout SeededGenerator
  ) {
    self.inputSize = inputSize
    self.units = units
    self.returnSequences = returnSequences
    self.activation = activation
    kernel = Parameter(
      name: "\(name).kernel", shape: [inputSize, 4 * units],
      value: Initializers.glorotUniform(fanIn: inputSize, fanOut: 4 * units, random: &random))
    recurrentKernel = Parameter(
      name: "\(name).recurrent_kernel", shape: [units, 4 * units],
      value: Initializers.orthogonal(rows: units, columns: 4 * units, random: &random))
    var b = [Float](repeating: 0, count: 4 * units)
    for j in units..<2 * units { b[j] = 1 }
    bias = Parameter(name: "\(name).bias", shape: [4 * units], value: b)
    gradients = [kernel, recurrentKernel, bias].map { [Float](repeating: 0, count: $0.count) }
  }

  private init(sharing other: LSTM) {
    inputSize = other.inputSize
    units = other.units
    returnSequences = other.returnSequences
    activation = other.activation
    kernel = other.kernel
    recurrentKernel = other.recurrentKernel
    bias = other.bias
    gradients = other.gradients.map { [Float](repeating: 0, count: $0.count) }
  }

  public func replica() -> Layer { LSTM(sharing: self) }

  public func forward(_ x: TimeMajorTensor, mode: inout ForwardMode) -> TimeMajorTensor {
    precondition(x.features == inputSize, "LSTM expects \(inputSize) input features, got \(x.features)")
    // Kept for backward in training only (see `Dense.forward`).
    input = mode.training ? x : .empty
    let steps = x.steps
    let batch = x.batch
    let h = units
    let g4 = 4 * units
    // Training keeps every step for backpropagation. Inference keeps one step of gates and two of
    // cell states (the current and the previous), so they stay in cache.
    let keepsSteps = mode.training
    keptSteps = keepsSteps
    let gateStride = keepsSteps ? batch * g4 : 0
    gates.prepare((keepsSteps ? steps : 1) * batch * g4)
    let cellSlot = { (t: Int) in (keepsSteps ? t : t % 2) * batch * h }
    cells.prepare((keepsSteps ? steps : 2) * batch * h)
    activatedCells.prepare(keepsSteps ? steps * batch * h : 0)
    // Hidden states of every step, or of one in inference when only the last is returned: a
    // step's product reads h₋₁ before its cell update writes h.
    let keepsHidden = keepsSteps || returnSequences
    let hiddenSlot = { (t: Int) in keepsHidden ? t * batch * h : 0 }
    hidden.prepare((keepsHidden ? steps : 1) * batch * h)
    let weightStride = AlignedFloats.paddedStride(g4)
    kernelCopy.copy(kernel.value, columns: g4, stride: weightStride)
    recurrentKernelCopy.copy(recurrentKernel.value, columns: g4, stride: weightStride)
    let w = kernelCopy.base
    let u = recurrentKernelCopy.base

    // A repeated input's projection x·W + b, once per window: `[N, 4H]`.
    if x.isRepeated {
      projection.prepare(batch * g4)
      x.data.withUnsafeBufferPointer { xs in
        SmallProduct.multiply(
          m: batch, n: g4, k: inputSize, a: xs.baseAddress!, lda: inputSize, b: w, ldb: weightStride, plus: bias.value,
          addendStride: 0, c: projection.base, ldc: g4)
      }
    }

    let act = activation.cellActivation
    x.data.withUnsafeBufferPointer { xs in
      bias.value.withUnsafeBufferPointer { b in
        hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
          for t in 0..<steps {
            // z = b + x·W + h₋₁·U in one product (h₋₁ = 0 at t = 0), or, for a repeated
            // input, the projection + h₋₁·U.
            let z = gates.base + t * gateStride
            let input =
              x.isRepeated
              ? SmallProduct.Term.none
              : SmallProduct.Term(
                a: xs.baseAddress! + t * batch * inputSize, lda: inputSize, b: w, ldb: weightStride, k: inputSize)
            let recurrent =
              t > 0
              ? SmallProduct.Term(a: hiddenBuffer.baseAddress! + hiddenSlot(t - 1), lda: h, b: u, ldb: weightStride, k: h)
              : SmallProduct.Term.none
            SmallProduct.multiplySum(
              m: batch, n: g4, input, recurrent, plus: x.isRepeated ? UnsafePointer(projection.base) : b.baseAddress!,
              addendStride: x.isRepeated ? g4 : 0, c: z, ldc: g4)
            let previous = t > 0 ? UnsafePointer(cells.base + cellSlot(t - 1)) : nil
            seismo_lstm_cell_forward(
              z, previous, cells.base + cellSlot(t), keepsSteps ? activatedCells.base + t * batch * h : nil,
              hiddenBuffer.baseAddress! + hiddenSlot(t), batch, h, act)
          }
        }
      }
    }
    if returnSequences {
      return TimeMajorTensor(steps: steps, batch: batch, features: h, data: hidden)
    }
    let last = hiddenSlot(steps - 1)
    return TimeMajorTensor(steps: 1, batch: batch, features: h, data: Array(hidden[last..<last + batch * h]))
  }

  public func backward(_ dy: TimeMajorTensor, inputGradient: Bool) -> TimeMajorTensor? {
    let x = input
    let steps = x.steps
    let batch = x.batch
    let h = units
    let g4 = 4 * units
    precondition(dy.features == h && dy.batch == batch && dy.steps == (returnSequences ? steps : 1))
    precondition(keptSteps, "LSTM.backward needs a forward pass in training mode")
    let span = Self.chunkSteps(batch: batch)
    gateGradients.prepare(span * batch * g4)
    if x.isRepeated { repeatedGateGradients.prepare(batch * g4, zero: true) }
    hiddenGradient.prepare(batch * h, zero: true)
    cellGradient.prepare(batch * h, zero: true)
    let uTStride = AlignedFloats.paddedStride(h)
    recurrentKernelTransposed.prepare(g4 * uTStride)
    BLAS.transpose(recurrentKernel.value, rows: h, columns: g4, into: recurrentKernelTransposed.base, ldb: uTStride)
    if inputGradient {
      kernelTransposed.prepare(g4 * kernelTransposedStride)
      BLAS.transpose(kernel.value, rows: inputSize, columns: g4, into: kernelTransposed.base, ldb: kernelTransposedStride)
    }
    // Every row of dx is written by one product (`inputGradients`), so it starts uninitialised.
    let dxCount = inputGradient ? x.rows * inputSize : 0
    var dx = [Float](unsafeUninitializedCapacity: dxCount) { _, count in count = dxCount }
    let act = activation.cellActivation

    // Steps run backwards in chunks of `span`; each chunk's gate gradients dz go into the
    // parameter gradients (and dx) while they are still in cache.
    var end = steps
    while end > 0 {
      let chunk = max(0, end - span)..<end
      dy.data.withUnsafeBufferPointer { dyBuffer in
        for t in chunk.reversed() {
          let dz = gateGradients.base + (t - chunk.lowerBound) * batch * g4
          let dyStep: UnsafePointer<Float>? =
            returnSequences ? dyBuffer.baseAddress! + t * batch * h : (t == steps - 1 ? dyBuffer.baseAddress! : nil)
          seismo_lstm_cell_backward(
            gates.base + t * batch * g4, t > 0 ? cells.base + (t - 1) * batch * h : nil, activatedCells.base + t * batch * h,
            hiddenGradient.base, dyStep, cellGradient.base, dz, batch, h, act)
          if t > 0 {
            // dh₋₁ = dz · Uᵀ
            SmallProduct.multiply(
              m: batch, n: h, k: g4, a: dz, lda: g4, b: recurrentKernelTransposed.base, ldb: uTStride, plus: nil,
              addendStride: 0, c: hiddenGradient.base, ldc: h)
          }
        }
      }
      accumulateChunkGradients(chunk, of: x, into: &dx)
      end = chunk.lowerBound
    }
    if x.isRepeated {
      // A repeated input saw the same x at every step: its gradients use dz summed over steps.
      inputGradients(dz: repeatedGateGradients.base, rows: 0..<batch, of: x, into: &dx)
    }
    guard inputGradient else { return nil }
    // For a repeated input the gradient is w.r.t. the one vector that was repeated: [1, N, D].
    return TimeMajorTensor(steps: x.isRepeated ? 1 : steps, batch: batch, features: inputSize, data: dx)
  }

  /// Steps whose gate gradients `backward` keeps at once: `SmallProduct.passRows` rows (at
  /// least one step), so each parameter-gradient product runs as one full pass of the kernel.
  static func chunkSteps(batch: Int) -> Int { max(1, SmallProduct.passRows / max(batch, 1)) }

  /// Adds the gradients of steps `chunk`, whose gate gradients are in `gateGradients`, to dU and
  /// db, and to dW and dx, or, for a repeated input, to the summed gate gradients.
  private func accumulateChunkGradients(_ chunk: Range<Int>, of x: TimeMajorTensor, into dx: inout [Float]) {
    let batch = x.batch
    let h = units
    let g4 = 4 * units
    let dz = UnsafePointer(gateGradients.base)
    let rows = chunk.count * batch
    // dU += h[t-1]ᵀ · dz[t] for the chunk's steps t ≥ 1.
    let first = max(chunk.lowerBound, 1)
    if first < chunk.upperBound {
      hidden.withUnsafeBufferPointer { hs in
        gradients[1].withUnsafeMutableBufferPointer { dU in
          SmallProduct.multiply(
            transA: true, m: h, n: g4, k: (chunk.upperBound - first) * batch, a: hs.baseAddress! + (first - 1) * batch * h,
            lda: h, b: dz + (first - chunk.lowerBound) * batch * g4, ldb: g4, plus: dU.baseAddress!, addendStride: g4,
            c: dU.baseAddress!, ldc: g4)
        }
      }
    }
    gradients[2].withUnsafeMutableBufferPointer { db in seismo_add_rows(db.baseAddress!, dz, rows, g4) }
    if x.isRepeated {
      seismo_add_rows(repeatedGateGradients.base, dz, chunk.count, batch * g4)
    } else {
      inputGradients(dz: dz, rows: chunk.lowerBound * batch..<chunk.upperBound * batch, of: x, into: &dx)
    }
  }

  /// dW += xᵀ · dz and, unless `dx` is empty, dx = dz · Wᵀ (`Wᵀ` in `kernelTransposed`), for
  /// the stored input rows `rows`: dz `[rows.count, 4H]`, x and dx `[x.rows, D]`.
  private func inputGradients(dz: UnsafePointer<Float>, rows: Range<Int>, of x: TimeMajorTensor, into dx: inout [Float]) {
    let g4 = 4 * units
    x.data.withUnsafeBufferPointer { xs in
      gradients[0].withUnsafeMutableBufferPointer { dW in
        SmallProduct.multiply(
          transA: true, m: inputSize, n: g4, k: rows.count, a: xs.baseAddress! + rows.lowerBound * inputSize, lda: inputSize,
          b: dz, ldb: g4, plus: dW.baseAddress!, addendStride: g4, c: dW.baseAddress!, ldc: g4)
      }
    }
    guard !dx.isEmpty else { return }
    dx.withUnsafeMutableBufferPointer { dxBuffer in
      SmallProduct.multiply(
        m: rows.count, n: inputSize, k: g4, a: dz, lda: g4, b: kernelTransposed.base, ldb: kernelTransposedStride,
        plus: nil, addendStride: 0,
        c: dxBuffer.baseAddress! + rows.lowerBound * inputSize, ldc: inputSize)
    }
  }
}
