/// How far long work has come: `done` of `total` in `unit`, for a progress line.
public struct ProgressCount: Sendable, Equatable {
  /// What is counted.
  public enum Unit: Sendable {
    /// Rows: a table's rows read, a sink's rows written.
    case rows
    /// Bytes: a file's bytes read.
    case bytes
    /// Scorings: a detector's passes over the data (permutation importance's shuffles).
    case scorings
    /// Windows: a neural detector's windows scored.
    case windows
    /// Pairs of windows: discord's windows compared.
    case windowPairs
    /// Scores: a threshold rule's scores cut.
    case scores
  }

  public var done: Int
  /// nil when it is not known ahead (the rows of a query, which would have to run twice to count).
  public var total: Int?
  public var unit: Unit

  public init(_ done: Int, of total: Int?, _ unit: Unit) {
    self.done = done
    self.total = total
    self.unit = unit
  }
}

/// Hears how far long work has come (a source's bytes or rows read, a sink's rows written, a
/// detector's windows scored, an importance's scorings done).
public typealias ProgressObserver = (ProgressCount) -> Void
