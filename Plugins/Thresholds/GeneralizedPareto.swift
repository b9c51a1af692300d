import Foundation

/// A generalized Pareto distribution of excesses y ≥ 0 over a threshold, fitted by maximum
/// likelihood with Grimshaw's method; the tail model of `SPOTThreshold`.
///
/// P(Y > y) = (1 + γ·y/σ)^(−1/γ), or e^(−y/σ) when γ = 0.
///
/// Grimshaw (1993), "Computing maximum likelihood estimates for the generalized Pareto
/// distribution", Technometrics 35(2), as Siffer et al. (2017) use it: with x = γ/σ, the
/// likelihood's stationary points are the roots of u(x)·v(x) = 1, where
/// u(x) = mean of 1/(1 + x·yᵢ) and v(x) = 1 + mean of ln(1 + x·yᵢ), and then γ = v(x) − 1,
/// σ = γ/x. The roots lie in (−1/y_max, 0) and (0, 2(ȳ − y_min)/y_min²); each root found, and
/// the exponential case γ = 0 (σ = ȳ), is a candidate, and the one of highest likelihood wins.
/// `ParetoTail` finds them, and refits as excesses are added.
struct GeneralizedPareto: Equatable {
  var shape: Double  // γ
  var scale: Double  // σ

  /// The fit to `excesses` (all > 0; at least one).
  init(fitting excesses: [Double]) {
    var tail = ParetoTail(excesses)
    self = tail.fit()
  }

  init(shape: Double, scale: Double) {
    self.shape = shape
    self.scale = scale
  }

  /// The log-likelihood of `excesses`, whose sum is `sum`; −∞ outside the support.
  func logLikelihood(_ excesses: [Double], sum: Double) -> Double {
    let n = Double(excesses.count)
    if abs(shape) < 1e-12 { return -n * log(scale) - sum / scale }
    var total = 0.0
    for y in excesses {
      let z = 1 + shape * y / scale
      guard z > 0 else { return -.infinity }
      total += log(z)
    }
    return -n * log(scale) - (1 + 1 / shape) * total
  }

  /// The excess exceeded with probability `p`: the inverse of the tail, σ/γ·(p^(−γ) − 1), or
  /// −σ·ln p when γ = 0.
  func excess(exceededWithProbability p: Double) -> Double {
    abs(shape) < 1e-12 ? -scale * log(p) : scale / shape * (pow(p, -shape) - 1)
  }
}
