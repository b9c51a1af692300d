/// A multivariate time series: timestamps plus named `Float` feature columns on one time axis.
///
/// Values are stored row-major, `values[row * featureCount + feature]`, so a run of consecutive
/// rows is already a contiguous `(time, features)` block, the layout windows and LSTM batches use.
/// Timestamps are strictly increasing and every value is finite; `init` checks both.
public struct Frame: Sendable, Equatable {
  /// One timestamp per row, strictly increasing. For data without a time column these are the
  /// row numbers 0, 1, 2, … and `timeKind` is `.index`.
  public private(set) var timestamps: [Timestamp]
  /// Whether `timestamps` are calendar times or plain row numbers.
  public let timeKind: TimeKind
  /// Feature (column) names, unique.
  public var featureNames: [String] { featureNamesStorage }
  private var featureNamesStorage: [String]
  /// Row-major values, `rowCount * featureCount` of them.
  public private(set) var values: [Float]

  /// How the time axis is to be read and printed.
  public enum TimeKind: String, Sendable, Codable {
    /// Seconds since the Unix epoch, UTC.
    case calendar
    /// Row numbers; the input had no time column.
    case index
  }

  public var rowCount: Int { timestamps.count }
  public var featureCount: Int { featureNames.count }

  /// Creates a frame, checking shape, unique names, strictly increasing time and finite values.
  /// - Parameter source: named in error messages (a file path or table name).
  public init(
    timestamps: [Timestamp], timeKind: TimeKind = .calendar, featureNames: [String], values: [Float],
    source: String = "frame"
  ) throws {
    guard !featureNames.isEmpty else { throw SeismoError.invalidInput("\(source): no feature columns selected") }
    guard values.count == timestamps.count * featureNames.count else {
      throw SeismoError.invalidInput(
        "\(source): \(values.count) values do not fill \(timestamps.count) rows × \(featureNames.count) features")
    }
    var seen = Set<String>()
    for name in featureNames where !seen.insert(name).inserted {
      throw SeismoError.invalidInput("\(source): feature '\(name)' appears more than once")
    }
    for row in 1..<max(timestamps.count, 1) where timestamps[row] <= timestamps[row - 1] {
      throw SeismoError.invalidInput(
        "\(source): timestamps are not strictly increasing at row \(row + 1) (\(Self.format(timestamps[row], timeKind)))")
    }
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      let row = bad / featureNames.count
      throw SeismoError.invalidInput(
        "\(source): value of '\(featureNames[bad % featureNames.count])' at \(Self.format(timestamps[row], timeKind)) is not finite"
      )
    }
    self.timestamps = timestamps
    self.timeKind = timeKind
    self.featureNamesStorage = featureNames
    self.hasTimeOfDay = Self.anyTimeOfDay(timestamps, timeKind)
    self.values = values
  }

  /// The value of `feature` at `row`.
  public subscript(row: Int, feature: Int) -> Float {
    get { values[row * featureCount + feature] }
    set { values[row * featureCount + feature] = newValue }
  }

  /// One feature as a column vector.
  public func column(_ feature: Int) -> [Float] {
    (0..<rowCount).map { values[$0 * featureCount + feature] }
  }

  /// Throws unless this frame has exactly `names`, in order (a model trained on other features
  /// cannot score it).
  public func requireFeatures(_ names: [String], for what: String) throws {
    guard featureNames != names else { return }
    throw featureMismatch(names, for: what)
  }

  /// The error for data whose features are not `names`, the ones `what` was trained on.
  public func featureMismatch(_ names: [String], for what: String) -> SeismoError {
    .invalidInput(
      "\(what) was trained on features [\(names.joined(separator: ", "))] but the data has [\(featureNames.joined(separator: ", "))]"
    )
  }

  /// The index of a feature by name.
  public func featureIndex(_ name: String) -> Int? { featureNames.firstIndex(of: name) }

  /// Rows `range` as a new frame (values copied, unless `range` is every row).
  public func rows(_ range: Range<Int>) -> Frame {
    if range == 0..<rowCount { return self }
    var copy = self
    copy.timestamps = Array(timestamps[range])
    copy.hasTimeOfDay = Self.anyTimeOfDay(copy.timestamps, timeKind)
    copy.values = Array(values[range.lowerBound * featureCount..<range.upperBound * featureCount])
    return copy
  }

  /// This frame with `other`'s rows after its own (same features and time axis). Throws unless
  /// time still strictly increases across the seam; `source` is named in the error.
  public func appending(_ other: Frame, source: String) throws -> Frame {
    try Frame(
      timestamps: timestamps + other.timestamps, timeKind: timeKind, featureNames: featureNames,
      values: values + other.values, source: source)
  }

  /// Features `features` (indices, in the order given) as a frame of their own (same time axis).
  public func selecting(features: [Int]) -> Frame {
    var copy = self
    copy.featureNamesStorage = features.map { featureNames[$0] }
    copy.values = []
    copy.values.reserveCapacity(rowCount * features.count)
    for row in 0..<rowCount {
      for feature in features { copy.values.append(values[row * featureCount + feature]) }
    }
    return copy
  }

  /// One feature as a frame of its own (same time axis).
  public func selecting(feature: Int) -> Frame { selecting(features: [feature]) }

  /// Replaces one feature column (length `rowCount`), e.g. with a permuted copy.
  public func replacingColumn(_ feature: Int, with column: [Float]) -> Frame {
    precondition(column.count == rowCount, "column length must equal rowCount")
    var copy = self
    for row in 0..<rowCount { copy.values[row * featureCount + feature] = column[row] }
    return copy
  }

  /// A timestamp as users read it: a date, a date and time, or a row number.
  public func formatTimestamp(_ t: Timestamp) -> String { Self.format(t, timeKind, withTime: hasTimeOfDay) }

  /// Whether any timestamp has a time of day (then all are printed with one). Computed once.
  public private(set) var hasTimeOfDay: Bool

  private static func anyTimeOfDay(_ timestamps: [Timestamp], _ kind: TimeKind) -> Bool {
    kind == .calendar && timestamps.contains { $0 % 86_400 != 0 }
  }

  static func format(_ t: Timestamp, _ kind: TimeKind, withTime: Bool? = nil) -> String {
    switch kind {
    case .index: return String(t)
    case .calendar: return withTime.map { CivilTime.format(t, withTime: $0) } ?? CivilTime.format(t)
    }
  }

  /// `format`'s UTF-8 bytes appended to `bytes`.
  static func append(_ t: Timestamp, _ kind: TimeKind, withTime: Bool, to bytes: inout [UInt8]) {
    switch kind {
    case .index: CivilTime.pad(Int(t), 1, &bytes)
    case .calendar: CivilTime.append(t, withTime: withTime, to: &bytes)
    }
  }
}
