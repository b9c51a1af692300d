import CSeismoKernels
import Foundation

/// Updates parameters from their gradients, element by element, so that one step can be split
/// across threads.
///
/// A step is `beginStep`, then `update` over ranges of the elements (every parameter laid end to
/// end, in `Sequential.parameters` order) that together cover each element once. The ranges of
/// one step may run at the same time on different threads: `Trainer` splits them over its team.
public protocol Optimizer: AnyObject {
  /// Starts the next step of a model with `elements` scalars in all (the same every step).
  func beginStep(elements: Int)

  /// Steps the elements `range`; `weights` and `gradients` point at the range's first element.
  func update(_ range: Range<Int>, weights: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>)
}

extension Optimizer {
  /// One whole step, on this thread: `gradients` parallel to `parameters`.
  public func step(_ parameters: [Parameter], gradients: [[Float]]) {
    precondition(parameters.map(\.count) == gradients.map(\.count), "a gradient per parameter, of its size")
    beginStep(elements: parameters.reduce(0) { $0 + $1.count })
    var offset = 0
    for (parameter, gradient) in zip(parameters, gradients) {
      parameter.value.withUnsafeMutableBufferPointer { w in
        gradient.withUnsafeBufferPointer { g in
          update(offset..<(offset + w.count), weights: w.baseAddress!, gradients: g.baseAddress!)
        }
      }
      offset += parameter.count
    }
  }
}

/// An optimizer's per-element state: one float per element in each slot (Adam's m and v), zero
/// at first, at fixed addresses (the threads of one step write disjoint ranges of it at once).
final class OptimizerState {
  private let slots: [AlignedFloats]

  init(slots: Int) { self.slots = (0..<slots).map { _ in AlignedFloats() } }

  /// Whether `start` had to allocate: the first step, or a model of another size.
  @discardableResult
  func start(elements: Int) -> Bool {
    guard slots[0].count != elements else { return false }
    for slot in slots { slot.prepare(elements, zero: true) }
    return true
  }

  /// Element `index` of slot `slot`.
  func pointer(_ slot: Int, at index: Int) -> UnsafeMutablePointer<Float> { slots[slot].base + index }
}

/// Adam with Keras 3's update: m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂),
/// w ← w − α·m / (√v + ε) with α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ).
public final class Adam: Optimizer {
  public let learningRate: Float
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  /// m (slot 0) and v (slot 1).
  private let moments = OptimizerState(slots: 2)
  private var iterations = 0
  /// This step's α.
  private var alpha: Float = 0

  public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
  }

  public func beginStep(elements: Int) {
    if moments.start(elements: elements) { iterations = 0 }
    iterations += 1
    let t = Float(iterations)
    alpha = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
  }

  public func update(_ range: Range<Int>, weights: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
    seismo_adam_update(
      weights, moments.pointer(0, at: range.lowerBound), moments.pointer(1, at: range.lowerBound), gradients,
      range.count, alpha, beta1, beta2, epsilon)
  }
}

/// RMSprop with Keras 3's update: v ← ρv + (1 − ρ)g², w ← w − lr·g / √(v + ε).
public final class RMSprop: Optimizer {
  public let learningRate: Float
  public let rho: Float
  public let epsilon: Float
  /// v (slot 0).
  private let squares = OptimizerState(slots: 1)

  public init(learningRate: Float = 1e-3, rho: Float = 0.9, epsilon: Float = 1e-7) {
    self.learningRate = learningRate
    self.rho = rho
    self.epsilon = epsilon
  }

  public func beginStep(elements: Int) { squares.start(elements: elements) }

  public func update(_ range: Range<Int>, weights: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
    let v = squares.pointer(0, at: range.lowerBound)
    let (lr, rho, eps) = (learningRate, rho, epsilon)
    for i in 0..<range.count {
      let g = gradients[i]
      v[i] = rho * v[i] + (1 - rho) * g * g
      weights[i] -= lr * g / (v[i] + eps).squareRoot()
    }
  }
}

/// The optimizers by name, with Keras defaults.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
  case adam, rmsprop

  public func make(learningRate: Float = 1e-3) -> any Optimizer {
    switch self {
    case .adam: return Adam(learningRate: learningRate)
    case .rmsprop: return RMSprop(learningRate: learningRate)
    }
  }
}
