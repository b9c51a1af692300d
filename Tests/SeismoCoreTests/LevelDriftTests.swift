import Testing

@testable import SeismoCore

/// `LevelDrift` counts the test rows of each feature outside its training rows' range, by hand.
@Suite struct LevelDriftTests {
  /// The drift of the rows after `trainRows` against the range of those before.
  func drifts(_ frame: Frame, trainRows: Int) -> [LevelDrift] {
    guard trainRows > 0 else { return [] }
    return LevelDrift.of(frame, rows: trainRows..<frame.rowCount, outside: LevelDrift.ranges(of: frame, rows: 0..<trainRows))
  }

  /// Rows 0–5 train, 6–9 test. a: 1 of 4 test rows outside [0, 5] (25 %, reported); b: none;
  /// c: 2 below, 1 above, 1 inside.
  @Test func testRowsOutsideTheTrainingRangeAreCounted() throws {
    let a: [Float] = [0, 5, 1, 2, 3, 4, 5, 6, 0, 2]
    let b: [Float] = [1, 2, 3, 4, 5, 6, 1, 6, 3.5, 2]
    let c: [Float] = [10, 20, 15, 12, 18, 11, 9, 21, 15, -3]
    let frame = try Frame(
      timestamps: (0..<10).map { Timestamp($0) * 86_400 }, featureNames: ["a", "b", "c"],
      values: (0..<10).flatMap { [a[$0], b[$0], c[$0]] })
    let drift = drifts(frame, trainRows: 6)
    #expect(
      drift == [
        LevelDrift(feature: 0, outside: 1, rows: 4, range: 0...5),
        LevelDrift(feature: 2, outside: 3, rows: 4, range: 10...20),
      ])
    #expect(
      drift[1].warning(frame, detector: "lstm-forecaster")
        == "warning: c: 3 of 4 test rows lie outside its training range (10 to 20); lstm-forecaster models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes"
    )
    // Rows 0–4 train: a has 1 of 5 outside (6), under a quarter; b 2 of 5 (6, 6); c 3 of 5.
    #expect(drifts(frame, trainRows: 5).map(\.outside) == [2, 3])
    #expect(drifts(frame, trainRows: 5).map(\.feature) == [1, 2])
    // Rows a saved model scores, against its ranges: c's 9, 21 and -3 of rows 5–9.
    #expect(LevelDrift.of(frame, rows: 5..<10, outside: [0...100, 0...100, 10...20]).map(\.outside) == [3])
    #expect(LevelDrift.of(frame, rows: 5..<10, outside: [0...100]).isEmpty, "ranges of other features")
    // No test rows, no drift.
    #expect(drifts(frame, trainRows: 10).isEmpty)
    #expect(LevelDrift.shown(1_234_567) == "1.235e+06" && LevelDrift.shown(0.5) == "0.5" && LevelDrift.shown(80) == "80")
  }
}
