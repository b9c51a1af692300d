import Testing

@testable import SeismoCore

@Suite struct ForecastPairsTests {
  @Test func windowsAndTheirNextRowsByHand() throws {
    // Two features, four rows: (1, 10), (2, 20), (4, 40), (8, 80); windows of 2.
    let values: [Float] = [1, 10, 2, 20, 4, 40, 8, 80]
    let plain = try ForecastPairs(values: values, featureCount: 2, length: 2, relativeToFirst: false, context: "d")
    #expect(plain.count == 2)
    #expect(plain.inputs == [1, 10, 2, 20, 2, 20, 4, 40])
    #expect(plain.targets == [4, 40, 8, 80])
    // Relative to each window's first row: p / p₀ − 1.
    let relative = try ForecastPairs(values: values, featureCount: 2, length: 2, relativeToFirst: true, context: "d")
    #expect(relative.inputs == [0, 0, 1, 1, 0, 0, 1, 1])
    #expect(relative.targets == [3, 3, 3, 3])
    #expect(RelativeToFirst.apply([2, 20, 4, 40], featureCount: 2) == [0, 0, 1, 1])
    #expect(RelativeToFirst.restore([3, 3], base: [2, 20]) == [8, 80])
    #expect(throws: SeismoError.invalidInput("d has 2 rows; a window of 2 and its next row need 3")) {
      try ForecastPairs(values: [1, 2, 3, 4], featureCount: 2, length: 2, relativeToFirst: false, context: "d")
    }
    #expect(
      throws: SeismoError.invalidInput(
        "d: normalization 'window' divides by each window's first value, and row 2 is 0")
    ) {
      try ForecastPairs(values: [1, 0, 3, 4], featureCount: 1, length: 2, relativeToFirst: true, context: "d")
    }
  }
}
