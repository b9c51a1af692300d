import SeismoSupport
import Testing

@testable import SeismoCore

/// `StaleValues`: a feature whose last rows repeat one value, worked by hand.
@Suite struct StaleValuesTests {
  /// Daily rows of `columns` (each a feature's values), named a, b, c, …
  func frame(_ columns: [[Float]]) throws -> Frame {
    let rows = columns[0].count
    let names = columns.indices.map { String(UnicodeScalar(UInt8(97 + $0))) }
    let values = (0..<rows).flatMap { r in columns.map { $0[r] } }
    return try Frame(timestamps: (0..<rows).map { Timestamp($0) * 86_400 }, featureNames: names, values: values)
  }

  @Test func aRunOfRepeatsAtTheEndLongerThanAnyBeforeIsNamed() throws {
    let moving: [Float] = (0..<20).map { Float($0 % 7) }  // changes every row
    // a: 15 moving rows, then row 14's value 5 more times (rows 15…19).
    let a = Array(moving.prefix(15)) + [Float](repeating: moving[14], count: 5)
    let stale = StaleValues.atEnd(of: try frame([a, moving]))
    #expect(stale == [GapPolicy.Carry(feature: 0, rows: 5, after: 14 * 86_400, from: 15 * 86_400)])
    // 4 repeats are not worth a word.
    #expect(StaleValues.atEnd(of: try frame([Array(moving.prefix(16)) + [Float](repeating: moving[15], count: 4)])).isEmpty)
  }

  @Test func aFeatureFlatBeforeAsLongOrAlwaysFlatIsNotNamed() throws {
    // 6 repeats in the middle (rows 5…10 repeat row 4's value), then 5 at the end.
    var a: [Float] = (0..<25).map { Float($0) }
    for r in 5...10 { a[r] = a[4] }
    for r in 20...24 { a[r] = a[19] }
    #expect(StaleValues.atEnd(of: try frame([a])).isEmpty, "no longer than its earlier run")
    for r in 18...24 { a[r] = a[17] }
    #expect(StaleValues.atEnd(of: try frame([a])).map(\.rows) == [7], "longer than its 6: named")
    // A constant column, or one that changed fewer than 5 times, was never live.
    #expect(StaleValues.atEnd(of: try frame([[Float](repeating: 3, count: 20)])).isEmpty)
    let fewChanges: [Float] = [1, 2, 3, 4] + [Float](repeating: 5, count: 16)
    #expect(StaleValues.atEnd(of: try frame([fewChanges])).isEmpty)
  }

  @Test func aFeatureCarriedToTheEndIsLeftToThatWarning() throws {
    let a: [Float] = (0..<20).map { Float($0) } + [Float](repeating: 19, count: 8)
    #expect(StaleValues.atEnd(of: try frame([a]), besides: [0]).isEmpty)
    var loaded = LoadedFrame(frame: try frame([a]), origin: "x.csv", rowsRead: 28)
    #expect(
      loaded.warnings == [
        "warning: a has kept its value of 1970-01-20 (19.0) through the last 8 rows (from 1970-01-21 on), longer than ever before: its data may be stale (a feed resending its last print), which reads as a calm market"
      ])
    loaded.carriedToEnd = [GapPolicy.Carry(feature: 0, rows: 8, endOf: loaded.frame.timestamps)]
    #expect(loaded.staleToEnd.isEmpty && loaded.warnings.count == 1 && loaded.warnings[0].contains("gaps: ffill carries"))
  }

  /// `atEnd` reads the whole series only when a feature's last rows repeat; what it names is
  /// what the tracker names over every row. Random series of few values (so runs of repeats
  /// come often, some of them at the end, as long as `noticed` or one short), with both zeros,
  /// which compare equal.
  @Test(arguments: 0..<40) func readingTheLastRowsFirstNamesWhatTheWholeReadNames(seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    let rows = Int.random(in: 1...60, using: &random)
    let palette: [Float] = [0, -0, 1, 2]
    let columns = (0..<3).map { _ in
      var column = (0..<rows).map { _ in palette.randomElement(using: &random)! }
      let tail = min(rows, Int.random(in: 3...8, using: &random))
      for r in rows - tail..<rows { column[r] = column[rows - tail] }
      return column
    }
    let whole = try frame(columns)
    for carried in [[], [0], [1, 2]] as [Set<Int>] {
      var tracker = StaleValues.Tracker(featureCount: 3)
      tracker.add(whole)
      #expect(StaleValues.atEnd(of: whole, besides: carried) == tracker.atEnd(besides: carried), "carried \(carried)")
    }
  }

  /// What a stream found over its pieces follows its feature when the frame is narrowed.
  @Test func narrowingKeepsEachStaleFeatureItsOwn() throws {
    var loaded = LoadedFrame(frame: try frame([[1, 2], [3, 4]]), origin: "x.csv", rowsRead: 2)
    loaded.staleOverPieces = [GapPolicy.Carry(feature: 1, rows: 9, after: 0, from: 86_400)]
    #expect(loaded.selecting(features: [1]).staleToEnd.map(\.feature) == [0])
    #expect(loaded.selecting(features: [0]).staleToEnd.isEmpty)
  }

  /// A stream's pieces, read one after another, give what the whole series gives.
  @Test func piecesGiveWhatTheWholeGives() throws {
    var a: [Float] = (0..<40).map { Float($0 % 9) }
    for r in 5...8 { a[r] = a[4] }
    for r in 30...39 { a[r] = a[29] }
    let b: [Float] = (0..<40).map { Float($0) }
    let whole = try frame([a, b])
    let expected = StaleValues.atEnd(of: whole)
    #expect(expected == [GapPolicy.Carry(feature: 0, rows: 10, after: 29 * 86_400, from: 30 * 86_400)])
    for size in [1, 3, 7, 40] {
      var tracker = StaleValues.Tracker(featureCount: 2)
      for start in stride(from: 0, to: 40, by: size) { tracker.add(whole.rows(start..<min(start + size, 40))) }
      #expect(tracker.atEnd() == expected, "pieces of \(size)")
    }
  }
}
