import Testing

@testable import SeismoCore

/// The mean absolute scaled error (MASE) of a forecaster against the naive forecast, worked by hand.
@Suite struct ForecastSkillTests {
  @Test func maseIsTheErrorsSummedOverTheNaiveForecasts() {
    // Two features, three scored rows; the first is training, so rows 1 and 2 count.
    let scores = Scores(firstRow: 4, values: [0, 0, 0], featureErrors: [9, 9, 1, 2, 3, 4], featureCount: 2)
    let naive = Scores(firstRow: 4, values: [0, 0, 0], featureErrors: [1, 1, 2, 2, 1, 4], featureCount: 2)
    let skill = ForecastSkill(scores: scores, naive: naive, rows: 1..<3)
    #expect(skill.errors == [4, 6] && skill.naiveErrors == [3, 6] && skill.rows == 2)
    #expect(skill.ratio == 10.0 / 9 && skill.ratio(ofFeature: 0) == 4.0 / 3 && skill.ratio(ofFeature: 1) == 1)
    // Folds add their sums, each in its own units.
    let both = skill.adding(ForecastSkill(errors: [2, 0], naiveErrors: [1, 0], rows: 1))
    #expect(both.errors == [6, 6] && both.naiveErrors == [4, 6] && both.rows == 3 && both.ratio == 12.0 / 10)
    // A feature the naive forecast got exactly (a constant one) has no ratio.
    let constant = ForecastSkill(errors: [1, 0.5], naiveErrors: [2, 0], rows: 5)
    #expect(constant.ratio(ofFeature: 1) == nil && constant.ratio == 0.75)
    #expect(ForecastSkill(errors: [0], naiveErrors: [0], rows: 1).ratio == nil)
  }

  /// Twice the naive forecast's errors or more is warned of, the worst features first, with the
  /// transform that models changes for a model of levels.
  @Test func errorsTwiceTheNaiveForecastsAreWarnedOf() {
    let names = ["vix", "nasdaq", "yield", "gold"]
    let bad = ForecastSkill(errors: [10, 40, 80, 10], naiveErrors: [10, 10, 10, 40], rows: 228)
    #expect(
      bad.warning(names: names, detector: "lstm-forecaster", learnsLevels: true)
        == "warning: lstm-forecaster's forecast errors on the 228 test rows are 2.0 times those of repeating each last value (MASE; yield 8.0, nasdaq 4.0, vix 1.0, …): its scores are its own failures to forecast more than the data's surprises, so its flags mark where it forecasts badly: transform: diff or log_return models the changes, which a model of levels cannot forecast beyond the levels it was fitted on"
    )
    #expect(bad.warning(names: names, detector: "f", learnsLevels: false)?.hasSuffix("where it forecasts badly") == true)
    let one = ForecastSkill(errors: [3], naiveErrors: [1], rows: 5)
    #expect(
      one.warning(names: ["x"], detector: "f", learnsLevels: false)?.contains(
        "3.0 times those of repeating each last value (MASE):") == true)
    let fair = ForecastSkill(errors: [10, 39.9, 80, 10], naiveErrors: [10, 10, 10, 40], rows: 228)
    #expect(fair.ratio! < 2 && fair.warning(names: names, detector: "f", learnsLevels: true) == nil)
  }
}
