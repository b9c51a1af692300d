/// The LSTM's fused per-step element-wise work, 8 units at a time (scalar for the tail).
///
/// Layouts for one step: `gates` (batch, 4·units) holding pre-activations z on entry to `forward`
/// and activated i, f, g, o after; `cell`, `activatedCell`, `hidden` (batch, units).
enum LSTMCellKernels {
  typealias V = VectorMath.Vector

  /// Activates the gates in place and computes c = f⊙c₋₁ + i⊙g, act(c), h = o⊙act(c).
  /// `previousCell` nil means c₋₁ = 0.
  static func forward(
    gates: UnsafeMutablePointer<Float>, previousCell: UnsafePointer<Float>?, cell: UnsafeMutablePointer<Float>,
    activatedCell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, batch: Int, units: Int,
    activation: ActivationFunction
  ) {
    func run<A: CellActivation>(_: A.Type) {
      forward(
        gates: gates, previousCell: previousCell, cell: cell, activatedCell: activatedCell, hidden: hidden, batch: batch,
        units: units, A.self)
    }
    switch activation {  // concrete types, so each kernel is specialised and inlined
    case .tanh: run(TanhCell.self)
    case .relu: run(ReluCell.self)
    case .sigmoid: run(SigmoidCell.self)
    case .linear: run(LinearCell.self)
    }
  }

  @inline(__always)
  private static func forward<A: CellActivation>(
    gates: UnsafeMutablePointer<Float>, previousCell: UnsafePointer<Float>?, cell: UnsafeMutablePointer<Float>,
    activatedCell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, batch: Int, units h: Int, _: A.Type
  ) {
    let activation = A.function
    let vectorEnd = h - h % 8
    for b in 0..<batch {
      let z = gates + b * 4 * h
      let k0 = b * h
      var j = 0
      while j < vectorEnd {
        let i = VectorMath.sigmoid(VectorMath.load(z + j))
        let f = VectorMath.sigmoid(VectorMath.load(z + h + j))
        let g = A.apply(VectorMath.load(z + 2 * h + j))
        let o = VectorMath.sigmoid(VectorMath.load(z + 3 * h + j))
        VectorMath.store(i, z + j)
        VectorMath.store(f, z + h + j)
        VectorMath.store(g, z + 2 * h + j)
        VectorMath.store(o, z + 3 * h + j)
        let previous = previousCell.map { VectorMath.load($0 + k0 + j) } ?? .zero
        let c = f * previous + i * g
        let a = A.apply(c)
        VectorMath.store(c, cell + k0 + j)
        VectorMath.store(a, activatedCell + k0 + j)
        VectorMath.store(o * a, hidden + k0 + j)
        j += 8
      }
      while j < h {
        let i = ActivationFunction.sigmoid.apply(z[j])
        let f = ActivationFunction.sigmoid.apply(z[h + j])
        let g = activation.apply(z[2 * h + j])
        let o = ActivationFunction.sigmoid.apply(z[3 * h + j])
        z[j] = i
        z[h + j] = f
        z[2 * h + j] = g
        z[3 * h + j] = o
        let c = f * (previousCell?[k0 + j] ?? 0) + i * g
        let a = activation.apply(c)
        cell[k0 + j] = c
        activatedCell[k0 + j] = a
        hidden[k0 + j] = o * a
        j += 1
      }
    }
  }

  /// From dh (incoming + recurrent) and dc (recurrent), writes the pre-activation gradients dz
  /// and replaces `cellGradient` with dc₋₁ = dc ⊙ f. `hiddenGradient` holds the recurrent dh;
  /// `outputGradient` (may be nil) is added to it.
  static func backward(
    gates: UnsafePointer<Float>, previousCell: UnsafePointer<Float>?, activatedCell: UnsafePointer<Float>,
    hiddenGradient: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>?,
    cellGradient: UnsafeMutablePointer<Float>, gateGradients dz: UnsafeMutablePointer<Float>, batch: Int, units: Int,
    activation: ActivationFunction
  ) {
    func run<A: CellActivation>(_: A.Type) {
      backward(
        gates: gates, previousCell: previousCell, activatedCell: activatedCell, hiddenGradient: hiddenGradient,
        outputGradient: outputGradient, cellGradient: cellGradient, gateGradients: dz, batch: batch, units: units, A.self)
    }
    switch activation {  // concrete types, so each kernel is specialised and inlined
    case .tanh: run(TanhCell.self)
    case .relu: run(ReluCell.self)
    case .sigmoid: run(SigmoidCell.self)
    case .linear: run(LinearCell.self)
    }
  }

  @inline(__always)
  private static func backward<A: CellActivation>(
    gates: UnsafePointer<Float>, previousCell: UnsafePointer<Float>?, activatedCell: UnsafePointer<Float>,
    hiddenGradient: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>?,
    cellGradient: UnsafeMutablePointer<Float>, gateGradients dz: UnsafeMutablePointer<Float>, batch: Int, units h: Int, _: A.Type
  ) {
    let activation = A.function
    let vectorEnd = h - h % 8
    for b in 0..<batch {
      let z = gates + b * 4 * h
      let d = dz + b * 4 * h
      let k0 = b * h
      var j = 0
      while j < vectorEnd {
        let k = k0 + j
        var dh = VectorMath.load(hiddenGradient + k)
        if let outputGradient { dh += VectorMath.load(outputGradient + k) }
        let i = VectorMath.load(z + j)
        let f = VectorMath.load(z + h + j)
        let g = VectorMath.load(z + 2 * h + j)
        let o = VectorMath.load(z + 3 * h + j)
        let a = VectorMath.load(activatedCell + k)
        let dc = VectorMath.load(cellGradient + k) + dh * o * A.derivative(output: a)
        let previous = previousCell.map { VectorMath.load($0 + k) } ?? .zero
        VectorMath.store(dc * g * i * (1 - i), d + j)
        VectorMath.store(dc * previous * f * (1 - f), d + h + j)
        VectorMath.store(dc * i * A.derivative(output: g), d + 2 * h + j)
        VectorMath.store(dh * a * o * (1 - o), d + 3 * h + j)
        VectorMath.store(dc * f, cellGradient + k)
        j += 8
      }
      while j < h {
        let k = k0 + j
        let dh = hiddenGradient[k] + (outputGradient?[k] ?? 0)
        let i = z[j]
        let f = z[h + j]
        let g = z[2 * h + j]
        let o = z[3 * h + j]
        let a = activatedCell[k]
        let dc = cellGradient[k] + dh * o * activation.derivative(output: a)
        d[j] = dc * g * i * (1 - i)
        d[h + j] = dc * (previousCell?[k] ?? 0) * f * (1 - f)
        d[2 * h + j] = dc * i * activation.derivative(output: g)
        d[3 * h + j] = dh * a * o * (1 - o)
        cellGradient[k] = dc * f
        j += 1
      }
    }
  }
}
