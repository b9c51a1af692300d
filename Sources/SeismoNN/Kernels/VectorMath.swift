/// Vectorised exp, sigmoid and tanh on 8 lanes, for the LSTM's fused gate loops.
///
/// `exp` is Cephes' `expf` scheme: x = n·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for e^r,
/// and 2ⁿ built in the exponent bits. Relative error ≈ 1e-7 (one or two ulps) on [−87, 88];
/// inputs beyond are clamped (e^−87 ≈ 0, e^88 ≈ Float.max/2). `tanh(x) = 1 − 2/(e^{2x} + 1)`.
enum VectorMath {
  typealias Vector = SIMD8<Float>

  @inline(__always)
  static func exp(_ input: Vector) -> Vector {
    var x = input
    x.replace(with: 88.3, where: x .> 88.3)
    x.replace(with: -87.3, where: x .< -87.3)
    // n = round(x / ln 2) by the 1.5·2²³ trick: adding it leaves n in the low mantissa bits.
    let magic = Vector(repeating: 12_582_912)
    let shifted = x * 1.442_695_04 + magic
    let n = shifted - magic
    var r = x - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p = Vector(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 0.166_666_655
    p = p * r + 0.500_000_01
    p = p * r * r + r + 1
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    return p * unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
  }

  @inline(__always)
  static func sigmoid(_ x: Vector) -> Vector { 1 / (1 + exp(-x)) }

  @inline(__always)
  static func tanh(_ x: Vector) -> Vector { 1 - 2 / (exp(x + x) + 1) }

  @inline(__always)
  static func load(_ p: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
  }
}

/// An LSTM cell activation as a type, so the kernels are specialised per activation and the
/// vector code inlines (a runtime switch per vector cost ~12 % of inference).
protocol CellActivation {
  static var function: ActivationFunction { get }
  static func apply(_ x: VectorMath.Vector) -> VectorMath.Vector
  /// f′ from f's output.
  static func derivative(output y: VectorMath.Vector) -> VectorMath.Vector
}

enum TanhCell: CellActivation {
  static let function = ActivationFunction.tanh
  @inline(__always) static func apply(_ x: VectorMath.Vector) -> VectorMath.Vector { VectorMath.tanh(x) }
  @inline(__always) static func derivative(output y: VectorMath.Vector) -> VectorMath.Vector { 1 - y * y }
}

enum ReluCell: CellActivation {
  static let function = ActivationFunction.relu
  @inline(__always) static func apply(_ x: VectorMath.Vector) -> VectorMath.Vector { x.replacing(with: 0, where: x .< 0) }
  @inline(__always) static func derivative(output y: VectorMath.Vector) -> VectorMath.Vector {
    VectorMath.Vector(repeating: 0).replacing(with: 1, where: y .> 0)
  }
}

enum SigmoidCell: CellActivation {
  static let function = ActivationFunction.sigmoid
  @inline(__always) static func apply(_ x: VectorMath.Vector) -> VectorMath.Vector { VectorMath.sigmoid(x) }
  @inline(__always) static func derivative(output y: VectorMath.Vector) -> VectorMath.Vector { y * (1 - y) }
}

enum LinearCell: CellActivation {
  static let function = ActivationFunction.linear
  @inline(__always) static func apply(_ x: VectorMath.Vector) -> VectorMath.Vector { x }
  @inline(__always) static func derivative(output y: VectorMath.Vector) -> VectorMath.Vector { VectorMath.Vector(repeating: 1) }
}
