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

  /// How many of `frame`'s rows lie within the training rows' times (none of numbered rows).
  public func inSampleCount(_ frame: Frame) -> Int {
    frame.timeKind == .calendar ? frame.timestamps.count { (first...last).contains($0) } : 0
  }

  /// Whether row `row` of `frame` lies within the training rows' times.
  func isInSample(_ frame: Frame, row: Int) -> Bool {
    frame.timeKind == .calendar && (first...last).contains(frame.timestamps[row])
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

extension TrainingRows {
  /// What scoring learns of the scored rows against a model's training rows, all at once or a
  /// piece at a time: their spacing, judged by the first piece with enough rows
  /// (`RowSpacing.fewest`), and how many are in sample, over every row or among the last
  /// `lastRows` (those `--in-last` judges).
  public struct Tally: Sendable {
    let training: TrainingRows
    /// The model's detector plugin, as the spacing warning names it.
    let detector: String
    let lastRows: Int?
    private var spacingJudged = false
    private var rows = 0
    private var inSample = 0
    /// Whether each of the last `lastRows` rows counted is in sample.
    private var lastInSample: [Bool] = []

    public init(_ training: TrainingRows, detector: String, lastRows: Int?) {
      (self.training, self.detector, self.lastRows) = (training, detector, lastRows)
    }

    /// Counts `frame`'s rows (the next piece); returns the spacing warning when this is the
    /// first piece that can judge it (it has a spacing) and it is spaced otherwise.
    public mutating func count(_ frame: Frame) -> String? {
      rows += frame.rowCount
      inSample += training.inSampleCount(frame)
      if let lastRows {
        lastInSample += (max(0, frame.rowCount - lastRows)..<frame.rowCount).map { training.isInSample(frame, row: $0) }
        lastInSample.removeFirst(max(0, lastInSample.count - lastRows))
      }
      guard !spacingJudged, let scored = RowSpacing(of: frame, rows: 0..<frame.rowCount) else { return nil }
      spacingJudged = true
      return training.spacing.warning(scoring: scored, detector: detector)
    }

    /// The warning of the rows counted that are in sample (of the last `lastRows`, when given);
    /// `frame` shows the times as the scored data writes them.
    public func inSampleWarning(shownAs frame: Frame) -> String? {
      lastRows == nil
        ? training.inSampleWarning(inSample, of: rows, shownAs: frame)
        : training.inSampleWarning(lastInSample.count { $0 }, of: lastInSample.count, atEnd: true, shownAs: frame)
    }
  }
}
