import Testing

@testable import SeismoCore

/// `RowSpacing`: the median gap between rows, and the warning when scored rows are spaced
/// otherwise than a model's training rows, checked by hand.
@Suite struct RowSpacingTests {
  /// A frame of one feature at `days` (days since 1970, or row numbers for `.index`).
  func frame(_ days: [Int64], _ kind: Frame.TimeKind = .calendar) throws -> Frame {
    try Frame(
      timestamps: days.map { kind == .calendar ? $0 * 86_400 : $0 }, timeKind: kind, featureNames: ["x"],
      values: days.map { _ in 1 })
  }

  /// Business days Monday 2020-01-06 to Friday 2020-01-17 (a weekend between): gaps of 1, 1, 1,
  /// 1, 3, 1, 1, 1, 1 days, whose median is 1 day; weekly rows are 7 days. Numbered rows, and
  /// fewer than 10 rows, have no spacing.
  @Test func theMedianGapIsTheSpacing() throws {
    let business: [Int64] = [18_267, 18_268, 18_269, 18_270, 18_271, 18_274, 18_275, 18_276, 18_277, 18_278]
    let daily = try #require(RowSpacing(of: frame(business), rows: 0..<10))
    #expect(daily.seconds == 86_400 && daily.description == "1 day")
    // Two weekends among 10 rows (gaps 1, 1, 1, 1, 3, 1, 1, 1, 1, 3 sorted: 1 ×8, 3 ×2) and an
    // even count of gaps: the lower median, 1 day.
    let twoWeekends = business + [18_281]
    #expect(RowSpacing(of: try frame(twoWeekends), rows: 0..<11)?.seconds == 86_400)
    // Gaps of 1 day ×4 and 3 days ×5: the median is 3 days.
    let sparse: [Int64] = [0, 1, 2, 3, 4, 7, 10, 13, 16, 19]
    #expect(RowSpacing(of: try frame(sparse), rows: 0..<10)?.seconds == 3 * 86_400)
    let weekly = try #require(RowSpacing(of: frame((0..<10).map { 18_267 + 7 * $0 }), rows: 0..<10))
    #expect(weekly.description == "7 days")
    #expect(RowSpacing(of: try frame(Array(0..<10), .index), rows: 0..<10) == nil)
    #expect(RowSpacing(of: try frame(business), rows: 4..<7) == nil, "three rows say little")
    // A long series is judged by its last 10,000 gaps: 30,000 business days' 1 day, however
    // their weekends fall.
    let long: [Int64] = (0..<30_000).map { (day: Int) -> Int64 in Int64(day / 5 * 7 + day % 5) }
    #expect(RowSpacing(of: try frame(long), rows: 0..<30_000)?.seconds == 86_400)
    #expect(RowSpacing(seconds: 0) == nil)
    let words: [(Int64, String)] = [
      (1, "1 second"), (90, "90 seconds"), (300, "5 minutes"), (5_400, "90 minutes"), (3_600, "1 hour"),
      (129_600, "36 hours"), (120_960, "1.4 days"), (2_592_000, "30 days"),
    ]
    for (seconds, text) in words { #expect(RowSpacing(seconds: seconds)?.description == text, "\(seconds)") }
  }

  /// Weekly against daily rows (7×) warns, either way round; rows 1.5× apart (a month of 28
  /// days against one of 42, say) do not; 2× does.
  @Test func spacingsTwiceApartOrMoreAreWarnedAbout() throws {
    let day = try #require(RowSpacing(seconds: 86_400))
    let week = try #require(RowSpacing(seconds: 7 * 86_400))
    #expect(
      week.warning(scoring: day, detector: "lstm-autoencoder")
        == "warning: the model (lstm-autoencoder) was fitted on rows 7 days apart, and the scored rows are 1 day apart (medians): it reads a number of rows at a time, so its scores and threshold mean something else here; score rows sampled as its training rows were"
    )
    #expect(
      day.warning(scoring: week, detector: "x")?.contains("fitted on rows 1 day apart, and the scored rows are 7 days") == true)
    #expect(day.warning(scoring: day, detector: "x") == nil)
    #expect(day.warning(scoring: try #require(RowSpacing(seconds: 129_600)), detector: "x") == nil)
    #expect(day.warning(scoring: try #require(RowSpacing(seconds: 172_800)), detector: "x") != nil)
    #expect(
      week.warning(test: day)?.hasPrefix("warning: the training rows lie 7 days apart, and the test rows 1 day apart") == true)
    #expect(day.warning(test: try #require(RowSpacing(seconds: 129_600))) == nil)
  }

  /// `TrainingRows` counts the scored rows within the training rows' times, ends included, and
  /// warns of them; numbered rows are never in sample.
  @Test func rowsWithinTheTrainingTimesAreInSample() throws {
    let training = try #require(TrainingRows(of: frame(Array(10...25)), rows: 1..<11))  // days 11–20
    #expect(training.first == 11 * 86_400 && training.last == 20 * 86_400 && training.spacing.seconds == 86_400)
    let scored = try frame([9, 10, 11, 15, 20, 21, 30])
    #expect(training.inSampleCount(scored) == 3)
    #expect(training.inSampleCount(try frame([11, 12, 13], .index)) == 0)
    #expect(
      training.inSampleWarning(3, of: 7, shownAs: scored)
        == "warning: 3 of the 7 rows fall within the times of the rows the model was fitted on (1970-01-12 – 1970-01-21): if they are those rows, their scores are in sample, where it learned what is normal, and seldom stand out; it judges afresh after 1970-01-21"
    )
    #expect(training.inSampleWarning(0, of: 7, shownAs: scored) == nil)
    #expect(TrainingRows(first: 5, last: 5, spacing: training.spacing) == nil)
    let weekly = try frame((0..<10).map { 7 * $0 })
    func spacingWarning(_ scored: Frame) -> String? {
      var tally = TrainingRows.Tally(training, detector: "d", lastRows: nil)
      return tally.count(scored)
    }
    #expect(spacingWarning(weekly)?.contains("7 days apart") == true)
    #expect(spacingWarning(try frame([0, 7, 14])) == nil, "three rows say little")
  }

  /// A tally over pieces says what one over the whole says: the spacing once, from the first
  /// piece of 10 rows or more, and the rows in sample, all of them or among the last few.
  @Test func aTallyOverPiecesSaysWhatTheWholeSays() throws {
    let training = try #require(TrainingRows(of: frame(Array(0...19)), rows: 0..<20))  // days 0–19, daily
    let weekly: [Int64] = (0..<30).map { 7 * $0 }  // days 0–203: 3 of them (0, 7, 14) in sample
    let whole = try frame(weekly)
    var once = TrainingRows.Tally(training, detector: "d", lastRows: nil)
    let spacing = once.count(whole)
    #expect(spacing?.contains("fitted on rows 1 day apart, and the scored rows are 7 days apart") == true)
    #expect(once.inSampleWarning(shownAs: whole)?.hasPrefix("warning: 3 of the 30 rows fall within") == true)
    var pieces = TrainingRows.Tally(training, detector: "d", lastRows: nil)
    #expect(pieces.count(try frame(Array(weekly[0..<4]))) == nil, "4 rows say nothing of their spacing")
    #expect(pieces.count(try frame(Array(weekly[4..<16]))) == spacing)
    #expect(pieces.count(try frame(Array(weekly[16...]))) == nil, "said once")
    #expect(pieces.inSampleWarning(shownAs: whole) == once.inSampleWarning(shownAs: whole))
    // The last rows only: the last 28 hold day 14 (1 in sample); the last 27 none.
    for (last, said) in [(28, "warning: 1 of the last 28 rows fall within"), (27, nil)] {
      var tail = TrainingRows.Tally(training, detector: "d", lastRows: last)
      _ = tail.count(try frame(Array(weekly[0..<20])))
      _ = tail.count(try frame(Array(weekly[20...])))
      #expect(tail.inSampleWarning(shownAs: whole).map { String($0.prefix(said?.count ?? 0)) } == said, "\(last)")
    }
  }
}
