import Testing

@testable import SeismoCore

@Suite struct FrameTests {
  func frame() throws -> Frame {
    try Frame(timestamps: [0, 86_400, 172_800], featureNames: ["a", "b"], values: [1, 2, 3, 4, 5, 6])
  }

  @Test func rowMajorAccess() throws {
    let f = try frame()
    #expect(f[1, 0] == 3)
    #expect(f[2, 1] == 6)
    #expect(f.column(1) == [2, 4, 6])
    #expect(f.rows(1..<3).values == [3, 4, 5, 6])
    #expect(f.rows(1..<3).timestamps == [86_400, 172_800])
    #expect(f.replacingColumn(0, with: [9, 8, 7]).values == [9, 2, 8, 4, 7, 6])
    #expect(f.formatTimestamp(86_400) == "1970-01-02")
  }

  @Test func rejectsBadShapes() {
    #expect(throws: SeismoError.self) { try Frame(timestamps: [0, 1], featureNames: ["a"], values: [1]) }
    #expect(throws: SeismoError.self) { try Frame(timestamps: [0], featureNames: [], values: []) }
    #expect(throws: SeismoError.self) { try Frame(timestamps: [0], featureNames: ["a", "a"], values: [1, 2]) }
  }

  @Test func rejectsNonIncreasingTime() {
    #expect(throws: SeismoError.self) { try Frame(timestamps: [5, 5], featureNames: ["a"], values: [1, 2]) }
    #expect(throws: SeismoError.self) { try Frame(timestamps: [5, 4], featureNames: ["a"], values: [1, 2]) }
  }

  @Test func rejectsNonFiniteValuesNamingFeatureAndTime() {
    do {
      _ = try Frame(timestamps: [0, 86_400], featureNames: ["a", "vix"], values: [1, 2, 3, .infinity], source: "t.csv")
      Issue.record("expected an error")
    } catch {
      #expect("\(error)" == "t.csv: value of 'vix' at 1970-01-02 is not finite")
    }
  }

  /// The gap policy dropping the first rows, before the first value of the feature that starts
  /// last, is warned of once they are 10 rows or more and a twentieth of the rows read, naming
  /// where the data would start without it; a frame cut to some features keeps the warning while
  /// a feature that starts last is among them.
  /// Features with a note of one kind on the same rows share one warning when they are more
  /// than three (56 feeds late on one day are said once, not 56 times); three, or notes on other
  /// rows, are warned of one by one, in the words of one.
  @Test func manyFeaturesWithOneGapShareAWarning() throws {
    let day: Timestamp = 86_400
    let names = (0..<6).map { "f\($0)" }
    let frame = try Frame(
      timestamps: (0..<3).map { Timestamp($0 + 40) * day }, featureNames: names, values: (0..<18).map(Float.init))
    var loaded = LoadedFrame(frame: frame, origin: "m.csv", rowsRead: 3)
    let late = { (j: Int) in GapPolicy.Carry(feature: j, rows: 2, after: 40 * day, from: 41 * day) }
    loaded.filledAtEnd = [
      late(0), late(1), late(2), late(4), GapPolicy.Carry(feature: 5, rows: 1, after: 41 * day, from: 42 * day),
    ]
    loaded.holes = (1..<4).map { GapPolicy.Hole(feature: $0, rows: 12, after: 9 * day, from: 10 * day, to: 21 * day) }
    loaded.sparse = (0..<6).map { GapPolicy.Sparse(feature: $0, own: 8, rows: 40) }
    #expect(
      loaded.warnings == [
        "warning: 6 of 6 features have a value of their own on 8 of the 40 rows from their first value to their last (20 %), and gaps: ffill carries them over the others: they move in steps (a weekly series among daily rows?), which a detector may flag. Read them in a run of their own, or the others at their frequency: f0, f1, f2, f3, f4, f5",
        "warning: 4 of 6 features have no value on the last 2 rows (from 1970-02-11 on): gaps: ffill carries their values of 1970-02-10 there, and the scores use them; their data is late, or they had no row then: f0, f1, f2, f4",
        "warning: f5 has no value on the last row (1970-02-12): gaps: ffill carries its value of 1970-02-11 there, and the scores use it; its data is late, or it had no row then",
      ]
        + (1..<4).map {
          "warning: f\($0) has no value from 1970-01-11 to 1970-01-22: gaps: ffill carries its value of 1970-01-10 over 12 rows, where its data has a hole; it is flat there, and its first value after may look like a jump"
        })
    loaded.holes.append(GapPolicy.Hole(feature: 5, rows: 12, after: 9 * day, from: 10 * day, to: 21 * day))
    #expect(
      loaded.holeWarnings(loaded.holes) == [
        "warning: 4 of 6 features have no value from 1970-01-11 to 1970-01-22: gaps: ffill carries their values of 1970-01-10 over 12 rows, where their data has a hole; they are flat there, and their first values after may look like jumps: f1, f2, f3, f5"
      ])
    let stopped = (0..<4).map { GapPolicy.Carry(feature: $0, rows: 30, after: 10 * day, from: 11 * day) }
    #expect(
      loaded.carryWarnings(stopped) == [
        "warning: 4 of 6 features have no value after 1970-01-11: gaps: ffill carries those values through the last 30 rows (from 1970-01-12 on); their data stopped, or is late: f0, f1, f2, f3"
      ])
    #expect(loaded.carryWarnings(Array(stopped.prefix(3))).count == 3, "three are named one by one")
    #expect(
      loaded.staleWarnings(stopped) == [
        "warning: 4 of 6 features have kept their values of 1970-01-11 through the last 30 rows (from 1970-01-12 on), longer than ever before: their data may be stale (a feed resending its last print), which reads as a calm market: f0 (12.0), f1 (13.0), f2 (14.0), f3 (15.0)"
      ])
    let three = loaded.selecting(features: [0, 1, 2]).warnings
    #expect(three.count == 3 + 3 + 2 && !three.contains { $0.contains(" of 3 features") }, "cut to three, each is named")
  }

  @Test func aFeatureThatStartsLateIsWarnedOf() throws {
    let day: Timestamp = 86_400
    let frame = try Frame(
      timestamps: [30 * day, 31 * day], featureNames: ["a", "b", "c"], values: [1, 2, 3, 4, 5, 6])
    func loaded(_ starts: [(feature: Int, rows: Int)], rowsRead: Int = 200) -> LoadedFrame {
      var loaded = LoadedFrame(frame: frame, origin: "m.csv", rowsRead: rowsRead)
      loaded.lateStarts = starts.map {
        GapPolicy.LateStart(feature: $0.feature, rows: $0.rows, from: 0, first: Timestamp($0.rows) * day, policy: .ffill)
      }
      return loaded
    }
    let tied = loaded([(0, 30), (1, 30), (2, 5)])
    #expect(
      tied.lateStartWarning
        == "warning: a, b have no value before 1970-01-31, so gaps: ffill leaves out the 30 rows before that (from 1970-01-01) for every feature, and the history starts there; without them the data would start at 1970-01-06 (c's first value). Read the others without them, or give each indicator its own rows with detect --each"
    )
    #expect(tied.warnings == [tied.lateStartWarning])
    #expect(
      loaded([(2, 10)]).lateStartWarning
        == "warning: c has no value before 1970-01-11, so gaps: ffill leaves out the 10 rows before that (from 1970-01-01) for every feature, and the history starts there; without it the data would start at its first row (1970-01-01). Read the others without it, or give each indicator its own rows with detect --each"
    )
    #expect(loaded([(2, 9)]).lateStartWarning == nil, "fewer than 10 rows")
    #expect(loaded([(2, 30)], rowsRead: 601).lateStartWarning == nil, "under a twentieth of the rows read")
    #expect(loaded([(2, 30)], rowsRead: 600).lateStartWarning != nil)
    #expect(tied.selecting(features: [2]).lateStarts.isEmpty, "the feature that starts last is not picked")
    #expect(tied.selecting(features: [1, 2]).lateStarts.map(\.feature) == [0, 1], "b starts as late as a")
    #expect(tied.selecting(features: [2, 0]).lateStarts.map(\.feature) == [1, 0])
    #expect(tied.selecting(feature: 0).lateStartWarning == nil, "one feature loses nothing to its own start")
    // Under drop, a feature that ends first cuts the rows after its last value.
    var ended = LoadedFrame(frame: frame, origin: "m.csv", rowsRead: 200)
    ended.earlyEnds = [
      GapPolicy.EarlyEnd(feature: 1, rows: 40, last: 20 * day, to: 60 * day),
      GapPolicy.EarlyEnd(feature: 0, rows: 3, last: 57 * day, to: 60 * day),
    ]
    #expect(
      ended.warnings == [
        "warning: b has no value after 1970-01-21, so gaps: drop leaves out the 40 rows after that (to 1970-03-02) for every feature, and the history ends there; without it the data would end at 1970-02-27 (a's last value). Read the others without it, or give each indicator its own rows with detect --each"
      ])
    ended.earlyEnds.removeLast()
    #expect(ended.earlyEndWarning?.contains("without it the data would end at its last row (1970-03-02).") == true)
    #expect(ended.selecting(features: [0, 2]).earlyEndWarning == nil && ended.selecting(features: [2, 1]).earlyEnds.count == 1)
  }

  /// A feature whose every value is 0 or 1, both present, looks like a label; one of zeros only,
  /// or with another value, does not. A frame cut to some features keeps its own.
  @Test func labelLikeFeaturesAreTheZeroOneColumns() throws {
    let frame = try Frame(
      timestamps: [0, 1, 2], featureNames: ["y", "zeros", "counts", "flag"],
      values: [0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 2, 1])
    var loaded = LoadedFrame(frame: frame, origin: "m.csv", rowsRead: 3)
    loaded.noteLabelLikeFeatures()
    #expect(loaded.labelLike == [0, 3])
    #expect(
      loaded.warnings.first
        == "warning: y holds only 0 and 1, as a label column does, and is read as a feature because the source lists no columns: a detector that sees the labels flags them. List the features in columns; evaluate --labels FILE --label-column y scores the flags against it"
    )
    #expect(loaded.warnings.count == 2 && loaded.warnings[1].hasPrefix("warning: flag holds only 0 and 1"))
    #expect(loaded.selecting(features: [2, 3]).labelLike == [1] && loaded.selecting(features: [1, 2]).labelLike.isEmpty)
  }

  /// A saved model scores the features it was trained on, in its order, cut from data that has
  /// others too; data that lacks one is refused, naming both lists.
  @Test func aModelTakesItsFeaturesFromWiderData() throws {
    let wide = LoadedFrame(
      frame: try Frame(timestamps: [0, 1], featureNames: ["c", "b", "a"], values: [1, 2, 3, 4, 5, 6]), origin: "q",
      rowsRead: 2)
    let picked = try wide.withFeatures(["a", "b"], for: "the model")
    #expect(picked.frame.featureNames == ["a", "b"] && picked.frame.values == [3, 2, 6, 5])
    #expect(picked.origin == "q [a, b]")
    #expect(try wide.withFeatures(["c", "b", "a"], for: "the model").origin == "q", "the same features: itself")
    #expect(throws: SeismoError.invalidInput("the model was trained on features [a, d] but the data has [c, b, a]")) {
      try wide.withFeatures(["a", "d"], for: "the model")
    }
  }

  /// A row's digest is FNV-1a over its values' bytes (little-endian bit patterns, in feature
  /// order), worked by hand for the first two rows: start at 0x811C9DC5, then for each byte xor
  /// it in and multiply by 16777619 modulo 2³². Equal rows at other times or in other frames
  /// digest alike; a swapped pair does not.
  @Test func rowDigestIsFNV1aOverTheValues() throws {
    let f = try Frame(timestamps: [0, 1, 2, 3], featureNames: ["a", "b"], values: [0, 1, 0, -1, 0, 1, 1, 0])
    #expect(f.digest(ofRow: 0) == Int32(bitPattern: 2_342_790_472))
    #expect(f.digest(ofRow: 1) == 195_255_240)
    #expect(f.digest(ofRow: 2) == f.digest(ofRow: 0))
    #expect(f.digest(ofRow: 3) != f.digest(ofRow: 0))
    #expect(try frame().rows(1..<3).digest(ofRow: 0) == frame().digest(ofRow: 1))
  }
}

@Suite struct GapPolicyTests {
  let nan = Float.nan

  func apply(_ policy: GapPolicy, _ values: [Float]) throws -> ([Float], [Timestamp], GapPolicy.Outcome) {
    var v = values
    var t: [Timestamp] = Array(0..<Timestamp(values.count / 2))
    var labels = t.map { Int32($0) }
    let outcome = try policy.apply(values: &v, timestamps: &t, rowLabels: &labels, featureCount: 2) { row, feature in
      .data(source: "x", line: row, column: "\(feature)", message: "gap")
    }
    return (v, t, outcome)
  }

  /// When no row is left, the outcome names the features without a value (none carried in),
  /// which no policy can fill; the message says so, or falls back to the source's reason.
  @Test func aFeatureWithoutAValueIsNamedWhenNoRowIsLeft() throws {
    for policy in [GapPolicy.ffill, .drop] {
      let (_, t, outcome) = try apply(policy, [1, nan, 2, nan, 3, nan])
      #expect(t.isEmpty && outcome.emptyFeatures == [1])
      #expect(
        policy.noRowsLeft(outcome, names: ["a", "b"], otherwise: "why")
          == "no rows left after the gap policy '\(policy.rawValue)': feature 'b' has no value in any row")
    }
    // Both empty: both named. Rows left, or every row dropped with each feature somewhere: none.
    #expect(try apply(.ffill, [nan, nan, nan, nan]).2.emptyFeatures == [0, 1])
    #expect(try apply(.ffill, [nan, 1, 2, nan]).2.emptyFeatures == [])
    let alternating = try apply(.drop, [nan, 1, 2, nan])
    #expect(alternating.1.isEmpty && alternating.2.emptyFeatures == [])
    #expect(
      GapPolicy.drop.noRowsLeft(alternating.2, names: ["a", "b"], otherwise: "every row has a gap")
        == "no rows left after the gap policy 'drop' (every row has a gap)")
    // A value carried in from an earlier piece fills the column: it is not empty.
    var state = GapPolicy.Carrying<Float>(featureCount: 1)
    var (v, t, labels): ([Float], [Timestamp], [Int32]) = ([5], [0], [0])
    _ = try GapPolicy.ffill.apply(values: &v, timestamps: &t, rowLabels: &labels, featureCount: 1, carrying: &state) { _, _ in
      .invalidInput("gap")
    }
    (v, t, labels) = ([nan, nan], [1, 2], [1, 2])
    let next = try GapPolicy.ffill.apply(values: &v, timestamps: &t, rowLabels: &labels, featureCount: 1, carrying: &state) {
      _, _ in .invalidInput("gap")
    }
    #expect(v == [5, 5] && next.emptyFeatures == [])
  }

  @Test func forwardFillDropsLeadingGaps() throws {
    let (v, t, outcome) = try apply(.ffill, [nan, 1, 2, nan, nan, 3, 4, 5])
    #expect(v == [2, 1, 2, 3, 4, 5])
    #expect(t == [1, 2, 3])
    var expected = GapPolicy.Outcome(cellsFilled: 2, rowsDropped: 1)
    expected.lateStarts = [GapPolicy.LateStart(feature: 0, rows: 1, from: 0, first: 1, policy: .ffill)]
    #expect(outcome == expected)
  }

  /// The features whose first value comes after the first row are named, latest first, with the
  /// rows before it (which `ffill` and `drop` both drop) and its first time, whole or piece by
  /// piece; a feature with a value in the first row, or none at all, is not.
  @Test func featuresThatStartLateAreNamedLatestFirst() throws {
    // a from row 2, b from row 5, c from row 0, d never: 4 features, 8 rows at times 10, 11, …
    let a: [Float?] = [nil, nil, 1, 2, nil, 3, 4, 5]
    let b: [Float?] = [nil, nil, nil, nil, nil, 1, 2, 3]
    let c: [Float?] = [1, 2, 3, 4, 5, 6, 7, 8]
    let rows = (0..<8).flatMap { [a[$0] ?? nan, b[$0] ?? nan, c[$0] ?? nan] }
    for policy in [GapPolicy.ffill, .drop] {
      let expected = [
        GapPolicy.LateStart(feature: 1, rows: 5, from: 10, first: 15, policy: policy),
        GapPolicy.LateStart(feature: 0, rows: 2, from: 10, first: 12, policy: policy),
      ]
      for cut in [0, 1, 3, 6, 8] {
        var state = GapPolicy.Carrying<Float>(featureCount: 3)
        var last = GapPolicy.Outcome()
        for range in [0..<cut, cut..<8] where !range.isEmpty {
          var v = Array(rows[range.lowerBound * 3..<range.upperBound * 3])
          var t = range.map { Timestamp(10 + $0) }
          var labels = t.map { Int32($0) }
          last = try policy.apply(values: &v, timestamps: &t, rowLabels: &labels, featureCount: 3, carrying: &state) {
            .data(source: "x", line: $0, column: "\($1)", message: "gap")
          }
        }
        #expect(last.lateStarts == expected, "\(policy) cut at \(cut)")
      }
    }
    // The same features backwards: under drop they end early, b first (its last 5 rows), then a
    // (its last 2, whose gap at row 3 is inside its data); ffill carries them instead.
    let backwards = (0..<8).reversed().flatMap { [a[$0] ?? nan, b[$0] ?? nan, c[$0] ?? nan] }
    for cut in [0, 1, 3, 6, 8] {
      var state = GapPolicy.Carrying<Float>(featureCount: 3)
      var (dropped, filled) = (GapPolicy.Outcome(), GapPolicy.Outcome())
      for range in [0..<cut, cut..<8] where !range.isEmpty {
        for policy in [GapPolicy.drop, .ffill] {
          var piece = state
          var v = Array(backwards[range.lowerBound * 3..<range.upperBound * 3])
          var t = range.map { Timestamp(10 + $0) }
          var labels = t.map { Int32($0) }
          let outcome = try policy.apply(values: &v, timestamps: &t, rowLabels: &labels, featureCount: 3, carrying: &piece) {
            .data(source: "x", line: $0, column: "\($1)", message: "gap")
          }
          if policy == .drop {
            (dropped, state) = (outcome, piece)
          } else {
            filled = outcome
          }
        }
      }
      #expect(
        dropped.earlyEnds == [
          GapPolicy.EarlyEnd(feature: 1, rows: 5, last: 12, to: 17), GapPolicy.EarlyEnd(feature: 0, rows: 2, last: 15, to: 17),
        ], "cut at \(cut)")
      #expect(dropped.rowsDropped > 0 && filled.earlyEnds.isEmpty && dropped.carriedToEnd.isEmpty)
    }
    // Ties keep the features' order; a feature without a value is not a late start.
    let tied = (0..<4).flatMap { r -> [Float] in r < 2 ? [nan, nan, nan] : [1, 2, nan] }
    var (v, t, labels) = (tied, (0..<4).map { Timestamp($0) }, (0..<4).map { Int32($0) })
    let outcome = try GapPolicy.drop.apply(values: &v, timestamps: &t, rowLabels: &labels, featureCount: 3) {
      .data(source: "x", line: $0, column: "\($1)", message: "gap")
    }
    #expect(outcome.lateStarts.map(\.feature) == [0, 1] && outcome.lateStarts.allSatisfy { $0.rows == 2 && $0.first == 2 })
  }

  /// A feature carried over its last rows is noticed when the gap is at least 5 rows and longer
  /// than any earlier gap of that feature: a series that stopped, not one that is sparse.
  @Test func forwardFillNoticesAFeatureCarriedToTheEnd() throws {
    func carried(_ a: [Float?], _ b: [Float?]) throws -> [GapPolicy.Carry] {
      try apply(.ffill, zip(a, b).flatMap { [$0 ?? nan, $1 ?? nan] }).2.carriedToEnd
    }
    let ten: [Float?] = (0..<10).map(Float.init)
    #expect(
      try carried(ten, [1, 2, 3, 4, 5, nil, nil, nil, nil, nil]) == [GapPolicy.Carry(feature: 1, rows: 5, after: 4, from: 5)])
    #expect(try carried(ten, [1, 2, 3, 4, 5, 6, nil, nil, nil, nil]).isEmpty, "4 rows: too few")
    #expect(
      try carried([1, nil, nil, nil, nil, nil, 7, 8, 9, nil], [1, 2, 3, 4, nil, nil, nil, nil, nil, nil]) == [
        GapPolicy.Carry(feature: 1, rows: 6, after: 3, from: 4)
      ], "a's last gap (1 row) is shorter than its earlier one (5)")
    #expect(
      try carried([1, nil, nil, nil, nil, nil, 7, nil, nil, nil, nil, nil], Array(repeating: 1, count: 12))
        .isEmpty, "a gap of 5, then one of 5 at the end: as sparse as before")
    #expect(try carried([nil, nil, nil, nil, nil, nil, 1, 2], ten).isEmpty, "leading gaps are dropped, not carried")
  }

  /// Columns `a` and `b` (times 0, 1, …) filled by `ffill` in two pieces cut at row `cut`, as
  /// `score --stream` reads them: the values, and the second piece's outcome.
  func ffillInTwoPieces(_ a: [Float], _ b: [Float], cut: Int) throws -> (values: [Float], last: GapPolicy.Outcome) {
    var state = GapPolicy.Carrying<Float>(featureCount: 2)
    var values: [Float] = []
    var last = GapPolicy.Outcome()
    for range in [0..<cut, cut..<a.count] {
      var v = range.flatMap { [a[$0], b[$0]] }
      var t = range.map { Timestamp($0) }
      var labels = t.map { Int32($0) }
      last = try GapPolicy.ffill.apply(values: &v, timestamps: &t, rowLabels: &labels, featureCount: 2, carrying: &state) {
        .data(source: "x", line: $0, column: "\($1)", message: "gap")
      }
      values += v
    }
    return (values, last)
  }

  /// A series applied piece by piece (as `score --stream` reads it) carries as it does whole:
  /// the same values, and a carry to the end counted over every piece, with its times, against
  /// the gaps of every piece before.
  @Test func piecesCarryAsTheWholeSeries() throws {
    let a: [Float] = [1, .nan, .nan, .nan, .nan, .nan, .nan, 8, 9, 10, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan]
    let b: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, .nan, .nan, .nan, .nan, .nan, .nan, .nan]
    let whole = try apply(.ffill, zip(a, b).flatMap { [$0, $1] })
    #expect(
      whole.2.carriedToEnd == [
        GapPolicy.Carry(feature: 0, rows: 8, after: 9, from: 10), GapPolicy.Carry(feature: 1, rows: 7, after: 10, from: 11),
      ])
    for cut in [3, 9, 12, 16] {
      let (values, last) = try ffillInTwoPieces(a, b, cut: cut)
      #expect(values == whole.0, "cut at \(cut)")
      #expect(last.carriedToEnd == whole.2.carriedToEnd, "cut at \(cut)")
    }
  }

  /// A run of at least 10 filled rows inside a feature's data is a hole: its longest is
  /// reported with its times, whole or piece by piece; shorter runs (holidays) and runs at the
  /// start or the end are not holes.
  @Test func forwardFillNoticesAHoleInsideTheData() throws {
    let hole: [Float] = [1, 2] + Array(repeating: .nan, count: 11) + [14, 15] + Array(repeating: .nan, count: 3) + [19]
    let steady = (0..<hole.count).map(Float.init)
    let whole = try apply(.ffill, zip(steady, hole).flatMap { [$0, $1] })
    #expect(whole.2.holes == [GapPolicy.Hole(feature: 1, rows: 11, after: 1, from: 2, to: 12)])
    let short: [Float] = [1, 2] + Array(repeating: .nan, count: 9) + [12]
    #expect(try apply(.ffill, zip(steady.prefix(12), short).flatMap { [$0, $1] }).2.holes.isEmpty, "9 rows: too few")
    let leadingAndTrailing: [Float] = Array(repeating: .nan, count: 11) + [1] + Array(repeating: .nan, count: 10)
    #expect(try apply(.ffill, zip(steady.prefix(22), leadingAndTrailing).flatMap { [$0, $1] }).2.holes.isEmpty)
    for cut in [2, 7, 13] {
      #expect(try ffillInTwoPieces(steady, hole, cut: cut).last.holes == whole.2.holes, "cut at \(cut)")
    }
  }

  /// A feature with a value on every fifth row only (weekly among daily rows) is sparse, whole
  /// or piece by piece: 8 values on the 36 rows from its first to its last; one every third row
  /// too. A long hole, a value on more than half of the rows, or under 20 rows, is not.
  @Test func forwardFillNoticesAFeatureOfAnotherFrequency() throws {
    let steady = (0..<40).map(Float.init)
    let weekly = (0..<40).map { $0 % 5 == 0 ? Float($0) : nan }
    let whole = try apply(.ffill, zip(steady, weekly).flatMap { [$0, $1] })
    #expect(whole.2.sparse == [GapPolicy.Sparse(feature: 1, own: 8, rows: 36)])
    for cut in [3, 17, 36] {
      #expect(try ffillInTwoPieces(steady, weekly, cut: cut).last.sparse == whole.2.sparse, "cut at \(cut)")
    }
    let third = (0..<40).map { $0 % 3 == 0 ? Float($0) : nan }
    #expect(try apply(.ffill, zip(steady, third).flatMap { [$0, $1] }).2.sparse.map(\.own) == [14])
    let other = (0..<41).map { $0 % 2 == 0 ? Float($0) : nan }
    #expect(try apply(.ffill, zip((0..<41).map(Float.init), other).flatMap { [$0, $1] }).2.sparse.isEmpty, "21 of 41")
    let hole = (0..<40).map { (10..<30).contains($0) ? nan : Float($0) }
    #expect(try apply(.ffill, zip(steady, hole).flatMap { [$0, $1] }).2.sparse.isEmpty, "one hole of 20")
    #expect(try apply(.ffill, zip(steady.prefix(16), weekly.prefix(16)).flatMap { [$0, $1] }).2.sparse.isEmpty, "16 rows")
    #expect(try apply(.drop, zip(steady, weekly).flatMap { [$0, $1] }).2.sparse.isEmpty, "drop keeps its own rows only")
  }

  @Test func dropRemovesRowsWithAnyGap() throws {
    let (v, t, outcome) = try apply(.drop, [nan, 1, 2, nan, 6, 3, 4, 5])
    #expect(v == [6, 3, 4, 5])
    #expect(t == [2, 3])
    #expect(outcome.rowsDropped == 2)
  }

  @Test func keepLeavesEveryGapAndNoSourceParameterOffersIt() throws {
    let (v, t, outcome) = try apply(.keep, [nan, 1, 2, nan])
    #expect(v.map(\.isNaN) == [true, false, false, true] && t == [0, 1])
    #expect(outcome == GapPolicy.Outcome())
    guard case .choice(let choices) = GapPolicy.parameter.spec.type else {
      Issue.record("gaps is not a choice")
      return
    }
    #expect(choices == ["drop", "ffill", "error"])
  }

  @Test func errorNamesTheFirstGap() throws {
    #expect(throws: SeismoError.data(source: "x", line: 1, column: "1", message: "gap")) {
      try apply(.error, [0, 1, 2, nan])
    }
    let (v, _, _) = try apply(.error, [0, 1, 2, 3])
    #expect(v == [0, 1, 2, 3])
  }
}
