/// What a source does with rows that share a timestamp (after sorting by time).
///
/// Real feeds repeat timestamps: a local-time log repeats an hour when daylight saving ends
/// (NAB's `ec2_request_latency_system_failure.csv` does). The policy is reported in the run's
/// summary with the number of rows it removed.
/// - `error` (default): refuse the data, naming both lines.
/// - `first` / `last`: keep the first / last row of each group, in file order; a table's rows come
///   in the order of their stored times (finer than the second they share), exact ties in none.
/// - `mean`: one row whose cells are the mean of the group's non-empty cells.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
  case error, first, last, mean

  /// The parameter every source declares for it.
  public static let parameter = Parameter<DuplicatePolicy>(
    "duplicates", default: .error,
    help:
      "rows with the same timestamp: error, first, last (a file's in line order, a table's by stored time, exact ties in no set order) or mean of the group"
  )

  /// Applies the policy to time-sorted row-major `values` (NaN marks an empty cell); removes the
  /// merged rows from `values`, `timestamps` and `rowLabels` alike and returns how many it removed.
  /// - Parameter duplicateError: the error for row `r` repeating row `r − 1`'s timestamp under `.error`.
  @inlinable
  public func apply<Value: BinaryFloatingPoint>(
    values: inout [Value], timestamps: inout [Timestamp], rowLabels: inout [Int32], featureCount f: Int,
    duplicateError: (_ row: Int) -> SeismoError
  ) throws -> Int {
    let rows = timestamps.count
    // The rows before the first repeated time stay where they are.
    guard let repeated = timestamps.indices.dropFirst().first(where: { timestamps[$0] == timestamps[$0 - 1] }) else {
      return 0
    }
    var kept = repeated - 1
    var start = kept
    while start < rows {
      var end = start + 1
      while end < rows, timestamps[end] == timestamps[start] { end += 1 }
      if end - start > 1, self == .error { throw duplicateError(start + 1) }
      let source = self == .last ? end - 1 : start
      for j in 0..<f {
        var cell = values[source * f + j]
        if self == .mean && end - start > 1 {
          let cells = (start..<end).map { values[$0 * f + j] }.filter { !$0.isNaN }
          cell = cells.isEmpty ? .nan : Value(cells.reduce(0.0) { $0 + Double($1) } / Double(cells.count))
        }
        values[kept * f + j] = cell
      }
      timestamps[kept] = timestamps[start]
      rowLabels[kept] = rowLabels[source]
      kept += 1
      start = end
    }
    values.removeLast((rows - kept) * f)
    timestamps.removeLast(rows - kept)
    rowLabels.removeLast(rows - kept)
    return rows - kept
  }
}
