import Testing

@testable import SeismoCore

@Suite struct ScoresRowTests {
  @Test func scoresAreAddressedByFrameRow() {
    let scores = Scores(firstRow: 3, values: [1, 2, 5], featureErrors: [1, 2, 5], featureCount: 1)
    #expect(scores.rows == 3..<6)
    #expect(scores.row(0) == 3 && scores.row(2) == 5)
    #expect(scores.index(ofRow: 2) == nil, "a warm-up row")
    #expect(scores.index(ofRow: 4) == 1)
    #expect(scores.index(ofRow: 6) == nil, "past the last score")
  }

  /// A row's top feature is its largest error's, the first of equal ones.
  @Test func theTopFeatureIsTheFirstLargestError() {
    let scores = Scores(
      firstRow: 0, values: [3, 3, 4, 2], featureErrors: [1, 3, 3, 2, 3, 2, 1, 1, 0, 0, 0, 4, 2, 2, 2, 2], featureCount: 4)
    #expect((0..<4).map(scores.topFeature(at:)) == [1, 0, 3, 0])
    let one = Scores(firstRow: 0, values: [7, 1], featureErrors: [7, 1], featureCount: 1)
    #expect(one.topFeature(at: 1) == 0)
  }
}
