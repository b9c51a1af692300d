/// How a frame is cut into training rows (the head) and test rows (the tail).
///
/// Time series are never shuffled across the cut: the first `trainRows` rows train, the rest are
/// held out. Either a fraction of the rows or a last training timestamp decides the cut.
public struct SplitPolicy: Sendable, Equatable {
  /// Fraction of rows that train, in (0, 1].
  public var trainFraction: Double
  /// When set, rows up to and including this timestamp train (overrides the fraction).
  public var trainUntil: Timestamp?

  public static let parameters: [ParameterSpec] = [
    ParameterSpec(
      "train_fraction", .number(0.01...1), default: .number(0.8),
      help: "fraction of rows, from the start, used for training (the rest is the test part)"),
    ParameterSpec(
      "train_until", .text, default: .text(""),
      help: "last training timestamp (ISO date); overrides train_fraction when set"),
  ]

  public init(trainFraction: Double = 0.8, trainUntil: Timestamp? = nil) {
    self.trainFraction = trainFraction
    self.trainUntil = trainUntil
  }

  public init(parameters: Parameters) throws {
    let until = parameters.text("train_until")
    var cut: Timestamp?
    if !until.isEmpty {
      guard let t = TimestampParser().parse(until) else {
        throw SeismoError.config(key: "split.train_until", location: nil, message: "'\(until)' is not an ISO date")
      }
      cut = t
    }
    self.init(trainFraction: parameters.number("train_fraction"), trainUntil: cut)
  }

  /// The number of leading rows of `frame` that train; at least one row trains.
  public func trainRows(of frame: Frame) throws -> Int {
    let rows: Int
    if let trainUntil {
      guard frame.timeKind == .calendar else {
        throw SeismoError.invalidInput("split.train_until needs a time column; this data has none")
      }
      rows = frame.timestamps.partitioningIndex(where: { $0 > trainUntil })
    } else {
      rows = Int((Double(frame.rowCount) * trainFraction).rounded(.down))
    }
    guard rows > 0 else {
      throw SeismoError.invalidInput("the split leaves no training rows (\(frame.rowCount) rows in the data)")
    }
    return rows
  }
}

extension Array {
  /// The first index whose element satisfies `predicate`, assuming the array is partitioned
  /// (all non-matching elements first). Binary search.
  func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
      let mid = (low + high) / 2
      if predicate(self[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
