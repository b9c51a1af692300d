import Foundation
import Testing

@testable import SeismoCore

@Suite struct FeatureScalerTests {
  let frame = try! Frame(
    timestamps: [0, 1, 2, 3], timeKind: .index, featureNames: ["a", "c"], values: [1, 5, 2, 5, 3, 5, 6, 5])

  @Test func standardMatchesHandComputation() {
    // a = 1, 2, 3, 6: mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5.
    let s = FeatureScaler(.standard, fittedOn: frame)
    #expect(s.offset == [3, 5])
    #expect(abs(s.scale[0] - Float(3.5.squareRoot())) < 1e-6)
    #expect(s.scale[1] == 1, "a constant feature keeps scale 1")
    let t = s.transform(frame.values)
    #expect(abs(t[0] - Float(-2 / 3.5.squareRoot())) < 1e-6)
    #expect(t[1] == 0)
    let back = s.inverse(t)
    for (x, y) in zip(back, frame.values) { #expect(abs(x - y) < 1e-5) }
  }

  @Test func minMaxMapsTrainingRangeToUnit() {
    let s = FeatureScaler(.minmax, fittedOn: frame)
    #expect(s.offset == [1, 5])
    #expect(s.scale == [5, 1])
    #expect(s.transform([6, 5, 1, 5]) == [1, 0, 0, 0])
    #expect(s.unscaledError(0.2, feature: 0) == 1)
  }
}

@Suite struct SlidingWindowsTests {
  @Test func layoutIsWindowTimeFeature() throws {
    // 5 rows × 2 features: row r = (10r, 10r + 1).
    let values: [Float] = (0..<5).flatMap { [Float($0 * 10), Float($0 * 10 + 1)] }
    let w = try SlidingWindows(values: values, featureCount: 2, length: 3)
    #expect(w.count == 3)
    #expect(w.batch(1..<3) == [10, 11, 20, 21, 30, 31, 20, 21, 30, 31, 40, 41])
  }

  @Test func tooFewRowsIsAClearError() {
    #expect(throws: SeismoError.invalidInput("test part has 2 rows, fewer than one window of 3")) {
      try SlidingWindows(values: [1, 2], featureCount: 1, length: 3, context: "test part")
    }
  }
}

@Suite struct SplitPolicyTests {
  let frame = try! Frame(
    timestamps: (0..<10).map { Timestamp($0) * 86_400 }, featureNames: ["a"], values: (0..<10).map(Float.init))

  @Test func fractionRoundsDown() throws {
    #expect(try SplitPolicy(trainFraction: 0.8).trainRows(of: frame) == 8)
    #expect(try SplitPolicy(trainFraction: 0.95).trainRows(of: frame) == 9)
    #expect(throws: SeismoError.self) { try SplitPolicy(trainFraction: 0.05).trainRows(of: frame) }
  }

  @Test func maxTrainRowsCaps() throws {
    let capped = try SplitPolicy(
      parameters: Parameters(
        specs: SplitPolicy.parameters, values: ["train_fraction": .number(0.8), "max_train_rows": .integer(3)]))
    #expect(try capped.trainRows(of: frame) == 3)
    #expect(try SplitPolicy(trainFraction: 0.2, maxTrainRows: 5).trainRows(of: frame) == 2, "the cap only lowers")
  }

  @Test func untilIncludesTheDay() throws {
    let p = try SplitPolicy(parameters: Parameters(specs: SplitPolicy.parameters, values: ["train_until": .text("1970-01-04")]))
    #expect(try p.trainRows(of: frame) == 4)
    let early = try SplitPolicy(
      parameters: Parameters(specs: SplitPolicy.parameters, values: ["train_until": .text("1969-12-31")]))
    let error = try #require(throws: SeismoError.self) { try early.trainRows(of: frame) }
    #expect(
      "\(error)" == "split.train_until 1969-12-31 is before the first row (1970-01-01), so no row trains; set a later date")
  }
}

@Suite struct SeededGeneratorTests {
  @Test func sameSeedSameStream() {
    var a = SeededGenerator(seed: 42)
    var b = SeededGenerator(seed: 42)
    var c = SeededGenerator(seed: 43)
    let xs = (0..<5).map { _ in a.next() }
    #expect(xs == (0..<5).map { _ in b.next() })
    #expect(xs != (0..<5).map { _ in c.next() })
  }

  @Test func gaussianHasUnitMoments() {
    var g = SeededGenerator(seed: 1)
    let n = 200_000
    let draws = (0..<n).map { _ in g.nextGaussian() }
    let mean = draws.reduce(0, +) / Double(n)
    let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
    #expect(abs(mean) < 0.01)
    #expect(abs(variance - 1) < 0.02)
  }
}

@Suite struct EvaluationTests {
  @Test func handComputedCase() {
    // labels: 0 1 1 1 0 0 1 1 0 0 — two events (rows 1–3, rows 6–7)
    // flags:  0 0 1 0 1 0 0 0 0 1
    let labels = [0, 1, 1, 1, 0, 0, 1, 1, 0, 0].map { $0 == 1 }
    let flags = [0, 0, 1, 0, 1, 0, 0, 0, 0, 1].map { $0 == 1 }
    let e = Evaluation(flags: flags, labels: labels)
    // Point-wise: TP 1 (row 2), FP 2 (rows 4, 9), FN 4 → P 1/3, R 1/5, F1 0.25.
    #expect(e.pointwise.truePositives == 1 && e.pointwise.falsePositives == 2 && e.pointwise.falseNegatives == 4)
    #expect(abs(e.pointwise.precision - 1.0 / 3) < 1e-12)
    #expect(abs(e.pointwise.recall - 0.2) < 1e-12)
    #expect(abs(e.pointwise.f1 - 0.25) < 1e-12)
    // Adjusted: event 1 detected → rows 1–3 TP; event 2 missed → TP 3, FP 2, FN 2 → P 0.6, R 0.6.
    #expect(e.events == 2 && e.eventsDetected == 1)
    #expect(abs(e.pointAdjusted.precision - 0.6) < 1e-12)
    #expect(abs(e.pointAdjusted.recall - 0.6) < 1e-12)
    #expect(abs(e.pointAdjusted.f1 - 0.6) < 1e-12)
  }

  @Test func emptyCasesAreZeroNotNaN() {
    let e = Evaluation(flags: [false, false], labels: [false, false])
    #expect(e.pointwise.precision == 0 && e.pointwise.recall == 0 && e.pointwise.f1 == 0)
  }
}

@Suite struct SeriesTransformTests {
  @Test func handComputed() throws {
    // Two features: (1, 10), (2, 5), (4, 20)
    let v: [Float] = [1, 10, 2, 5, 4, 20]
    #expect(try SeriesTransform.level.apply(v, featureCount: 2) == v)
    #expect(try SeriesTransform.diff.apply(v, featureCount: 2) == [1, -5, 2, 15])
    let r = try SeriesTransform.logReturn.apply(v, featureCount: 2)
    for (a, b) in zip(r, [log(2.0), log(0.5), log(2.0), log(4.0)]) { #expect(abs(Double(a) - b) < 1e-6) }
    #expect(SeriesTransform.diff.lostRows == 1 && SeriesTransform.level.lostRows == 0)
    #expect(throws: SeismoError.self) { try SeriesTransform.logReturn.apply([1, 0], featureCount: 1) }
    // One step undone: the row after (2, 5) that each transform's change describes is (4, 20).
    for transform in SeriesTransform.allCases {
      let change = try transform.apply(v, featureCount: 2).suffix(2)
      let row = transform.row(after: v[2..<4], change: Array(change))
      for (a, b) in zip(row, [Float(4), 20]) { #expect(abs(a - b) < 1e-5, "\(transform): \(row)") }
    }
  }

  /// A long series is cut into a piece a core; each change is still its own value's and the
  /// value's a row before, up to the pieces' edges (300,003 values of 3 features, over 2^18).
  @Test func aLongSeriesChangesAsEachValueAlone() throws {
    var random = SeededGenerator(seed: 7)
    let v = (0..<300_003).map { _ in Float.random(in: 0.5...2, using: &random) }
    let diff = try SeriesTransform.diff.apply(v, featureCount: 3)
    let logReturn = try SeriesTransform.logReturn.apply(v, featureCount: 3)
    #expect(diff.count == 300_000 && logReturn.count == 300_000)
    #expect(diff == (0..<300_000).map { v[$0 + 3] - v[$0] })
    #expect(logReturn == (0..<300_000).map { Float(log(Double(v[$0 + 3]) / Double(v[$0]))) })
  }

  @Test func aValueLogReturnCannotTakeIsNamedByColumnAndDate() throws {
    let day: Timestamp = 86_400
    let frame = try Frame(
      timestamps: [18_262 * day, 18_263 * day, 18_264 * day], featureNames: ["vix", "gold"], values: [20, 1800, 21, 0, 22, 1810]
    )
    #expect(
      throws: SeismoError.invalidInput(
        "transform log_return needs positive values; 'gold' is 0.0 at 2020-01-02 (transform: diff takes any sign)")
    ) { try SeriesTransform.logReturn.apply(to: frame) }
    #expect(try SeriesTransform.diff.apply(to: frame) == [1, -1800, 1, 1810])
  }

  @Test func scalerFromValuesEqualsScalerFromFrame() throws {
    let frame = try Frame(timestamps: [0, 1, 2], timeKind: .index, featureNames: ["a", "b"], values: [1, 10, 2, 5, 4, 20])
    #expect(FeatureScaler(.standard, fittedOn: frame) == FeatureScaler(.standard, fittedOn: frame.values, featureCount: 2))
  }
}

@Suite struct EventRuleTests {
  let flags = [true, false, true, false, false, false, true, true, true, false, true]

  @Test func eachRunOfFlagsIsAnEventByDefault() {
    let events = EventRule().events(flags)
    #expect(events.map(\.start) == [0, 2, 6, 10])
    #expect(events.map(\.end) == [0, 2, 8, 10])
    #expect(events.map(\.alert) == [0, 2, 6, 10])
  }

  @Test func mergeGapJoinsFlagsAcrossShortPauses() {
    let events = EventRule(mergeGap: 1).events(flags)
    #expect(
      events == [
        EventRule.Event(start: 0, end: 2, alert: 0, flagged: 2),
        EventRule.Event(start: 6, end: 10, alert: 6, flagged: 4),
      ])
  }

  @Test func minLengthDelaysTheAlertAndDropsShortEvents() {
    let events = EventRule(mergeGap: 1, minLength: 3).events(flags)
    #expect(events == [EventRule.Event(start: 6, end: 10, alert: 8, flagged: 4)])
  }

  @Test func minMarginPrunesEventsThatBarelyCrossTheCutoff() {
    // Cut-off 10 everywhere; margin 0.2 needs a score of 12. Event 1 (rows 0–2) peaks at 11:
    // pruned. Event 2 (rows 5–7) reaches 13 on its second row: it alerts there.
    let scores: [Float] = [11, 10.5, 11, 0, 0, 10.5, 13, 11]
    let cutoffs = [Float](repeating: 10, count: scores.count)
    let rule = EventRule(mergeGap: 1, minMargin: 0.2)
    #expect(rule.events(scores: scores, cutoffs: cutoffs) == [EventRule.Event(start: 5, end: 7, alert: 6, flagged: 3)])
    #expect(EventRule(mergeGap: 1).events(scores: scores, cutoffs: cutoffs).map(\.alert) == [0, 5])
    // The margin is relative to the cut-off's magnitude, so negative cut-offs work too.
    #expect(rule.events(scores: [-0.9, -0.7], cutoffs: [-1, -1]).map(\.alert) == [1])
  }

  /// The `events:` section of a config reaches the rule, each key set off its default.
  @Test func configKeysReachTheRule() {
    let parsed = EventRule(
      parameters: Parameters(
        specs: EventRule.parameters,
        values: ["merge_gap": .integer(1), "min_length": .integer(3), "min_margin": .number(0.2)]))
    #expect(parsed == EventRule(mergeGap: 1, minLength: 3, minMargin: 0.2))
    #expect(EventRule(parameters: Parameters(specs: EventRule.parameters)) == EventRule())
  }

  @Test func alertsArePointInTime() {
    // Appending flags never moves an earlier alert.
    let rule = EventRule(mergeGap: 2, minLength: 2)
    let short = rule.events(Array(flags.prefix(8))).map(\.alert)
    let long = rule.events(flags + [true, true]).map(\.alert)
    #expect(Array(long.prefix(short.count)) == short)
  }
}

@Suite struct RefitIntervalTests {
  func day(_ y: Int, _ m: Int, _ d: Int) -> Timestamp { Timestamp(CivilTime.days(year: y, month: m, day: d)) * 86_400 }

  @Test func parsesRowsAndPeriods() throws {
    #expect(try RefitInterval(parsing: "250") == .rows(250))
    #expect(try RefitInterval(parsing: "30d") == .days(30))
    #expect(try RefitInterval(parsing: "13w") == .days(91))
    #expect(try RefitInterval(parsing: "6m") == .months(6))
    #expect(try RefitInterval(parsing: "1Y") == .months(12))
    #expect(try RefitInterval(parsing: "0") == nil)
    #expect(throws: SeismoError.self) { try RefitInterval(parsing: "1q") }
    #expect(throws: SeismoError.self) { try RefitInterval(parsing: "-3d") }
    #expect(throws: SeismoError.self) { try RefitInterval(parsing: "y") }
  }

  @Test func monthsKeepTheDayClampedToTheMonth() {
    let month = RefitInterval.months(1)
    #expect(month.advance(day(2020, 1, 31), by: 1) == day(2020, 2, 29), "leap February")
    #expect(month.advance(day(2020, 1, 31), by: 13) == day(2021, 2, 28))
    #expect(RefitInterval.months(12).advance(day(2019, 12, 15), by: 2) == day(2021, 12, 15))
    #expect(RefitInterval.days(7).advance(day(2020, 12, 28), by: 1) == day(2021, 1, 4))
  }

  @Test func monthlyFoldsStartOnTheFirstRowOfEachPeriod() throws {
    // Business days (no weekends) from 2020-01-01; the first 100 rows train.
    var times: [Timestamp] = []
    var t = day(2020, 1, 1)
    while times.count < 300 {
      let weekday = (t / 86_400 + 4) % 7  // 1970-01-01 was a Thursday: 0 = Sunday
      if weekday != 0 && weekday != 6 { times.append(t) }
      t += 86_400
    }
    let frame = try Frame(timestamps: times, featureNames: ["x"], values: times.map { _ in 1 })
    let folds = try SplitPolicy(trainFraction: 1, refitEvery: .months(3)).folds(of: frame, trainRows: 100)
    let first = times[100]  // 2020-05-20
    #expect(CivilTime.format(first, withTime: false) == "2020-05-20")
    // Quarters from there: 2020-08-20, 2020-11-20, 2021-02-20 (a Saturday → the Monday after).
    #expect(
      folds.map { CivilTime.format(times[$0.trainEnd], withTime: false) } == [
        "2020-05-20", "2020-08-20", "2020-11-20", "2021-02-22",
      ])
    #expect(folds.last!.scoreEnd == 300 && folds.dropLast().indices.allSatisfy { folds[$0].scoreEnd == folds[$0 + 1].trainEnd })
    let indexed = try Frame(
      timestamps: (0..<300).map { Timestamp($0) }, timeKind: .index, featureNames: ["x"], values: times.map { _ in 1 })
    #expect(throws: SeismoError.self) { try SplitPolicy(refitEvery: .months(1)).folds(of: indexed, trainRows: 100) }
  }

  /// A reader that sees a series grow (`seismo watch`) knows from the folds of the rows it has
  /// read where the next one starts: a series of `m` rows has a new fold exactly when the plan
  /// of its first `m` rows has more folds than the plan of the rows read. Business days with
  /// holes of up to three weeks, so that some periods start no fold.
  @Test(arguments: [RefitInterval.rows(17), .days(9), .days(14), .months(1), .months(3)])
  func theNextRefitIsWhereTheGrownSeriesPlansItsNextFold(_ interval: RefitInterval) throws {
    var random = SeededGenerator(seed: 7)
    var times: [Timestamp] = []
    var t = day(2020, 1, 1)
    while times.count < 400 {
      let weekday = (t / 86_400 + 4) % 7
      if weekday != 0 && weekday != 6 { times.append(t) }
      t += 86_400 * (Int.random(in: 0..<40, using: &random) == 0 ? Int64.random(in: 5...21, using: &random) : 1)
    }
    let frame = try Frame(timestamps: times, featureNames: ["x"], values: times.map { _ in 1 })
    let split = SplitPolicy(trainFraction: 1, refitEvery: interval)
    for read in stride(from: 61, to: 400, by: 7) {
      let folds = try split.folds(of: frame.rows(0..<read), trainRows: 60)
      let next = try #require(split.nextRefit(after: folds, in: frame.rows(0..<read)))
      for rows in (read + 1)...400 {
        let grown = try split.folds(of: frame.rows(0..<rows), trainRows: 60).count
        #expect(next.isDue(rows: rows, lastTime: times[rows - 1]) == (grown > folds.count), "\(read) rows read, \(rows) now")
      }
    }
  }
}

@Suite struct EventTrackerTests {
  /// Fed one flag at a time, the tracker says where events alert as it goes, and its events are
  /// those of the whole series.
  @Test func alertsAsTheFlagsArriveAndEndsWithTheWholeSeriesEvents() {
    let flags = [true, false, true, false, false, false, true, true, true, false, true, true, true]
    let rule = EventRule(mergeGap: 1, minLength: 2)
    var tracker = EventRule.Tracker(rule: rule)
    var alerts: [Int] = []
    for (i, flag) in flags.enumerated() where flag {
      if tracker.flag(i, clearsMargin: true) { alerts.append(i) }
    }
    #expect(tracker.closed.count == 1, "the last event is still open")
    let events = tracker.finish()
    #expect(events == rule.events(flags))
    #expect(alerts == events.map(\.alert) && alerts == [2, 7])
  }
}
