import CSeismoKernels
import Foundation

/// The excesses a generalized Pareto tail is fitted to, kept so that it can be refitted after
/// each new excess (as `SPOTThreshold` does) without a pass over them per grid point.
///
/// Grimshaw's method (see `GeneralizedPareto`) looks for the sign changes of
/// w(x) = u(x)·v(x) − 1 on grids of x, each point a pass over the excesses. Here the grids'
/// points are fixed: ±10^(k/64) for integer k, and near the negative bound −1/y_max, where w
/// falls to −∞, −(1 − 10^(−k/64))/y_max. Their sums Σ 1/(1 + x·yᵢ) and Σ ln(1 + x·yᵢ) are kept
/// and extended by each new excess, in the order the excesses came, so they are the sums one
/// pass over all of them in order gives, however many refits came between (the points near the
/// bound start afresh when a new largest excess moves them). A grid runs from the point at or below its search's start to the first at or beyond
/// its end, so only the refinement of each root found takes passes over the excesses: a refit
/// costs about four passes rather than one per grid point.
struct ParetoTail {
  /// The excesses yᵢ > 0, in the order they were added.
  private(set) var excesses: [Double] = []
  /// Σ yᵢ, added in order (what `reduce(0, +)` gives), and the least and largest yᵢ.
  private var total = 0.0
  private var low = Double.infinity
  private var high = 0.0
  /// The sums at the lattice points 10^(k/64) and −10^(k/64), by k.
  private var positive = KeptSums()
  private var negative = KeptSums()
  /// The sums at the points near the negative bound, −(1 − 10^(−k/64))/y_max by k, for
  /// `nearBoundHigh` as y_max: they move when a new largest excess comes.
  private var nearBound = KeptSums()
  private var nearBoundHigh = 0.0

  /// Lattice points per decade of |x|, and of the distance to the negative bound.
  static let pointsPerDecade = 64.0

  /// Σ 1/(1 + x·yᵢ) and Σ ln(1 + x·yᵢ) at one x.
  struct Sums {
    var u = 0.0
    var v = 0.0
  }

  /// The sums at a run of consecutive grid points, by the point's k, each with its x: grown at
  /// either end as a grid reaches past them. Arrays, not a dictionary by x: a refit reads about
  /// 2,000 points, and `perf` put hashing each x and computing it (`pow`) again at a quarter of
  /// a large series' spot cut-offs. A column each, so that a C kernel brings a run of points up
  /// to date four at a time (`seismo_kept_sums`).
  struct KeptSums {
    /// The k of the first point.
    private var first = 0
    private var xs: [Double] = []
    /// Each point's Σ 1/(1 + x·yᵢ) and Σ ln(1 + x·yᵢ) over its first `counts` excesses.
    private var us: [Double] = []
    private var vs: [Double] = []
    private var counts: [Int] = []

    /// The index of point k, made with x `point(k)` and no sums when it is new.
    mutating func index(of k: Int, point: (Int) -> Double) -> Int {
      if xs.isEmpty { first = k }
      if k < first {
        let new = k..<first
        xs.insert(contentsOf: new.map(point), at: 0)
        us.insert(contentsOf: repeatElement(0, count: new.count), at: 0)
        vs.insert(contentsOf: repeatElement(0, count: new.count), at: 0)
        counts.insert(contentsOf: repeatElement(0, count: new.count), at: 0)
        first = k
      }
      while k - first >= xs.count {
        xs.append(point(first + xs.count))
        us.append(0)
        vs.append(0)
        counts.append(0)
      }
      return k - first
    }

    func x(at index: Int) -> Double { xs[index] }

    /// Brings the sums of the points at `indices` up to date with the `excesses` added since,
    /// each added in order as a pass over them would.
    mutating func update(_ indices: ClosedRange<Int>, over excesses: [Double]) {
      let range = indices.lowerBound..<(indices.upperBound + 1)
      xs.withUnsafeBufferPointer { x in
        us.withUnsafeMutableBufferPointer { u in
          vs.withUnsafeMutableBufferPointer { v in
            counts.withUnsafeBufferPointer { count in
              let start = range.lowerBound
              seismo_kept_sums(
                excesses, excesses.count, x.baseAddress! + start, u.baseAddress! + start, v.baseAddress! + start,
                count.baseAddress! + start, range.count)
            }
          }
        }
      }
      counts.replaceSubrange(range, with: repeatElement(excesses.count, count: range.count))
    }

    /// w at the point at `index`, over the `n` excesses its sums hold (see `update`).
    func w(at index: Int, n: Int) -> Double {
      precondition(counts[index] == n, "the point's sums are brought up to date first")
      return ParetoTail.w(Sums(u: us[index], v: vs[index]), n: Double(n))
    }

    mutating func removeAll() {
      xs.removeAll(keepingCapacity: true)
      us.removeAll(keepingCapacity: true)
      vs.removeAll(keepingCapacity: true)
      counts.removeAll(keepingCapacity: true)
    }
  }

  /// A tail of `excesses` (all > 0; at least one before `fit`).
  init(_ excesses: [Double]) {
    for y in excesses { add(y) }
  }

  /// Adds excess `y` (> 0).
  mutating func add(_ y: Double) {
    excesses.append(y)
    total += y
    low = min(low, y)
    high = max(high, y)
  }

  /// The maximum-likelihood fit to the excesses: the exponential case γ = 0 (σ = ȳ), or a root
  /// of w, whichever has the highest likelihood.
  mutating func fit() -> GeneralizedPareto {
    let n = Double(excesses.count)
    let mean = total / n
    var best = GeneralizedPareto(shape: 0, scale: mean)
    var bestLikelihood = best.logLikelihood(excesses, sum: total)
    // Roots can sit near either end of an interval many decades wide: search from 1e-8/ȳ up to
    // each bound. The roots lie in (−1/y_max, 0) and (0, 2(ȳ − y_min)/y_min²).
    let smallest = 1e-8 / max(mean, 1e-300)
    var grids: [[(x: Double, w: Double)]] = []
    if 1 / high > smallest {
      grids.append(grid(from: smallest, to: (1 - 1e-9) / high, negative: true).reversed())
    }
    if low > 0, mean > low, 2 * (mean - low) / (low * low) > smallest {
      grids.append(grid(from: smallest, to: 2 * (mean - low) / (low * low), negative: false))
    }
    for grid in grids {
      for (root, known) in roots(on: grid) {
        // γ = mean of ln(1 + x·yᵢ) and σ = γ/x, so the likelihood's Σ ln(1 + γ·yᵢ/σ) is that sum.
        let logs = known ?? sums(root).sums.v
        let shape = logs / n
        let candidate = GeneralizedPareto(shape: shape, scale: shape / root)
        guard candidate.scale > 0, candidate.scale.isFinite else { continue }
        let likelihood =
          abs(shape) < 1e-12
          ? candidate.logLikelihood(excesses, sum: total) : -n * log(candidate.scale) - (1 + 1 / shape) * logs
        if likelihood > bestLikelihood {
          best = candidate
          bestLikelihood = likelihood
        }
      }
    }
    return best
  }

  /// w at the lattice points of |x| from the last at or below `a` to the first at or beyond `b`
  /// (0 < a < b), increasing in |x| and negated when `negative`: every point's sums are kept, so
  /// the grid costs no pass of its own. On the negative side, w falls to −∞ at −1/y_max, and a
  /// pair of roots can sit within a fraction of a percent of it (a bounded tail, γ < −0.5): from
  /// |x| = 0.5/y_max on, the points are spaced geometrically in the distance to −1/y_max instead,
  /// and `b` = (1 − 1e-9)/y_max is one of them. Past `b` on the positive side w has no root (see
  /// `GeneralizedPareto`), so the first point beyond it has the sign w has at `b`.
  private mutating func grid(from a: Double, to b: Double, negative: Bool) -> [(x: Double, w: Double)] {
    let n = excesses.count
    // Which points the grid reaches depends on their x alone: they are found first, then their
    // sums brought up to date together.
    var lattice: [(index: Int, x: Double)] = []  // |x| of each
    let split = negative ? 0.5 / high : .infinity
    var k = Int((log10(a) * Self.pointsPerDecade).rounded(.down))
    var reachedEnd = false
    while true {
      let i =
        negative
        ? self.negative.index(of: k) { -Self.lattice($0) } : positive.index(of: k) { Self.lattice($0) }
      let x = negative ? -self.negative.x(at: i) : positive.x(at: i)
      guard x < split else { break }
      lattice.append((i, x))
      if x >= b {
        reachedEnd = true
        break
      }
      k += 1
    }
    if let firstIndex = lattice.first?.index, let lastIndex = lattice.last?.index {
      if negative {
        self.negative.update(firstIndex...lastIndex, over: excesses)
      } else {
        positive.update(firstIndex...lastIndex, over: excesses)
      }
    }
    let sign = negative ? -1.0 : 1.0
    var points = lattice.map { point in
      (x: sign * point.x, w: negative ? self.negative.w(at: point.index, n: n) : positive.w(at: point.index, n: n))
    }
    if reachedEnd { return points }
    if nearBoundHigh != high {
      nearBound.removeAll()
      nearBoundHigh = high
    }
    var near: [(index: Int, x: Double)] = []  // |x| of each
    k = Int((-log10(0.5) * Self.pointsPerDecade).rounded(.up))
    while (near.last?.x ?? points.last.map { -$0.x }).map({ $0 < b }) ?? true {
      let i = nearBound.index(of: k) { [high] in -(1 - 1 / Self.lattice($0)) / high }
      let x = -nearBound.x(at: i)
      if x <= a {  // a point at or below `a` (past 0.5/y_max) starts the grid
        points.removeAll()
        near.removeAll()
      }
      near.append((i, x))
      k += 1
    }
    if let firstIndex = near.first?.index, let lastIndex = near.last?.index {
      nearBound.update(firstIndex...lastIndex, over: excesses)
    }
    return points + near.map { (x: -$0.x, w: nearBound.w(at: $0.index, n: n)) }
  }

  /// 10^(k/64).
  private static func lattice(_ k: Int) -> Double { pow(10, Double(k) / pointsPerDecade) }

  /// The sums at `x` in one pass over the excesses, with the slope w′(x):
  /// w′ = u′·(1 + v̄) + ū·v′, u′ = −mean of yᵢ/(1 + x·yᵢ)², v′ = mean of yᵢ/(1 + x·yᵢ).
  /// A C kernel (`seismo_tail_sums`) takes four excesses at a time: these passes, and glibc's
  /// `log1p` in them, were two thirds of a 1M-row series' spot cut-offs.
  private func sums(_ x: Double) -> (sums: Sums, slope: Double) {
    var kernel = (u: 0.0, v: 0.0, dv: 0.0, du: 0.0)
    withUnsafeMutableBytes(of: &kernel) {
      seismo_tail_sums(excesses, excesses.count, x, $0.baseAddress!.assumingMemoryBound(to: Double.self))
    }
    let n = Double(excesses.count)
    let sums = Sums(u: kernel.u, v: kernel.v)
    return (sums, (kernel.du / n) * (1 + sums.v / n) + (sums.u / n) * (kernel.dv / n))
  }

  fileprivate static func w(_ sums: Sums, n: Double) -> Double { (sums.u / n) * (1 + sums.v / n) - 1 }

  /// The roots of w between consecutive points of `grid` (increasing x) where its sign
  /// changes, refined by Newton's method kept within the bracket (a step that would leave it, or
  /// is more than half the step before, bisects instead) until w is 0 up to its rounding error
  /// (n·ε) or a step moves x by less than 1e-12 of it (about three passes a root). Where w is
  /// within its rounding error of 0 at both points, its sign is noise: near x = 0, w ≈ 0 for any
  /// tail, and the exponential case (x → 0) is a candidate already. Each root comes with its
  /// Σ ln(1 + x·yᵢ) when the refinement's last pass was at the root itself.
  private func roots(on grid: [(x: Double, w: Double)]) -> [(x: Double, logs: Double?)] {
    var roots: [(x: Double, logs: Double?)] = []
    let noise = Double(excesses.count) * .ulpOfOne
    let n = Double(excesses.count)
    for (p0, p1) in zip(grid, grid.dropFirst()) where max(abs(p0.w), abs(p1.w)) > noise {
      if p0.w == 0 {
        roots.append((p0.x, nil))
        continue
      }
      guard p0.w.sign != p1.w.sign, p0.w.isFinite, p1.w.isFinite else { continue }
      var (a, fa, b) = (p0.x, p0.w, p1.x)
      var x = (a * p1.w - b * p0.w) / (p1.w - p0.w)  // false position
      if !(x > a && x < b) { x = (a + b) / 2 }
      var previousStep = b - a
      var logs: Double?  // at x, when the last pass was there
      for _ in 0..<100 {
        let (sums, slope) = self.sums(x)
        let fx = Self.w(sums, n: n)
        if abs(fx) <= noise {  // 0 up to w's rounding: no step would be better
          logs = sums.v
          break
        }
        if fx.sign == fa.sign { (a, fa) = (x, fx) } else { b = x }
        var next = x - fx / slope
        if !(next > a && next < b) || abs(next - x) > previousStep / 2 { next = (a + b) / 2 }
        previousStep = abs(next - x)
        x = next
        if previousStep <= 1e-12 * x.magnitude || b - a <= 4 * max(abs(a), abs(b)).ulp { break }
      }
      roots.append((x, logs))
    }
    return roots
  }
}
