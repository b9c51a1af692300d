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

  @Test func aboutFivePercentOfTrainingScoresLieAbove() throws {
    let scores = (0..<1000).map { Float($0) }
    let cut = try PercentileThreshold(percentile: 95).calibrate(trainingScores: scores)
    #expect(scores.filter { $0 > cut }.count == 50)
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
