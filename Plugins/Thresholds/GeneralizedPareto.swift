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
struct GeneralizedPareto: Equatable {
  var shape: Double  // γ
  var scale: Double  // σ

  /// The fit to `excesses` (all > 0; at least one).
  init(fitting excesses: [Double]) {
    let n = Double(excesses.count)
    let mean = excesses.reduce(0, +) / n
    let low = excesses.min() ?? mean
    let high = excesses.max() ?? mean
    var best = GeneralizedPareto(shape: 0, scale: mean)
    var bestLikelihood = best.logLikelihood(excesses)
    func w(_ x: Double) -> Double {
      var u = 0.0
      var v = 0.0
      for y in excesses {
        u += 1 / (1 + x * y)
        v += log1p(x * y)
      }
      return (u / n) * (1 + v / n) - 1
    }
    // Roots can sit near either end of an interval many decades wide: search on geometric grids
    // of |x|, from 1e-8/ȳ up to each bound.
    let smallest = 1e-8 / max(mean, 1e-300)
    var grids: [[Double]] = []
    if 1 / high > smallest {
      grids.append(Self.geometric(from: smallest, to: (1 - 1e-9) / high).map { -$0 }.reversed())
    }
    if low > 0, mean > low, 2 * (mean - low) / (low * low) > smallest {
      grids.append(Self.geometric(from: smallest, to: 2 * (mean - low) / (low * low)))
    }
    for grid in grids {
      for root in Self.roots(of: w, on: grid) {
        var v = 0.0
        for y in excesses { v += log1p(root * y) }
        let shape = v / n
        let candidate = GeneralizedPareto(shape: shape, scale: shape / root)
        guard candidate.scale > 0, candidate.scale.isFinite else { continue }
        let likelihood = candidate.logLikelihood(excesses)
        if likelihood > bestLikelihood {
          best = candidate
          bestLikelihood = likelihood
        }
      }
    }
    self = best
  }

  init(shape: Double, scale: Double) {
    self.shape = shape
    self.scale = scale
  }

  /// The log-likelihood of `excesses`; −∞ outside the support.
  func logLikelihood(_ excesses: [Double]) -> Double {
    let n = Double(excesses.count)
    if abs(shape) < 1e-12 { return -n * log(scale) - excesses.reduce(0, +) / scale }
    var total = 0.0
    for y in excesses {
      let z = 1 + shape * y / scale
      guard z > 0 else { return -.infinity }
      total += log(z)
    }
    return -n * log(scale) - (1 + 1 / shape) * total
  }

  /// 400 points from `a` to `b` (both > 0), evenly spaced in log scale.
  static func geometric(from a: Double, to b: Double) -> [Double] {
    (0...400).map { a * pow(b / a, Double($0) / 400) }
  }

  /// The roots of `f` between consecutive points of the increasing `grid` where its sign
  /// changes, refined by bisection.
  static func roots(of f: (Double) -> Double, on grid: [Double]) -> [Double] {
    var roots: [Double] = []
    guard var x0 = grid.first else { return roots }
    var f0 = f(x0)
    for x1 in grid.dropFirst() {
      let f1 = f(x1)
      if f0 == 0 {
        roots.append(x0)
      } else if f0.sign != f1.sign, f0.isFinite, f1.isFinite {
        var (lo, hi, flo) = (x0, x1, f0)
        for _ in 0..<80 {
          let mid = (lo + hi) / 2
          let fm = f(mid)
          if fm.sign == flo.sign { (lo, flo) = (mid, fm) } else { hi = mid }
        }
        roots.append((lo + hi) / 2)
      }
      (x0, f0) = (x1, f1)
    }
    return roots
  }

  /// The excess exceeded with probability `p`: the inverse of the tail, σ/γ·(p^(−γ) − 1), or
  /// −σ·ln p when γ = 0.
  func excess(exceededWithProbability p: Double) -> Double {
    abs(shape) < 1e-12 ? -scale * log(p) : scale / shape * (pow(p, -shape) - 1)
  }
}
