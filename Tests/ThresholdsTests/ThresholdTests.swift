import CSeismoKernels
import Foundation
import Testing

@testable import SeismoCore
@testable import Thresholds

@Suite struct PercentileThresholdTests {
  @Test func linearInterpolationAsNumPy() throws {
    let oneToTen: [Float] = (1...10).map(Float.init).shuffled()
    // numpy.percentile(range(1, 11), 95) == 9.55
    #expect(abs(try PercentileThreshold(percentile: 95).calibrate(trainingScores: oneToTen) - 9.55) < 1e-5)
    // numpy.percentile([1, 2, 3, 4], 50) == 2.5
    #expect(try PercentileThreshold(percentile: 50).calibrate(trainingScores: [4, 1, 3, 2]) == 2.5)
    #expect(try PercentileThreshold(percentile: 0).calibrate(trainingScores: [4, 1, 3]) == 1)
    #expect(try PercentileThreshold(percentile: 100).calibrate(trainingScores: [4, 1, 3]) == 4)
    #expect(try PercentileThreshold(percentile: 95).calibrate(trainingScores: [7]) == 7)
  }

  /// The two scores around the percentile are selected, not sorted for: they are the sorted
  /// scores' at every p, with distinct or many equal scores, infinities, one score or two, and
  /// (sorted instead) a NaN among them.
  @Test(arguments: 0..<30) func selectedScoresAreTheSortedOnes(seed: UInt64) {
    var random = SeededGenerator(seed: seed)
    let count = [1, 2, 3, 17, 1000, 4097][Int(seed) % 6]
    let levels = seed % 2 == 0 ? Int.random(in: 1...50, using: &random) : nil  // nil: every score its own
    var scores = (0..<count).map { i in Float(levels.map { Int.random(in: 0..<$0, using: &random) } ?? i) * 0.37 }
    scores.shuffle(using: &random)
    if seed % 3 == 1 { scores[0] = .infinity }
    if seed % 5 == 2 { scores[count - 1] = -.infinity }
    var withNaN = scores
    withNaN[count / 2] = .nan
    for p in [0, 1, 5, 25, 50, 90, 95, 99, 99.9, 100] as [Double] {
      let unordered = withNaN.sorted()
      let n = Double(count - 1) * p / 100
      let (x, y) = (Double(unordered[Int(n)]), Double(unordered[min(Int(n) + 1, count - 1)]))
      let sortedAsBefore = Float(x + (n - n.rounded(.down)) * (y - x))
      #expect(PercentileThreshold.percentile(p, of: withNaN).bitPattern == sortedAsBefore.bitPattern, "with a NaN, p \(p)")
      let sorted = scores.sorted()
      let h = Double(count - 1) * p / 100
      let low = Int(h.rounded(.down))
      var values = scores
      #expect(PercentileThreshold.select(low, in: &values) == sorted[low], "p \(p), \(count) scores")
      #expect(values.sorted() == sorted, "selecting reorders, and loses nothing")
      let (a, b) = (Double(sorted[low]), Double(sorted[min(low + 1, count - 1)]))
      let expected = Float(a + (h - Double(low)) * (b - a))
      let got = PercentileThreshold.percentile(p, of: scores)
      #expect(got == expected || (got.isNaN && expected.isNaN), "p \(p), \(count) scores")
    }
  }

  @Test func aboutFivePercentOfTrainingScoresLieAbove() throws {
    let scores = (0..<1000).map { Float($0) }
    let cut = try PercentileThreshold(percentile: 95).calibrate(trainingScores: scores)
    #expect(scores.filter { $0 > cut }.count == 50)
  }

  /// Fewer than 100 / (100 − p) scores put none above the p-th percentile, which is then their
  /// largest or near it: the rule says so, counting the held-out scores it uses.
  @Test func tooFewScoresForThePercentileAreNamed() {
    #expect(PercentileThreshold(percentile: 95).calibrationWarning(scores: 20) == nil)
    #expect(
      PercentileThreshold(percentile: 95).calibrationWarning(scores: 19)
        == "percentile 95 is taken of 19 scores (every training row's), fewer than the 20 that put one above it, so the cut-off is their largest or near it: give more training rows, or a lower percentile"
    )
    #expect(PercentileThreshold(percentile: 99).calibrationWarning(scores: 99)?.contains("fewer than the 100 ") == true)
    #expect(PercentileThreshold(percentile: 99).calibrationWarning(scores: 100) == nil)
    #expect(
      PercentileThreshold(percentile: 99.9).calibrationWarning(scores: 999)?.contains("percentile 99.9 is taken of 999 scores")
        == true)
    #expect(PercentileThreshold(percentile: 99.9).calibrationWarning(scores: 1000) == nil)
    #expect(PercentileThreshold(percentile: 100).calibrationWarning(scores: 3) == nil, "the largest, as asked")
    #expect(PercentileThreshold(percentile: 0).calibrationWarning(scores: 1) == nil)
    let holdout = PercentileThreshold(percentile: 95, calibration: .holdout, holdoutFraction: 0.1)
    #expect(
      holdout.calibrationWarning(scores: 59)
        == "percentile 95 is taken of 5 scores (calibrate_on: holdout, the last 10 % of 59 training scores), fewer than the 20 that put one above it, so the cut-off is their largest or near it: give more training rows, a larger holdout_fraction, or a lower percentile"
    )
    #expect(holdout.calibrationWarning(scores: 200) == nil, "20 held out")
  }

  @Test func emptyTrainingScoresAreAnError() {
    #expect(throws: SeismoError.self) { try PercentileThreshold(percentile: 95).calibrate(trainingScores: []) }
  }

  @Test func defaultIs95() throws {
    let t = try PercentileThreshold(parameters: Parameters(specs: PercentileThreshold.descriptor.parameters))
    #expect(t.percentile == 95)
  }
}

@Suite struct FixedThresholdTests {
  @Test func ignoresTrainingScores() throws {
    let t = try FixedThreshold(
      parameters: Parameters(specs: FixedThreshold.descriptor.parameters, values: ["value": .number(0.65)]))
    #expect(try t.calibrate(trainingScores: [1, 2, 3]) == 0.65)
  }
}

@Suite struct PercentileHoldoutTests {
  @Test func holdoutCalibratesOnTheLastShareOfTrainingScores() throws {
    let scores = (1...100).map(Float.init)
    // The last 10 % are 91 … 100; their median (NumPy linear) is 95.5. All of them: 50.5.
    #expect(try PercentileThreshold(percentile: 50, calibration: .holdout).calibrate(trainingScores: scores) == 95.5)
    #expect(try PercentileThreshold(percentile: 50).calibrate(trainingScores: scores) == 50.5)
    let parsed = try PercentileThreshold(
      parameters: Parameters(
        specs: PercentileThreshold.descriptor.parameters,
        values: ["calibrate_on": .text("holdout"), "holdout_fraction": .number(0.2), "percentile": .number(0)]))
    #expect(try parsed.calibrate(trainingScores: scores) == 81, "the last 20 % start at 81")
  }

  /// A holdout share without `calibrate_on: holdout` would be ignored: a config is refused.
  @Test func aHoldoutShareNeedsHoldoutCalibration() throws {
    func check(_ values: [String: ParameterValue]) throws {
      try PercentileThreshold.checkConfiguration(
        Parameters(specs: PercentileThreshold.descriptor.parameters, values: values))
    }
    let error = try #require(throws: SeismoError.self) { try check(["holdout_fraction": .number(0.2)]) }
    #expect("\(error)".contains("threshold.holdout_fraction: not read here"), "\(error)")
    try check(["holdout_fraction": .number(0.2), "calibrate_on": .text("holdout")])
    try check(["calibrate_on": .text("training")])
  }
}

@Suite struct LikelihoodThresholdTests {
  /// Each key of a config reaches the rule: every value differs from its default.
  @Test func parametersReachTheRule() throws {
    let values: [String: ParameterValue] = [
      "short_window": .integer(4), "long_window": .integer(60), "min_history": .integer(30),
      "tail_probability": .number(0.01), "min_std": .number(0.5),
    ]
    let defaults = Parameters(specs: LikelihoodThreshold.descriptor.parameters)
    for (key, value) in values { #expect(defaults.values[key] != value, "\(key) is set to its default") }
    let parsed = try LikelihoodThreshold(
      parameters: Parameters(specs: LikelihoodThreshold.descriptor.parameters, values: values))
    #expect(parsed.shortWindow == 4 && parsed.longWindow == 60 && parsed.minHistory == 30)
    #expect(parsed.tailProbability == 0.01 && parsed.minStd == 0.5)
  }

  /// A config's `min_history` above `long_window` would be cut to it: refused. The default is
  /// cut in silence, so `long_window: 104` alone is a valid config.
  @Test func aMinHistoryBeyondTheLongWindowIsRefused() throws {
    func check(_ values: [String: ParameterValue]) throws {
      try LikelihoodThreshold.checkConfiguration(
        Parameters(specs: LikelihoodThreshold.descriptor.parameters, values: values))
    }
    let error = try #require(throws: SeismoError.self) {
      try check(["long_window": .integer(104), "min_history": .integer(200)])
    }
    #expect(
      "\(error)"
        == "threshold.min_history: 200 is more than long_window 104, the averaged scores the rule keeps; give at most 104")
    try check(["long_window": .integer(104)])
    try check(["long_window": .integer(104), "min_history": .integer(104)])
    let cut = try LikelihoodThreshold(
      parameters: Parameters(specs: LikelihoodThreshold.descriptor.parameters, values: ["long_window": .integer(104)]))
    #expect(cut.minHistory == 104)
  }

  @Test func gaussianTailAndItsInverse() {
    #expect(abs(Gaussian.tail(0) - 0.5) < 1e-12)
    #expect(abs(Gaussian.tail(1.959963984540054) - 0.025) < 1e-12)
    #expect(abs(Gaussian.upperQuantile(0.025) - 1.959963984540054) < 1e-9)
    #expect(abs(Gaussian.upperQuantile(1e-4) - 3.719016485455709) < 1e-9)
  }

  @Test func cutoffsByHand() {
    // short 2, long 3, min_history 3, z = 1, std floor 0.1. Scores 1 3 1 3 1 10 give short means
    // a = 1, 2, 2, 2, 2, 5.5.
    // t = 3: a0…a2 = 1, 2, 2 → μ = 5/3, σ = √(2/9); cut-off = 2(μ + σ) − s2 = 3.2761.
    // t = 4: a1…a3 = 2, 2, 2 → σ floored to 0.1; cut-off = 2(2.1) − s3 = 1.2.
    // t = 5: the same history; cut-off = 2(2.1) − s4 = 3.2, and s5 = 10 is flagged.
    let rule = LikelihoodThreshold(
      shortWindow: 2, longWindow: 3, minHistory: 3, tailProbability: Gaussian.tail(1), minStd: 0.1)
    let cut = rule.cutoffs(for: [1, 3, 1, 3, 1, 10], calibrationCount: 0, calibrated: 0)
    #expect(cut[0..<3].allSatisfy { $0 == .infinity }, "no cut-off before min_history averages")
    let expected3: Double = 2 * (5.0 / 3 + (2.0 / 9).squareRoot()) - 1
    #expect(abs(Double(cut[3]) - expected3) < 1e-5)
    #expect(abs(cut[4] - 1.2) < 1e-5)
    #expect(abs(cut[5] - 3.2) < 1e-5)
    let flags = zip([Float(1), 3, 1, 3, 1, 10], cut).map { $0 > $1 }
    #expect(flags == [false, false, false, false, false, true])
  }

  @Test func adaptsToALevelShiftThatAFixedCutoffKeepsFlagging() throws {
    // Scores jump from around 1 to around 5 and stay: a one-off change. The percentile rule
    // flags every row after it; the likelihood rule flags the jump and then learns the new level.
    var random = SeededGenerator(seed: 1)
    let scores: [Float] = (0..<3000).map { t in
      let level: Double = t < 1500 ? 1 : 5
      return Float(level + 0.1 * random.nextGaussian())
    }
    let percentile = try PercentileThreshold(percentile: 99).calibrate(trainingScores: Array(scores.prefix(1000)))
    #expect(scores.suffix(1500).filter { $0 > percentile }.count == 1500)
    let rule = LikelihoodThreshold(shortWindow: 10, longWindow: 500, minHistory: 300, tailProbability: 1e-4)
    let cut = rule.cutoffs(for: scores, calibrationCount: 1000, calibrated: 0)
    let flagged = scores.indices.filter { scores[$0] > cut[$0] }
    #expect(flagged.contains(1500), "the jump itself is flagged")
    #expect(flagged.filter { $0 > 2100 }.isEmpty, "the new level is normal once it fills the window")
  }
}

@Suite struct SPOTThresholdTests {
  /// Seeded draws of the generalized Pareto distribution by inversion: y = σ/γ·(u^(−γ) − 1).
  func paretoSample(shape: Double, scale: Double, count: Int, seed: UInt64) -> [Double] {
    var random = SeededGenerator(seed: seed)
    return (0..<count).map { _ in
      let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
      return shape == 0 ? -scale * log(u) : scale / shape * (pow(u, -shape) - 1)
    }
  }

  @Test func grimshawRecoversKnownTails() {
    // Samples of 4,000 from known tails: the fit comes within about four standard errors
    // (the shape's is about (1 + γ)/√n ≈ 0.02).
    let heavy = GeneralizedPareto(fitting: paretoSample(shape: 0.3, scale: 2, count: 4000, seed: 1))
    #expect(abs(heavy.shape - 0.3) < 0.08 && abs(heavy.scale - 2) < 0.16, "\(heavy)")
    let light = GeneralizedPareto(fitting: paretoSample(shape: -0.2, scale: 1, count: 4000, seed: 2))
    #expect(abs(light.shape - -0.2) < 0.08 && abs(light.scale - 1) < 0.08, "\(light)")
    let exponential = GeneralizedPareto(fitting: paretoSample(shape: 0, scale: 3, count: 4000, seed: 3))
    #expect(abs(exponential.shape) < 0.08 && abs(exponential.scale - 3) < 0.24, "\(exponential)")
  }

  /// The most likely of the exponential fit and the stationary points found by a brute-force
  /// search: w on points 500 a decade (8 times the fit's) of |x| and, from 0.5/y_max, of the
  /// distance to −1/y_max, each sign change bisected.
  func bruteForceFit(_ ys: [Double]) -> (shape: Double, scale: Double, likelihood: Double) {
    let n = Double(ys.count)
    let sum = ys.reduce(0, +)
    let (mean, low, high) = (sum / n, ys.min()!, ys.max()!)
    func w(_ x: Double) -> Double {
      var (u, v) = (0.0, 0.0)
      for y in ys {
        u += 1 / (1 + x * y)
        v += log1p(x * y)
      }
      return (u / n) * (1 + v / n) - 1
    }
    func decades(from a: Double, to b: Double) -> [Double] {
      let count = Int(log10(b / a) * 500) + 1
      return (0...count).map { a * pow(b / a, Double($0) / Double(count)) }
    }
    let a = 1e-8 / mean
    let near = decades(from: 1e-9, to: 0.5).reversed().map { (1 - $0) / high }
    var grids: [[Double]] = [(decades(from: a, to: 0.5 / high) + near).map { -$0 }.reversed()]
    if mean > low { grids.append(decades(from: a, to: 2 * (mean - low) / (low * low))) }
    var best = (shape: 0.0, scale: mean, likelihood: GeneralizedPareto(shape: 0, scale: mean).logLikelihood(ys, sum: sum))
    for grid in grids {
      for (x0, x1) in zip(grid, grid.dropFirst()) {
        let (f0, f1) = (w(x0), w(x1))
        guard f0.sign != f1.sign, f0.isFinite, f1.isFinite, max(abs(f0), abs(f1)) > n * .ulpOfOne else { continue }
        var (lo, hi) = (x0, x1)
        for _ in 0..<100 {
          let mid = (lo + hi) / 2
          if w(mid).sign == f0.sign { lo = mid } else { hi = mid }
        }
        let x = (lo + hi) / 2
        let shape = ys.reduce(0) { $0 + log1p(x * $1) } / n
        let candidate = GeneralizedPareto(shape: shape, scale: shape / x)
        guard candidate.scale > 0, candidate.scale.isFinite else { continue }
        let likelihood = candidate.logLikelihood(ys, sum: sum)
        if likelihood > best.likelihood { best = (shape, candidate.scale, likelihood) }
      }
    }
    return best
  }

  @Test func grimshawFindsTheMostLikelyFit() {
    // Small samples of bounded tails (γ < −0.5) often have their most likely fit at one of a
    // pair of roots within a fraction of a percent of −1/y_max. The grid before ParetoTail (400
    // points from 1e-8/ȳ to the bound, geometric in |x|) held such a pair in one cell, and missed
    // the most likely fit in 7 of these 20 samples with γ ≤ −0.6.
    for (k, shape) in [-0.9, -0.8, -0.7, -0.6, -0.4, 0, 0.3, 0.6].enumerated() {
      for seed in 0..<5 {
        let ys = paretoSample(shape: shape, scale: 1, count: 15 + 8 * seed, seed: UInt64(100 + 5 * k + seed))
        let fit = GeneralizedPareto(fitting: ys)
        let likelihood = fit.logLikelihood(ys, sum: ys.reduce(0, +))
        let best = bruteForceFit(ys)
        #expect(
          likelihood >= best.likelihood - 1e-6 * abs(best.likelihood), "γ \(shape), seed \(seed): \(fit) against \(best)")
      }
    }
  }

  /// A fit at a root of w is refined to the root, not left where the grid's cell put it: with
  /// x = γ/σ, w(x) = mean of 1/(1 + x·yᵢ) · (1 + mean of ln(1 + x·yᵢ)) − 1 is 0 up to rounding.
  @Test func grimshawsRootIsRefinedUntilWIsZero() {
    var roots = 0
    for (k, shape) in [-0.8, -0.6, -0.3, 0.2, 0.5].enumerated() {
      for seed in 0..<4 {
        let ys = paretoSample(shape: shape, scale: 2, count: 40 + 300 * seed, seed: UInt64(300 + 4 * k + seed))
        let fit = GeneralizedPareto(fitting: ys)
        guard fit.shape != 0 else { continue }
        roots += 1
        let x = fit.shape / fit.scale
        let n = Double(ys.count)
        let u = ys.reduce(0) { $0 + 1 / (1 + x * $1) } / n
        let v = ys.reduce(0) { $0 + log1p(x * $1) } / n
        #expect(abs(u * (1 + v) - 1) < 1e-11, "γ \(shape), seed \(seed): w = \(u * (1 + v) - 1) at the fit")
      }
    }
    #expect(roots >= 15, "most samples fit at a root")
  }

  @Test func aTailRefittedAsExcessesComeFitsAsAFreshOne() {
    // The lattice's sums, extended by each new excess (and the points near −1/y_max, moved by
    // each new largest one), give the very fit a fresh pass over the same excesses gives.
    // Excesses that come in ascending order raise the mean at each one, so each grid starts
    // at a lower point than the last (the kept sums grow at their front).
    for (shape, seed, ascending) in [(-0.7, 7, false), (0.0, 8, false), (0.4, 9, false), (0.4, 10, true)]
      as [(Double, UInt64, Bool)]
    {
      let sample = paretoSample(shape: shape, scale: 2, count: 60, seed: seed)
      let ys = ascending ? sample.sorted() : sample
      var tail = ParetoTail(Array(ys.prefix(10)))
      for n in 11...ys.count {
        tail.add(ys[n - 1])
        let fresh = GeneralizedPareto(fitting: Array(ys.prefix(n)))
        #expect(tail.fit() == fresh, "γ \(shape), \(n) excesses")
      }
    }
  }

  @Test func keptSumsGrowAtEitherEndAsAPassGives() {
    let ys = paretoSample(shape: 0.2, scale: 1, count: 50, seed: 11)
    /// w at `x` over `ys`'s first `n`, by a fresh pass in the same order.
    func fresh(_ x: Double, _ n: Int) -> Double {
      var (u, v) = (0.0, 0.0)
      for y in ys.prefix(n) {
        u += 1 / (1 + x * y)
        v += seismo_log1p(x * y)
      }
      return (u / Double(n)) * (1 + v / Double(n)) - 1
    }
    var kept = ParetoTail.KeptSums()
    let point = { (k: Int) in Double(k) / 10 }
    let five = kept.index(of: 5, point: point)
    #expect(kept.x(at: five) == 0.5)
    kept.update(five...five, over: Array(ys.prefix(20)))
    #expect(kept.w(at: five, n: 20) == fresh(0.5, 20))
    // Points before the first: the kept ones move along, sums and all. One update brings points
    // of 0 and of 20 excesses to 50 together (four a block, and a block of one).
    let two = kept.index(of: 2, point: point)
    #expect(two == 0 && kept.index(of: 5, point: point) == 3)
    #expect(kept.x(at: 3) == 0.5 && kept.x(at: 1) == 0.3)
    let eight = kept.index(of: 8, point: point)
    #expect(eight == 6 && kept.x(at: eight) == 0.8)
    kept.update(two...eight, over: ys)
    for (index, k) in (2...8).enumerated() {
      #expect(kept.w(at: index, n: 50) == fresh(Double(k) / 10, 50), "point \(k)")
    }
    kept.removeAll()
    #expect(kept.index(of: 9, point: point) == 0 && kept.x(at: 0) == 0.9)
  }

  /// The kernel's logarithm is within an ulp of glibc's `log1p` (itself within an ulp of
  /// ln(1 + t)) over the range the tail's sums reach, and the four-lane pass
  /// (`seismo_tail_sums`) takes each lane's bits from it.
  @Test func theTailsLogarithmIsWithinAnUlpOfLog1p() {
    var random = SeededGenerator(seed: 29)
    var worst = 0.0
    for k in 0..<400_000 {
      let uniform = Double.random(in: 0..<1, using: &random)
      let t =
        switch k % 4 {
        case 0: exp(uniform * 40 - 25)  // 1e-11 to 3e6
        case 1: -exp(-uniform * 25)  // −1 to −1e-11
        case 2: -1 + exp(-uniform * 20)  // near −1
        default: (uniform - 0.5) * 1e-3  // near 0
        }
      let exact = log1p(t)
      worst = max(worst, abs(seismo_log1p(t) - exact) / exact.magnitude.ulp)
      var sums = (0.0, 0.0, 0.0, 0.0)
      var y = 1.0
      withUnsafeMutableBytes(of: &sums) { seismo_tail_sums(&y, 1, t, $0.baseAddress!.assumingMemoryBound(to: Double.self)) }
      #expect(sums.1.bitPattern == seismo_log1p(t).bitPattern, "t \(t)")
    }
    #expect(worst <= 1, "\(worst) ulp")
  }

  @Test func tailQuantileByHand() {
    // γ = 0.5, σ = 2: P(Y > y) = (1 + y/4)^(−2) = 0.01 at y = 4·(10 − 1) = 36; exponential σ = 3:
    // −3·ln 0.01 = 13.8155.
    #expect(abs(GeneralizedPareto(shape: 0.5, scale: 2).excess(exceededWithProbability: 0.01) - 36) < 1e-9)
    #expect(abs(GeneralizedPareto(shape: 0, scale: 3).excess(exceededWithProbability: 0.01) - 13.815510558) < 1e-8)
  }

  @Test func cutoffIsTheRiskQuantileOfExponentialScores() throws {
    // Exponential(1) scores: P(X > z) = e^(−z), so the 1e-4 risk cut-off is ln 10⁴ = 9.21.
    let scores = paretoSample(shape: 0, scale: 1, count: 50_000, seed: 4).map(Float.init)
    let z = try SPOTThreshold(risk: 1e-4).calibrate(trainingScores: scores)
    #expect(abs(Double(z) - log(1e4)) < 0.6, "z = \(z)")
  }

  @Test func initialQuantileSetsWherePeaksStart() throws {
    // Scores 1 … 1000: t is the chosen quantile's score (nearest rank below), the peaks lie above.
    let scores = (1...1000).map(Float.init)
    for (q, t) in [(0.98, 980.0), (0.9, 900.0)] {
      let rule = try SPOTThreshold(
        parameters: Parameters(
          specs: SPOTThreshold.descriptor.parameters, values: ["initial_quantile": .number(q), "risk": .number(1e-3)]))
      let state = try rule.initialState(scores)
      #expect(state.t == t && state.peaks.excesses.count == 1000 - Int(t) && state.seen == 1000)
    }
  }

  /// Scores of a tail with anomalies, some equal to the cut-off `spot` gives them (where a
  /// stored cut-off cannot tell whether the score was above z), the rule, its first 1,000
  /// scores' calibration, and the cut-offs a stream gives every score.
  func storedRun(seed: UInt64) throws -> (scores: [Float], rule: SPOTThreshold, calibrated: Float, cutoffs: [Float]) {
    var scores = paretoSample(shape: 0.1, scale: 1, count: 4000, seed: seed).map(Float.init)
    for i in stride(from: 1500, to: 4000, by: 600) { scores[i] = 60 }
    let rule = SPOTThreshold(risk: 1e-3, initialQuantile: 0.9)
    let calibrated = try rule.calibrate(trainingScores: Array(scores.prefix(1000)))
    var stream = try #require(
      rule.cutoffStream(calibration: Array(scores.prefix(1000)), calibrated: calibrated) as? SPOTThreshold.Stream)
    var cutoffs: [Float] = []
    for (start, end) in [(0, 2000), (2000, 2500), (2500, 3333), (3333, 3499), (3499, 4000)] {
      scores[start] = start > 0 ? Float(stream.z) : scores[start]  // the cut-off row `start` gets
      cutoffs += stream.cutoffs(for: scores[start..<end])
    }
    return (scores, rule, calibrated, cutoffs)
  }

  /// A stored run resumed from its scores and stored cut-offs (`advance(over:cutOff:)`), in
  /// chunks of any size, cuts the next scores as the stream that cut every score does, bit for
  /// bit, with a fit at each chunk's end rather than at each peak.
  @Test(arguments: [1, 2] as [UInt64])
  func storedCutoffsResumeTheTailWithoutAFitPerPeak(seed: UInt64) throws {
    let (scores, rule, calibrated, cutoffs) = try storedRun(seed: seed)
    let calibration = Array(scores.prefix(1000))
    var plain = rule.cutoffStream(calibration: calibration, calibrated: calibrated)
    plain.advance(over: scores[..<3500])
    let peakFits = try #require(plain as? SPOTThreshold.Stream).fits
    for ends in [[3500], [1, 999, 1000, 2000, 3333, 3500], [2500, 3499, 3500]] {
      var resumed = rule.cutoffStream(calibration: calibration, calibrated: calibrated)
      var start = 0
      for end in ends {
        resumed.advance(over: scores[start..<end], cutOff: cutoffs[start..<end])
        start = end
      }
      let fits = try #require(resumed as? SPOTThreshold.Stream).fits
      #expect(peakFits > 150 && fits <= ends.count + 4, "\(fits) fits resuming, \(peakFits) cutting")
      #expect(resumed.cutoffs(for: scores[3500...]) == Array(cutoffs[3500...]), "seed \(seed), chunks ending at \(ends)")
    }
  }

  /// Cut-offs that are not this rule's are found out, and the history is fed again without
  /// them: the state is the one cutting every score leaves. Another risk's, each an ulp off,
  /// and one changed where the stream reads it unchecked (the second peak's after the last
  /// score equal to its cut-off, set below its score, so that it leaves the tail), which only the
  /// check at the history's last score finds.
  @Test func cutoffsOfAnotherRuleAreNotTrusted() throws {
    let (scores, rule, calibrated, cutoffs) = try storedRun(seed: 4)
    let other = SPOTThreshold(risk: 1e-2, initialQuantile: 0.9)
    let otherCutoffs = other.cutoffs(for: scores, calibrationCount: 1000, calibrated: calibrated)
    let calibration = Array(scores.prefix(1000))
    let t = try #require(rule.cutoffStream(calibration: calibration, calibrated: calibrated) as? SPOTThreshold.Stream).state.t
    let peaks = (3334..<3400).filter { Double(scores[$0]) > t && scores[$0] < cutoffs[$0] }
    var tampered = cutoffs
    tampered[peaks[1]] = scores[peaks[1]].nextDown
    for foreign in [otherCutoffs, cutoffs.map { $0.nextUp }, tampered] {
      var resumed = rule.cutoffStream(calibration: calibration, calibrated: calibrated)
      resumed.advance(over: scores[..<3400], cutOff: foreign[..<3400])
      #expect(resumed.cutoffs(for: scores[3400...]) == Array(cutoffs[3400...]))
    }
  }

  @Test func streamsCausallyAndLeavesAnomaliesOutOfTheTail() throws {
    var scores = paretoSample(shape: 0, scale: 1, count: 4000, seed: 5).map(Float.init)
    scores[3000] = 100
    let rule = SPOTThreshold(risk: 1e-3)
    let calibrated = try rule.calibrate(trainingScores: Array(scores.prefix(2000)))
    let long = rule.cutoffs(for: scores, calibrationCount: 2000, calibrated: calibrated)
    let short = rule.cutoffs(for: Array(scores.prefix(3500)), calibrationCount: 2000, calibrated: calibrated)
    #expect(Array(long.prefix(3500)) == short, "appending scores never moves an earlier cut-off")
    #expect(long[2000] == calibrated && scores[3000] > long[3000])
    #expect(long[3001] == long[3000], "the anomaly does not enter the tail model")
    // Without calibration scores (a saved model on new data) the saved cut-off stays.
    #expect(rule.cutoffs(for: scores, calibrationCount: 0, calibrated: 7) == [Float](repeating: 7, count: 4000))
  }
}

@Suite struct DynamicThresholdTests {
  // Smoothed errors 1 2 1 2 1 5 1 2 9 10 1 2: μ = 3.0833, σ = 3.0675. Candidates z = 0.5 … 2:
  //   z 0.5: ε 4.617, Eₐ = {5, 9, 10} in 2 runs → (Δμ/μ + Δσ/σ)/(3 + 2²) = 0.1956
  //   z 1.0: ε 6.151, Eₐ = {9, 10} in 1 run     → 0.3453 (best; z 1.5 ties, the first is kept)
  //   z 2.0: ε 9.218, Eₐ = {10}                 → 0.2190
  let errors: [Double] = [1, 2, 1, 2, 1, 5, 1, 2, 9, 10, 1, 2]

  @Test func epsilonByHand() {
    let rule = DynamicThreshold(window: 12, smoothingSpan: 1, candidates: [0.5, 1, 1.5, 2], refresh: 100, minHistory: 12)
    #expect(abs(rule.epsilon(errors[...])! - 6.150860386550994) < 1e-9)
    // Without smoothing the raw cut-off of the next row is ε itself.
    let cut = rule.cutoffs(for: errors.map(Float.init) + [0], calibrationCount: 12, calibrated: 0)
    #expect(cut[0..<12].allSatisfy { $0 == .infinity })
    #expect(abs(Double(cut[12]) - 6.150860386550994) < 1e-5)
  }

  /// Every candidate's tally in one pass (`seismo_threshold_tally`) is a pass of its own, bit
  /// for bit: scores above ε (strictly: one equal to ε is below), their runs, and the count, sum
  /// and sum of squares of the others, added in order; and ε is chosen as from those passes.
  @Test func oneTallyOfEveryCandidateIsAPassOfEach() {
    var random = SeededGenerator(seed: 21)
    for trial in 0..<40 {
      let n = [1, 2, 7, 300, 2000][trial % 5]
      let smoothed = (0..<n).map { i in
        Double.random(in: -1...3, using: &random) + (i % 37 < 4 ? 9 : 0) + Double(trial % 3) * 1e-3 * Double(i)
      }
      // 1 to 23 candidates (blocks of four and a partial one), some equal to a score.
      var epsilons = (0..<(1 + trial % 23)).map { _ in Double.random(in: -1...12, using: &random) }
      for k in stride(from: 0, to: epsilons.count, by: 3) { epsilons[k] = smoothed[k % n] }
      let c = epsilons.count
      var tallies = [Double](repeating: .nan, count: 5 * c)
      tallies.withUnsafeMutableBufferPointer { t in
        let at = t.baseAddress!
        seismo_threshold_tally(smoothed, n, epsilons, c, at, at + c, at + 2 * c, at + 3 * c, at + 4 * c)
      }
      for (k, epsilon) in epsilons.enumerated() {
        var (above, runs, count, sum, squares) = (0.0, 0.0, 0.0, 0.0, 0.0)
        var previous = false
        for e in smoothed {
          if e > epsilon {
            above += 1
            if !previous { runs += 1 }
          } else {
            count += 1
            sum += e
            squares += e * e
          }
          previous = e > epsilon
        }
        let got = (0..<5).map { tallies[$0 * c + k] }
        #expect(got.map(\.bitPattern) == [above, runs, count, sum, squares].map(\.bitPattern), "trial \(trial), ε \(k)")
      }
      // ε as a pass per candidate chose it.
      let rule = DynamicThreshold(window: n, smoothingSpan: 1, candidates: [0.5, 1, 1.5, 2, 3, 4, 5], refresh: 1, minHistory: 1)
      #expect(rule.epsilon(smoothed[...]) == Self.epsilonByPasses(rule, smoothed), "trial \(trial)")
    }
  }

  /// ε as telemanom chooses it, a pass over the scores for each candidate.
  static func epsilonByPasses(_ rule: DynamicThreshold, _ smoothed: [Double]) -> Double? {
    let n = Double(smoothed.count)
    let mean = smoothed.reduce(0, +) / n
    let std = (smoothed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    guard std > 0, mean != 0 else { return nil }
    var best: (score: Double, epsilon: Double)?
    for z in rule.candidates {
      let epsilon = mean + z * std
      let below = smoothed.filter { $0 <= epsilon }
      let above = smoothed.count - below.count
      let runs = smoothed.indices.filter { smoothed[$0] > epsilon && ($0 == 0 || smoothed[$0 - 1] <= epsilon) }.count
      guard above > 0, !below.isEmpty else { continue }
      let count = Double(below.count)
      let belowMean = below.reduce(0, +) / count
      let belowStd = max(below.reduce(0) { $0 + $1 * $1 } / count - belowMean * belowMean, 0).squareRoot()
      let score = ((mean - belowMean) / mean + (std - belowStd) / std) / Double(above + runs * runs)
      if best == nil || score > best!.score { best = (score, epsilon) }
    }
    return best?.epsilon
  }

  @Test func smoothedCutoffIsWhereTheEWMACrossesEpsilon() {
    // span 3: α = 0.5, so row 12 is flagged when 0.5·s + 0.5·e₁₁ > ε, i.e. s > 2ε − e₁₁.
    let rule = DynamicThreshold(window: 12, smoothingSpan: 3, candidates: [0.5, 1, 1.5, 2], refresh: 100, minHistory: 12)
    var smoothed = [Double(errors[0])]
    for e in errors.dropFirst() { smoothed.append(0.5 * e + 0.5 * smoothed.last!) }
    let epsilon = rule.epsilon(smoothed[...])!
    let cut = rule.cutoffs(for: errors.map(Float.init) + [0], calibrationCount: 12, calibrated: 0)
    #expect(abs(Double(cut[12]) - (2 * epsilon - smoothed[11])) < 1e-4)
  }

  @Test func parametersAndRefresh() throws {
    let parsed = try DynamicThreshold(
      parameters: Parameters(
        specs: DynamicThreshold.descriptor.parameters,
        values: [
          "z_min": .number(2), "z_max": .number(3), "z_step": .number(0.25), "window": .integer(50),
          "smoothing_span": .integer(9), "refresh": .integer(7), "min_history": .integer(40),
        ]))
    #expect(parsed.candidates == [2, 2.25, 2.5, 2.75, 3])
    #expect(parsed.window == 50 && parsed.alpha == 0.2 && parsed.refresh == 7 && parsed.minHistory == 40)
    #expect(throws: SeismoError.self) {
      try DynamicThreshold(
        parameters: Parameters(
          specs: DynamicThreshold.descriptor.parameters, values: ["z_min": .number(5), "z_max": .number(3)]))
    }
    // Without smoothing the cut-off is ε itself: constant between two choices of ε, which are
    // `refresh` rows apart.
    var random = SeededGenerator(seed: 3)
    let scores = (0..<400).map { _ in Float(abs(random.nextGaussian())) }
    let everyRow = DynamicThreshold(window: 100, smoothingSpan: 1, refresh: 1, minHistory: 100)
      .cutoffs(for: scores, calibrationCount: 100, calibrated: 0)
    let every50 = DynamicThreshold(window: 100, smoothingSpan: 1, refresh: 50, minHistory: 100)
      .cutoffs(for: scores, calibrationCount: 100, calibrated: 0)
    #expect(Set(every50[100..<150]).count == 1 && Set(every50[150..<200]).count == 1)
    #expect(every50[100] == everyRow[100] && every50[150] == everyRow[150])
    #expect(Set(everyRow[100..<150]).count > 1, "re-chosen every row, ε moves")
  }

  @Test func flagsASpikeCausally() throws {
    var random = SeededGenerator(seed: 7)
    var scores = (0..<3000).map { _ in Float(abs(random.nextGaussian())) }
    for t in 2500..<2505 { scores[t] = 8 }
    let rule = DynamicThreshold(window: 1000, smoothingSpan: 5)
    let cut = rule.cutoffs(for: scores, calibrationCount: 1000, calibrated: 0)
    let flagged = scores.indices.filter { scores[$0] > cut[$0] }
    #expect(flagged.contains(2500) || flagged.contains(2501), "the spike is flagged on arrival")
    #expect(flagged.filter { $0 < 2500 }.count < 15, "few flags in plain noise: \(flagged.filter { $0 < 2500 })")
    let short = rule.cutoffs(for: Array(scores.prefix(2600)), calibrationCount: 1000, calibrated: 0)
    #expect(Array(cut.prefix(2600)) == short, "appending scores never moves an earlier cut-off")
  }

  /// A stream fed a history without its cut-offs (a stored run resumed), in chunks that end
  /// before, at, just after and far from a choice of ε, then cuts as one that cut every score.
  @Test(arguments: [(1, 60, 30), (7, 60, 40), (50, 40, 100), (300, 25, 30)])
  func advancingOverAHistoryLeavesTheStateCuttingDoes(refresh: Int, window: Int, minHistory: Int) {
    var random = SeededGenerator(seed: UInt64(refresh))
    let scores = (0..<1500).map { t in Float(abs(random.nextGaussian())) + (t % 97 == 0 ? 6 : 0) }
    let rule = DynamicThreshold(window: window, smoothingSpan: 4, refresh: refresh, minHistory: minHistory)
    var whole = rule.cutoffStream(calibration: [], calibrated: 0)
    let expected = whole.cutoffs(for: scores[...])
    for ends in [[minHistory - 1, 1200], [minHistory, minHistory + refresh, 1000], [minHistory + 1, 777, 1001]] {
      var resumed = rule.cutoffStream(calibration: [], calibrated: 0)
      var start = 0
      for end in ends {
        resumed.advance(over: scores[start..<end])
        start = end
      }
      #expect(resumed.cutoffs(for: scores[start...]) == Array(expected[start...]), "chunks ending at \(ends)")
    }
  }
}

/// Every rule's `CutoffStream` fed in pieces gives the cut-offs of the whole series, with state
/// that does not grow with the series.
@Suite struct CutoffStreamTests {
  /// Scores with a drift and two spikes, so adaptive rules move and flag.
  var scores: [Float] {
    var random = SeededGenerator(seed: 11)
    return (0..<5000).map { i in
      Float(Double.random(in: 0..<1, using: &random) + Double(i) / 2000 + (i == 3100 || i == 4200 ? 20 : 0))
    }
  }

  func rules() throws -> [(String, Threshold)] {
    [
      (
        "fixed",
        try FixedThreshold(parameters: Parameters(specs: FixedThreshold.descriptor.parameters, values: ["value": .number(1.5)]))
      ),
      ("likelihood", LikelihoodThreshold(shortWindow: 5, longWindow: 400, minHistory: 200, tailProbability: 1e-3)),
      ("dynamic", DynamicThreshold(window: 300, smoothingSpan: 10, refresh: 50, minHistory: 200)),
      ("spot", SPOTThreshold(risk: 1e-3)),
    ]
  }

  @Test func piecesGiveTheWholeSeriesCutoffs() throws {
    let scores = self.scores
    for (name, rule) in try rules() {
      for calibrationCount in [0, 1000] {
        let calibration = Array(scores.prefix(calibrationCount))
        let calibrated = calibrationCount == 0 ? 1.5 : try rule.calibrate(trainingScores: calibration)
        let whole = rule.cutoffs(for: scores, calibrationCount: calibrationCount, calibrated: calibrated)
        #expect(whole.contains { $0.isFinite }, "\(name) gives cut-offs")
        for pieceSize in [1, 7, 999] {
          var stream = rule.cutoffStream(calibration: calibration, calibrated: calibrated)
          var pieces: [Float] = []
          for start in stride(from: 0, to: scores.count, by: pieceSize) {
            pieces += stream.cutoffs(for: scores[start..<min(start + pieceSize, scores.count)])
          }
          #expect(pieces == whole, "\(name), calibration \(calibrationCount), pieces of \(pieceSize)")
        }
      }
    }
  }

  @Test func progressHearsEachChunkCutWithTheSameCutoffs() throws {
    // 120,000 scores: the 5,000 above, repeated with an offset, cut 50,000 at a time. (spot
    // would take seconds in a debug build; that it cuts alike in pieces is checked above.)
    let long = (0..<24).flatMap { k in scores.map { $0 + Float(k) / 10 } }
    for (name, rule) in try rules() where name != "spot" {
      let whole = rule.cutoffs(for: long, calibrationCount: 1000, calibrated: 1.5)
      var heard: [ProgressCount] = []
      let told = rule.cutoffs(for: long, calibrationCount: 1000, calibrated: 1.5) { heard.append($0) }
      #expect(told == whole, "\(name)")
      #expect(heard.map(\.done) == [50_000, 100_000, 120_000] && heard.allSatisfy { $0.total == 120_000 }, "\(name)")
    }
  }

  /// A saved model's rule that cuts the rows up to its training rows' end afresh and goes on
  /// from its training state after them (`ModelCutoffs`) counts the scores of both parts as one.
  @Test func aModelsCutoffsAreHeardOverBothParts() throws {
    let long = (0..<24).flatMap { k in scores.map { $0 + Float(k) / 10 } }  // 120,000
    let times = (0..<long.count).map { Timestamp($0) }
    let rule = DynamicThreshold(window: 300, smoothingSpan: 10, refresh: 50, minHistory: 200)
    func cutter() -> ModelCutoffs {
      ModelCutoffs(
        rule.cutoffStream(calibration: [], calibrated: 1.5), resumedAfter: 69_999,
        as: rule.cutoffStream(calibration: Array(scores.prefix(1000)), calibrated: 1.5))
    }
    var quiet = cutter()
    let whole = quiet.cutoffs(for: long[...], at: times[...])
    var heard: [ProgressCount] = []
    var told = cutter()
    #expect(told.cutoffs(for: long[...], at: times[...]) { heard.append($0) } == whole)
    #expect(heard.map(\.done) == [50_000, 70_000, 120_000] && heard.allSatisfy { $0.total == 120_000 }, "\(heard)")
  }

  @Test func stateIsBoundedByTheRulesWindows() {
    let rule = DynamicThreshold(window: 300, smoothingSpan: 10, refresh: 50, minHistory: 200)
    var stream = rule.cutoffStream(calibration: [], calibrated: 0)
    _ = stream.cutoffs(for: scores[...])
    #expect((stream as? DynamicThreshold.Stream)?.smoothed.count ?? .max < 2 * rule.window)
    let likelihood = LikelihoodThreshold(shortWindow: 5, longWindow: 400, minHistory: 200, tailProbability: 1e-3)
    var ring = likelihood.cutoffStream(calibration: [], calibrated: 0)
    _ = ring.cutoffs(for: scores[...])
    let state = ring as? LikelihoodThreshold.Stream
    #expect(state?.averages.count == 400 && state?.recentScores.count == 5 && state?.t == 5000)
  }
}
