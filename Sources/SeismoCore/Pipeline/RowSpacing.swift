/// The typical time between consecutive rows: the median gap, in seconds. Daily market data is
/// a day apart (a weekend's three days are the exception, not the median), weekly data seven.
///
/// A detector reads patterns over a number of rows. A model fitted on weekly rows that scores
/// daily ones reads ten days as if they were ten weeks, and a day's change is measured against
/// weeks' changes: its scores and threshold mean something else, and nothing else says so. A
/// saved model keeps its training rows' spacing, and scoring rows spaced otherwise warns.
public struct RowSpacing: Sendable, Equatable {
  /// The median gap between consecutive rows, in seconds (positive).
  public let seconds: Int64

  /// Spacings this many times apart, or more, are warned about: beyond the jitter of one
  /// sampling (a month of 28 to 31 days), and well below the factor of 7 between daily and
  /// weekly rows.
  static let noticed: Double = 2

  /// The fewest rows whose spacing is judged: fewer say little (a weekend is one of the two
  /// gaps of three days' rows).
  public static let fewest = 10

  public init?(seconds: Int64) {
    guard seconds > 0 else { return nil }
    self.seconds = seconds
  }

  /// The most gaps a spacing is the median of: the last ones of a longer run of rows, so that
  /// judging 10 million rows sorts 10,000 numbers, not 10 million. Consecutive, not spread at a
  /// stride, which could fall on every Monday or every overnight gap.
  static let sampledGaps = 10_000

  /// The spacing of `rows` of `frame`: the lower median of their gaps (of the last `sampledGaps`
  /// of them, when there are more); nil when the frame's rows are numbered (no time column) or
  /// fewer than `fewest`.
  public init?(of frame: Frame, rows: Range<Int>) {
    guard frame.timeKind == .calendar else { return nil }
    self.init(times: frame.timestamps[rows])
  }

  /// The spacing of rows at `times` (ascending, in seconds): the lower median of their gaps (of
  /// the last `sampledGaps` of them, when there are more); nil when there are fewer than
  /// `fewest` times.
  public init?(times: ArraySlice<Timestamp>) {
    guard times.count >= Self.fewest else { return nil }
    let recent = times.suffix(Self.sampledGaps + 1)
    var gaps = zip(recent.dropFirst(), recent).map { $0 - $1 }
    gaps.sort()
    self.init(seconds: gaps[(gaps.count - 1) / 2])
  }

  /// The spacing in words, in the largest unit that counts it whole (`7 days`, `36 hours`, `5
  /// minutes`), or in days to one decimal when hours do not (`1.4 days`).
  public var description: String {
    let units: [(seconds: Int64, name: String)] = [(86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second")]
    if seconds >= 86_400, seconds % 3_600 != 0 {
      return "\((Double(seconds) / 86_400 * 10).rounded() / 10) days"
    }
    let unit = units.first { seconds % $0.seconds == 0 }!  // a second divides every spacing
    let count = seconds / unit.seconds
    return "\(count) \(unit.name)\(count == 1 ? "" : "s")"
  }

  /// Whether `other` is this spacing times `noticed` or more, or divided by it.
  func differs(from other: RowSpacing) -> Bool {
    Double(max(seconds, other.seconds)) / Double(min(seconds, other.seconds)) >= Self.noticed
  }

  /// The warning for `scored` rows spaced otherwise than this, a saved model's training rows';
  /// nil when they are alike. `detector` names the model's plugin, `rows` the scored ones.
  public func warning(scoring scored: RowSpacing, detector: String, rows: String = "the scored rows") -> String? {
    guard differs(from: scored) else { return nil }
    return
      "warning: the model (\(detector)) was fitted on rows \(description) apart, and \(rows) are \(scored.description) apart (medians): it reads a number of rows at a time, so its scores and threshold mean something else here; score rows sampled as its training rows were"
  }

  /// The warning for a run's `test` rows spaced otherwise than this, its training rows'
  /// (weekly history before daily recent rows, say); nil when they are alike.
  func warning(test: RowSpacing) -> String? {
    guard differs(from: test) else { return nil }
    return
      "warning: the training rows lie \(description) apart, and the test rows \(test.description) apart (medians): a detector reads a number of rows at a time, so it scores the test rows by patterns of another span; split where the sampling changes, or give rows sampled alike"
  }
}
