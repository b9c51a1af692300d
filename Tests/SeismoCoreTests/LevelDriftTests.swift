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
      LevelDrift.warnings(drift, names: frame.featureNames, detector: "lstm-forecaster", judged: "test rows") == [
        "warning: a: 1 of 4 test rows lie outside its training range (0 to 5); lstm-forecaster models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes",
        "warning: c: 3 of 4 test rows lie outside its training range (10 to 20); lstm-forecaster models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes",
      ])
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

  /// Up to 3 drifting features are warned of one by one; more share one warning naming each with
  /// its count (and range, or none for walk-forward folds), so a wide set's warnings do not bury
  /// the others.
  @Test func manyDriftingFeaturesShareOneWarning() {
    let names = ["a", "b", "c", "d", "e"]
    let four = (0..<4).map { LevelDrift(feature: $0, outside: 10 + $0, rows: 40, range: Float($0)...Float($0 + 1)) }
    #expect(LevelDrift.warnings(Array(four.prefix(3)), names: names, detector: "x", judged: "test rows").count == 3)
    #expect(
      LevelDrift.warnings(four, names: names, detector: "lstm-forecaster", judged: "scored rows") == [
        "warning: 4 of 5 features have a quarter or more of their 40 scored rows outside their training range: a 10 (0 to 1), b 11 (1 to 2), c 12 (2 to 3), d 13 (3 to 4); lstm-forecaster models levels (transform: level), so it may flag them for that alone: transform: diff or log_return models changes"
      ])
    let folds = four.map { LevelDrift(feature: $0.feature, outside: $0.outside, rows: 40, range: nil) }
    #expect(
      LevelDrift.warnings(folds, names: names, detector: "x", judged: "test rows")[0].hasPrefix(
        "warning: 4 of 5 features have a quarter or more of their 40 test rows outside the training range of the fold that scored them: a 10, b 11, c 12, d 13; x models"
      ))
  }

  /// Walk-forward folds judge their test rows by their own training rows. x rises to a new high
  /// every fourth row: folds train on rows 0–3, 0–5 (expanding) or 2–5 (rolling), and test the
  /// next two. Expanding: rows 4–5 against [1, 4] have 5 outside; 6–7 against [1, 5]: 6.
  @Test func walkForwardFoldsAreJudgedByTheirOwnTrainingRows() throws {
    let x: [Float] = [1, 3, 2, 4, 5, 3, 6, 4]
    let frame = try Frame(timestamps: (0..<8).map { Timestamp($0) * 86_400 }, featureNames: ["x"], values: x)
    let expanding = [Fold(trainStart: 0, trainEnd: 4, scoreEnd: 6), Fold(trainStart: 0, trainEnd: 6, scoreEnd: 8)]
    #expect(LevelDrift.foldRanges(of: frame, feature: 0, folds: expanding) == [1...4, 1...5])
    #expect(LevelDrift.of(frame, folds: expanding) == [LevelDrift(feature: 0, outside: 2, rows: 4, range: nil)])
    let rolling = [Fold(trainStart: 0, trainEnd: 4, scoreEnd: 6), Fold(trainStart: 2, trainEnd: 6, scoreEnd: 8)]
    #expect(LevelDrift.foldRanges(of: frame, feature: 0, folds: rolling) == [1...4, 2...5])
    #expect(
      LevelDrift.warnings(LevelDrift.of(frame, folds: rolling), names: ["x"], detector: "lstm-autoencoder", judged: "test rows")[
        0
      ].hasPrefix("warning: x: 2 of 4 test rows lie outside the training range of the fold that scored them; lstm-autoencoder"))
    // One fold is judged as before, with its range.
    #expect(
      LevelDrift.of(frame, folds: [Fold(trainStart: 0, trainEnd: 4, scoreEnd: 8)])
        == [LevelDrift(feature: 0, outside: 2, rows: 4, range: 1...4)])

    // The one-pass ranges equal each fold's range computed directly, for random series and folds.
    var state: UInt64 = 7
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % bound
    }
    for _ in 0..<50 {
      let rows = 20 + next(80)
      let values = (0..<rows).map { _ in Float(next(1000)) / 10 }
      let series = try Frame(timestamps: (0..<rows).map { Timestamp($0) * 60 }, featureNames: ["v"], values: values)
      var folds: [Fold] = []
      var (start, end) = (0, 1 + next(10))
      while end < rows {
        let score = min(rows, end + 1 + next(10))
        folds.append(Fold(trainStart: start, trainEnd: end, scoreEnd: score))
        start = min(end - 1, start + next(5))
        end = score
      }
      let direct = folds.map { LevelDrift.ranges(of: series, rows: $0.trainStart..<$0.trainEnd)[0] }
      #expect(LevelDrift.foldRanges(of: series, feature: 0, folds: folds) == direct)
    }
  }
}
