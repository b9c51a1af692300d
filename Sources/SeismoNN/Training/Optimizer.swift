import CSeismoKernels
import Foundation

/// Updates parameters from their gradients.
public protocol Optimizer {
  mutating func step(_ parameters: [Parameter], gradients: [[Float]])
}

/// Adam with Keras 3's update: m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂),
/// w ← w − α·m / (√v + ε) with α = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ).
public struct Adam: Optimizer {
  public var learningRate: Float
  public var beta1: Float
  public var beta2: Float
  public var epsilon: Float
  private var iterations = 0
  private var m: [[Float]] = []
  private var v: [[Float]] = []

  public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
  }

  public mutating func step(_ parameters: [Parameter], gradients: [[Float]]) {
    if m.isEmpty {
      m = parameters.map { [Float](repeating: 0, count: $0.count) }
      v = m
    }
    iterations += 1
    let t = Float(iterations)
    let alpha = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
    let (b1, b2, eps) = (beta1, beta2, epsilon)
    for (p, parameter) in parameters.enumerated() {
      gradients[p].withUnsafeBufferPointer { g in
        m[p].withUnsafeMutableBufferPointer { m in
          v[p].withUnsafeMutableBufferPointer { v in
            parameter.value.withUnsafeMutableBufferPointer { w in
              seismo_adam_update(w.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!, w.count, alpha, b1, b2, eps)
            }
          }
        }
      }
    }
  }
}

/// RMSprop with Keras 3's update: v ← ρv + (1 − ρ)g², w ← w − lr·g / √(v + ε).
public struct RMSprop: Optimizer {
  public var learningRate: Float
  public var rho: Float
  public var epsilon: Float
  private var v: [[Float]] = []

  public init(learningRate: Float = 1e-3, rho: Float = 0.9, epsilon: Float = 1e-7) {
    self.learningRate = learningRate
    self.rho = rho
    self.epsilon = epsilon
  }

  public mutating func step(_ parameters: [Parameter], gradients: [[Float]]) {
    if v.isEmpty { v = parameters.map { [Float](repeating: 0, count: $0.count) } }
    let (lr, rho, eps) = (learningRate, rho, epsilon)
    for (p, parameter) in parameters.enumerated() {
      let g = gradients[p]
      v[p].withUnsafeMutableBufferPointer { v in
        parameter.value.withUnsafeMutableBufferPointer { w in
          for i in w.indices {
            v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]
            w[i] -= lr * g[i] / (v[i] + eps).squareRoot()
          }
        }
      }
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
