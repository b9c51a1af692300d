/// The rows a model was fitted on, as scoring with it needs to know them: their first and last
/// time, and their spacing. A saved model keeps them, so `score` can say when the rows it scores
/// are spaced otherwise (`RowSpacing`), or are rows the model was fitted on: their scores are in
/// sample, where the model learned what is normal, and seldom stand out.
public struct TrainingRows: Sendable, Equatable {
  public let first: Timestamp
  public let last: Timestamp
  public let spacing: RowSpacing

  /// `rows` of `frame`; nil when its rows are numbered (no time column) or too few to have a
  /// spacing (`RowSpacing.fewest`).
  public init?(of frame: Frame, rows: Range<Int>) {
    guard let spacing = RowSpacing(of: frame, rows: rows) else { return nil }
    self.init(first: frame.timestamps[rows.lowerBound], last: frame.timestamps[rows.upperBound - 1], spacing: spacing)
  }

  /// Nil unless `first` is before `last`, as a model file must say them.
  public init?(first: Timestamp, last: Timestamp, spacing: RowSpacing) {
    guard first < last else { return nil }
    (self.first, self.last, self.spacing) = (first, last, spacing)
  }

  /// The warning for scored rows (`frame`, or its first piece) spaced otherwise; nil when they
  /// are alike, or have no spacing. `detector` names the model's plugin.
  public func spacingWarning(scoring frame: Frame, detector: String) -> String? {
    RowSpacing(of: frame, rows: 0..<frame.rowCount).flatMap { spacing.warning(scoring: $0, detector: detector) }
  }

  /// How many of `rows` of `frame` (all of them by default) lie within the training rows'
  /// times (none of numbered rows).
  public func inSampleCount(_ frame: Frame, rows: Range<Int>? = nil) -> Int {
    guard frame.timeKind == .calendar else { return 0 }
    return (rows ?? 0..<frame.rowCount).count { (first...last).contains(frame.timestamps[$0]) }
  }

  /// The warning that `inSample` of the `rows` scored (`atEnd`: the last rows, those
  /// `--in-last` judges) lie within the training rows' times; nil for none. `frame` shows the
  /// times as the scored data writes them.
  public func inSampleWarning(_ inSample: Int, of rows: Int, atEnd: Bool = false, shownAs frame: Frame) -> String? {
    guard inSample > 0 else { return nil }
    let span = "\(frame.formatTimestamp(first)) – \(frame.formatTimestamp(last))"
    return
      "warning: \(inSample) of the \(atEnd ? "last " : "")\(rows) rows fall within the times of the rows the model was fitted on (\(span)): if they are those rows, their scores are in sample, where it learned what is normal, and seldom stand out; it judges afresh after \(frame.formatTimestamp(last))"
  }
}
