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
/// with σ the sigmoid and `act` tanh (or relu). Speed: the input projection x·W + b for all steps
/// is one matrix product before the time loop (once per window when the input is repeated); the
/// gate non-linearities and the cell update are one fused loop per step; the recurrent-kernel
/// gradient is one product after the backward loop; buffers persist across batches. Inference
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

  // Forward caches, time-major.
  private var input = TimeMajorTensor.empty
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
  /// Whether the last forward pass kept every step (training), as `backward` needs.
  private var keptSteps = false
  // Backward buffers.
  private var gateGradients: [Float] = []
  private var hiddenGradient: [Float] = []
  private var cellGradient: [Float] = []
  /// Uᵀ `[4H, H]` and Wᵀ `[4H, D]`, so dh₋₁ = dz·Uᵀ and dx = dz·Wᵀ are products with B's rows
  /// contiguous, as `SmallProduct` needs.
  private var recurrentKernelTransposed: [Float] = []
  private var kernelTransposed: [Float] = []

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
    // cell states (the current and the previous), so they stay in cache; the input is then
    // projected step by step.
    let keepsSteps = mode.training
    keptSteps = keepsSteps
    let gateStride = keepsSteps ? batch * g4 : 0
    gates.prepare((keepsSteps ? steps : 1) * batch * g4)
    if x.isRepeated { projection.prepare(batch * g4) }
    let cellSlot = { (t: Int) in (keepsSteps ? t : t % 2) * batch * h }
    cells.prepare((keepsSteps ? steps : 2) * batch * h)
    activatedCells.prepare(keepsSteps ? steps * batch * h : 0)
    // Hidden states of every step, or of one in inference when only the last is returned: a
    // step's product reads h₋₁ before its cell update writes h.
    let keepsHidden = keepsSteps || returnSequences
    let hiddenSlot = { (t: Int) in keepsHidden ? t * batch * h : 0 }
    hidden.prepare((keepsHidden ? steps : 1) * batch * h)

    // Input projection b + (rows, D)·(D, 4H) for `rows` input rows from `row`.
    func project(rows: Int, from row: Int, into z: UnsafeMutablePointer<Float>) {
      x.data.withUnsafeBufferPointer { xs in
        SmallProduct.multiply(
          m: rows, n: g4, k: inputSize, a: xs.baseAddress! + row * inputSize, lda: inputSize, b: kernel.value, ldb: g4,
          plus: bias.value, addendStride: 0, c: z, ldc: g4)
      }
    }
    if x.isRepeated {
      projection.withUnsafeMutableBufferPointer { project(rows: batch, from: 0, into: $0.baseAddress!) }
    } else if keepsSteps {
      gates.withUnsafeMutableBufferPointer { project(rows: x.rows, from: 0, into: $0.baseAddress!) }
    }

    let act = activation.cellActivation
    projection.withUnsafeBufferPointer { zx in
      gates.withUnsafeMutableBufferPointer { gatesBuffer in
        cells.withUnsafeMutableBufferPointer { cellBuffer in
          activatedCells.withUnsafeMutableBufferPointer { actBuffer in
            hidden.withUnsafeMutableBufferPointer { hiddenBuffer in
              recurrentKernel.value.withUnsafeBufferPointer { u in
                for t in 0..<steps {
                  // z = x·W + b (projected) + h₋₁·U.
                  let z = gatesBuffer.baseAddress! + t * gateStride
                  if !keepsSteps && !x.isRepeated { project(rows: batch, from: t * batch, into: z) }
                  let projected = x.isRepeated ? zx.baseAddress! : UnsafePointer(z)
                  if t > 0 {
                    SmallProduct.multiply(
                      m: batch, n: g4, k: h, a: hiddenBuffer.baseAddress! + hiddenSlot(t - 1), lda: h,
                      b: u.baseAddress!, ldb: g4, plus: projected, addendStride: g4, c: z, ldc: g4)
                  } else if x.isRepeated {
                    z.update(from: projected, count: batch * g4)
                  }
                  let previous = t > 0 ? UnsafePointer(cellBuffer.baseAddress! + cellSlot(t - 1)) : nil
                  seismo_lstm_cell_forward(
                    z, previous, cellBuffer.baseAddress! + cellSlot(t), keepsSteps ? actBuffer.baseAddress! + t * batch * h : nil,
                    hiddenBuffer.baseAddress! + hiddenSlot(t), batch, h, act)
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
    gateGradients.prepare(steps * batch * g4)
    hiddenGradient.prepare(batch * h, zero: true)
    cellGradient.prepare(batch * h, zero: true)
    recurrentKernelTransposed.prepare(g4 * h)
    recurrentKernelTransposed.withUnsafeMutableBufferPointer { uT in
      BLAS.transpose(recurrentKernel.value, rows: h, columns: g4, into: uT.baseAddress!)
    }
    let act = activation.cellActivation

    gates.withUnsafeBufferPointer { gatesBuffer in
      cells.withUnsafeBufferPointer { cellBuffer in
        activatedCells.withUnsafeBufferPointer { actBuffer in
          gateGradients.withUnsafeMutableBufferPointer { dzBuffer in
            hiddenGradient.withUnsafeMutableBufferPointer { dhNext in
              cellGradient.withUnsafeMutableBufferPointer { dcNext in
                recurrentKernelTransposed.withUnsafeBufferPointer { uT in
                  dy.data.withUnsafeBufferPointer { dyBuffer in
                    for t in stride(from: steps - 1, through: 0, by: -1) {
                      let dz = dzBuffer.baseAddress! + t * batch * g4
                      let dyStep: UnsafePointer<Float>? =
                        returnSequences ? dyBuffer.baseAddress! + t * batch * h : (t == steps - 1 ? dyBuffer.baseAddress! : nil)
                      seismo_lstm_cell_backward(
                        gatesBuffer.baseAddress! + t * batch * g4,
                        t > 0 ? cellBuffer.baseAddress! + (t - 1) * batch * h : nil, actBuffer.baseAddress! + t * batch * h,
                        dhNext.baseAddress!, dyStep, dcNext.baseAddress!, dz, batch, h, act)
                      if t > 0 {
                        // dh₋₁ = dz · Uᵀ
                        SmallProduct.multiply(
                          m: batch, n: h, k: g4, a: dz, lda: g4, b: uT.baseAddress!, ldb: h, plus: nil, addendStride: 0,
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
    var dx = [Float](repeating: 0, count: inputGradient ? x.rows * inputSize : 0)
    gateGradients.withUnsafeMutableBufferPointer { dz in
      // dU += h[0..T-2]ᵀ · dz[1..T-1]
      if steps > 1 {
        hidden.withUnsafeBufferPointer { hs in
          gradients[1].withUnsafeMutableBufferPointer { dU in
            SmallProduct.multiply(
              transA: true, m: h, n: g4, k: (steps - 1) * stepRows, a: hs.baseAddress!, lda: h,
              b: dz.baseAddress! + stepRows * g4, ldb: g4, plus: dU.baseAddress!, addendStride: g4, c: dU.baseAddress!,
              ldc: g4)
          }
        }
      }
      // A repeated input saw the same x at every step: sum dz over steps first.
      let rows = x.rows
      if x.isRepeated, steps > 1 {
        seismo_add_rows(dz.baseAddress!, dz.baseAddress! + batch * g4, steps - 1, batch * g4)
      }
      gradients[0].withUnsafeMutableBufferPointer { dW in
        SmallProduct.multiply(
          transA: true, m: inputSize, n: g4, k: rows, a: x.data, lda: inputSize, b: dz.baseAddress!, ldb: g4,
          plus: dW.baseAddress!, addendStride: g4, c: dW.baseAddress!, ldc: g4)
      }
      gradients[2].withUnsafeMutableBufferPointer { db in seismo_add_rows(db.baseAddress!, dz.baseAddress!, rows, g4) }
      guard inputGradient else { return }
      kernelTransposed.prepare(g4 * inputSize)
      kernelTransposed.withUnsafeMutableBufferPointer { wT in
        BLAS.transpose(kernel.value, rows: inputSize, columns: g4, into: wT.baseAddress!)
        dx.withUnsafeMutableBufferPointer { dxBuffer in
          SmallProduct.multiply(
            m: rows, n: inputSize, k: g4, a: dz.baseAddress!, lda: g4, b: wT.baseAddress!, ldb: inputSize, plus: nil,
            addendStride: 0, c: dxBuffer.baseAddress!, ldc: inputSize)
        }
      }
    }
    guard inputGradient else { return nil }
    // For a repeated input the gradient is w.r.t. the one vector that was repeated: [1, N, D].
    return TimeMajorTensor(steps: x.isRepeated ? 1 : steps, batch: batch, features: inputSize, data: dx)
  }
}
