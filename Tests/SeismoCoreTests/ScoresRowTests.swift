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
}
