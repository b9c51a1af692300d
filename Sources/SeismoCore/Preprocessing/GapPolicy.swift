/// What a source does with empty cells (gaps) in the selected columns.
///
/// - `drop`: remove every row that has a gap in any selected column.
/// - `ffill`: carry each column's last value forward; rows before a column's first value (leading
///   gaps, where there is nothing to carry) are dropped.
/// - `error`: refuse the data, naming the first gap.
/// - `keep`: leave gaps empty. Only `seismo ingest` offers it (they are stored as NULL, for the
///   source's own policy to handle when the table is read); a detector needs every cell, so no
///   source parameter accepts it.
public enum GapPolicy: String, Sendable, CaseIterable {
  case drop, ffill, error, keep

  /// The parameter every source declares for it (every policy but `keep`).
  public static let parameter = Parameter<GapPolicy>(
    "gaps", default: .ffill, cases: [.drop, .ffill, .error],
    help: "empty cells: ffill (carry the last value forward; leading gaps dropped), drop (drop the row), error")

  /// A feature `ffill` carried over the last `rows` rows, a longer gap than any earlier one of
  /// that feature and at least `Carry.noticed` rows: its data stopped, or is late.
  public struct Carry: Equatable, Sendable {
    public var feature: Int
    public var rows: Int

    /// The shortest trailing gap worth a word.
    public static let noticed = 5

    public init(feature: Int, rows: Int) {
      self.feature = feature
      self.rows = rows
    }
  }

  /// The outcome of applying a policy.
  public struct Outcome: Equatable, Sendable {
    public var cellsFilled: Int
    public var rowsDropped: Int
    /// The features `ffill` carried to the end, by feature.
    public var carriedToEnd: [Carry] = []

    @inlinable
    public init(cellsFilled: Int = 0, rowsDropped: Int = 0) {
      self.cellsFilled = cellsFilled
      self.rowsDropped = rowsDropped
    }
  }

  /// Applies the policy to row-major `values` (NaN marks a gap; `keep` leaves them), removing dropped rows from
  /// `values`, `timestamps` and `rowLabels` alike.
  /// - Parameter gapError: the error for a gap at (row, feature) under `.error`.
  @inlinable
  public func apply<Value: BinaryFloatingPoint>(
    values: inout [Value], timestamps: inout [Timestamp], rowLabels: inout [Int32], featureCount f: Int,
    gapError: (_ row: Int, _ feature: Int) -> SeismoError
  ) throws -> Outcome {
    var carried = [Value](repeating: .nan, count: f)
    return try apply(
      values: &values, timestamps: &timestamps, rowLabels: &rowLabels, featureCount: f, carrying: &carried,
      gapError: gapError)
  }

  /// `apply` on one piece of a longer series: `carried` holds each column's last value before
  /// the piece (NaN: none yet) for `ffill` to carry in, and is left holding the piece's last ones.
  @inlinable
  public func apply<Value: BinaryFloatingPoint>(
    values: inout [Value], timestamps: inout [Timestamp], rowLabels: inout [Int32], featureCount f: Int,
    carrying carried: inout [Value], gapError: (_ row: Int, _ feature: Int) -> SeismoError
  ) throws -> Outcome {
    var outcome = Outcome()
    let rows = timestamps.count
    var keep = [Bool](repeating: true, count: rows)
    switch self {
    case .keep:
      return outcome
    case .error:
      if let i = values.firstIndex(where: \.isNaN) { throw gapError(i / f, i % f) }
      return outcome
    case .drop:
      for r in 0..<rows where values[r * f..<(r + 1) * f].contains(where: \.isNaN) { keep[r] = false }
    case .ffill:
      for j in 0..<f {
        var last = carried[j]
        defer { carried[j] = last }
        var run = 0  // cells filled since the last value
        var longest = 0  // the longest such run that a value ended
        for r in 0..<rows {
          let i = r * f + j
          if values[i].isNaN {
            if last.isNaN {
              keep[r] = false
            } else {
              values[i] = last
              outcome.cellsFilled += 1
              run += 1
            }
          } else {
            last = values[i]
            longest = max(longest, run)
            run = 0
          }
        }
        if run >= Carry.noticed, run > longest { outcome.carriedToEnd.append(Carry(feature: j, rows: run)) }
      }
    }
    outcome.rowsDropped = keep.lazy.filter { !$0 }.count
    guard outcome.rowsDropped > 0 else { return outcome }
    var kept = 0
    for r in 0..<rows where keep[r] {
      if kept != r {
        for j in 0..<f { values[kept * f + j] = values[r * f + j] }
        timestamps[kept] = timestamps[r]
        rowLabels[kept] = rowLabels[r]
      }
      kept += 1
    }
    values.removeLast((rows - kept) * f)
    timestamps.removeLast(rows - kept)
    rowLabels.removeLast(rows - kept)
    return outcome
  }
}
