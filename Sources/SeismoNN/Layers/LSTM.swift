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
/// with σ the sigmoid and `act` tanh (or relu). Speed: the input projection x·W + b for all steps
/// is one matrix product before the time loop (once per window when the input is repeated); the
/// gate non-linearities and the cell update are one fused loop per step; the recurrent-kernel
/// gradient is one product after the backward loop; buffers persist across batches.
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

  // Forward caches, time-major.
  private var input = TimeMajorTensor(zeros: 0, batch: 0, features: 0)
  /// Input projection x·W + b of a repeated input: `[N, 4H]`. (Other inputs are projected
  /// straight into `gates`.)
  private var projection: [Float] = []
  /// Pre-activations, then activated gates i, f, g, o, per step: `[L·N, 4H]`.
  private var gates: [Float] = []
  /// Cell states and act(cell) per step: `[L·N, H]`.
  private var cells: [Float] = []
  private var activatedCells: [Float] = []
  /// Hidden states per step: `[L·N, H]`.
  private var hidden: [Float] = []
  // Backward buffers.
  private var gateGradients: [Float] = []
  private var hiddenGradient: [Float] = []
  private var cellGradient: [Float] = []

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
    BLAS.warmUp()
    input = x
    let steps = x.steps
    let batch = x.batch
    let h = units
    let g4 = 4 * units
    gates.prepare(steps * batch * g4)
    if x.isRepeated { projection.prepare(batch * g4) }
    cells.prepare(steps * batch * h)
    activatedCells.prepare(steps * batch * h)
    hidden.prepare(steps * batch * h)

    // Input projection for every stored step at once: (rows, D)·(D, 4H) + b.
    func project(into z: UnsafeMutableBufferPointer<Float>) {
      for r in 0..<x.rows { (z.baseAddress! + r * g4).update(from: bias.value, count: g4) }
      BLAS.gemm(
        m: x.rows, n: g4, k: inputSize, a: x.data, lda: inputSize, b: kernel.value, ldb: g4, beta: 1,
        c: z.baseAddress!, ldc: g4)
    }
    if x.isRepeated {
      projection.withUnsafeMutableBufferPointer { project(into: $0) }
    } else {
      gates.withUnsafeMutableBufferPointer { project(into: $0) }
    }

    let act = activation
    projection.withUnsafeBufferPointer { zx in
      gates.withUnsafeMutableBufferPointer { gatesBuffer in
        cells.withUnsafeMutableBufferPointer { cellBuffer in
          activatedCells.withUnsafeMutableBufferPointer { actBuffer in
            hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
              recurrentKernel.value.withUnsafeBufferPointer { u in
                for t in 0..<steps {
                  let z = gatesBuffer.baseAddress! + t * batch * g4
                  if x.isRepeated { z.update(from: zx.baseAddress!, count: batch * g4) }
                  if t > 0 {
                    BLAS.gemm(
                      m: batch, n: g4, k: h, a: hiddenBuffer.baseAddress! + (t - 1) * batch * h, lda: h,
                      b: u.baseAddress!, ldb: g4, beta: 1, c: z, ldc: g4)
                  }
                  let c = cellBuffer.baseAddress! + t * batch * h
                  LSTMCellKernels.forward(
                    gates: z, previousCell: t > 0 ? UnsafePointer(c - batch * h) : nil, cell: c,
                    activatedCell: actBuffer.baseAddress! + t * batch * h, hidden: hiddenBuffer.baseAddress! + t * batch * h,
                    batch: batch, units: h, activation: act)
                }
              }
            }
          }
        }
      }
    }
    if returnSequences {
      return TimeMajorTensor(steps: steps, batch: batch, features: h, data: hidden)
    }
    return TimeMajorTensor(steps: 1, batch: batch, features: h, data: Array(hidden[(steps - 1) * batch * h..<steps * batch * h]))
  }

  public func backward(_ dy: TimeMajorTensor) -> TimeMajorTensor {
    let x = input
    let steps = x.steps
    let batch = x.batch
    let h = units
    let g4 = 4 * units
    precondition(dy.features == h && dy.batch == batch && dy.steps == (returnSequences ? steps : 1))
    gateGradients.prepare(steps * batch * g4)
    hiddenGradient.prepare(batch * h, zero: true)
    cellGradient.prepare(batch * h, zero: true)
    let act = activation

    gates.withUnsafeBufferPointer { gatesBuffer in
      cells.withUnsafeBufferPointer { cellBuffer in
        activatedCells.withUnsafeBufferPointer { actBuffer in
          gateGradients.withUnsafeMutableBufferPointer { dzBuffer in
            hiddenGradient.withUnsafeMutableBufferPointer { dhNext in
              cellGradient.withUnsafeMutableBufferPointer { dcNext in
                recurrentKernel.value.withUnsafeBufferPointer { u in
                  dy.data.withUnsafeBufferPointer { dyBuffer in
                    for t in stride(from: steps - 1, through: 0, by: -1) {
                      let dz = dzBuffer.baseAddress! + t * batch * g4
                      let dyStep: UnsafePointer<Float>? =
                        returnSequences ? dyBuffer.baseAddress! + t * batch * h : (t == steps - 1 ? dyBuffer.baseAddress! : nil)
                      LSTMCellKernels.backward(
                        gates: gatesBuffer.baseAddress! + t * batch * g4,
                        previousCell: t > 0 ? cellBuffer.baseAddress! + (t - 1) * batch * h : nil,
                        activatedCell: actBuffer.baseAddress! + t * batch * h, hiddenGradient: dhNext.baseAddress!,
                        outputGradient: dyStep, cellGradient: dcNext.baseAddress!, gateGradients: dz, batch: batch,
                        units: h, activation: act)
                      if t > 0 {
                        // dh₋₁ = dz · Uᵀ
                        BLAS.gemm(
                          transB: true, m: batch, n: h, k: g4, a: dz, lda: g4, b: u.baseAddress!, ldb: g4, beta: 0,
                          c: dhNext.baseAddress!, ldc: h)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }

    // Parameter gradients, each one product over all steps.
    let stepRows = batch
    var dx = [Float](repeating: 0, count: x.rows * inputSize)
    gateGradients.withUnsafeMutableBufferPointer { dz in
      // dU += h[0..T-2]ᵀ · dz[1..T-1]
      if steps > 1 {
        hidden.withUnsafeBufferPointer { hs in
          gradients[1].withUnsafeMutableBufferPointer { dU in
            BLAS.gemm(
              transA: true, m: h, n: g4, k: (steps - 1) * stepRows, a: hs.baseAddress!, lda: h,
              b: dz.baseAddress! + stepRows * g4, ldb: g4, beta: 1, c: dU.baseAddress!, ldc: g4)
          }
        }
      }
      // A repeated input saw the same x at every step: sum dz over steps first.
      let rows = x.rows
      if x.isRepeated {
        for t in 1..<max(steps, 1) {
          for r in 0..<batch * g4 { dz[r] += dz[t * batch * g4 + r] }
        }
      }
      gradients[0].withUnsafeMutableBufferPointer { dW in
        BLAS.gemm(
          transA: true, m: inputSize, n: g4, k: rows, a: x.data, lda: inputSize, b: dz.baseAddress!, ldb: g4, beta: 1,
          c: dW.baseAddress!, ldc: g4)
      }
      gradients[2].withUnsafeMutableBufferPointer { db in
        for r in 0..<rows {
          let row = dz.baseAddress! + r * g4
          for j in 0..<g4 { db[j] += row[j] }
        }
      }
      dx.withUnsafeMutableBufferPointer { dxBuffer in
        BLAS.gemm(
          transB: true, m: rows, n: inputSize, k: g4, a: dz.baseAddress!, lda: g4, b: kernel.value, ldb: g4, beta: 0,
          c: dxBuffer.baseAddress!, ldc: inputSize)
      }
    }
    // For a repeated input the gradient is w.r.t. the one vector that was repeated: [1, N, D].
    return TimeMajorTensor(steps: x.isRepeated ? 1 : steps, batch: batch, features: inputSize, data: dx)
  }
}
