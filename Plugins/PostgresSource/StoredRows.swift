import SeismoCore
import SeismoPostgres

/// A source's rows as they are stored, wide: NULL (or a symbol missing at a time) is NaN, and
/// nothing is merged but a long table's symbol twice in one second (by the duplicate policy, as
/// the rows are pivoted).
struct StoredRows {
  /// The features: a wide table's columns, a long table's symbols.
  let names: [String]
  /// Whether the rows come from a long table, as (time, feature number from 1, value).
  let isLong: Bool
  /// Epoch seconds, one a row.
  private(set) var timestamps: [Timestamp] = []
  /// Row-major, `names.count` per row.
  private(set) var values: [Float] = []
  /// A long table's: whether each feature had a row (its value may be NULL).
  private(set) var present: [Bool]
  /// A long table's: the table rows merged into each cell (row-major as `values`).
  private var merged: [Int] = []
  /// A long table's: each feature's first and last time, and whether it has had a row at a
  /// time another feature has (rows join on exact times), over every row appended.
  private(set) var spans: [ClosedRange<Timestamp>?]
  private(set) var sharing: [Bool]
  /// A long table's, at the last time: the features with a row, counted, and the first of them;
  /// and, under `duplicates: mean`, the sums of each feature's values (NULL left out) and how
  /// many, as `DuplicatePolicy` averages a file's rows.
  private var atLast = (count: 0, first: 0)
  private var sums: [(total: Double, count: Int)]

  init(names: [String], isLong: Bool) {
    self.names = names
    self.isLong = isLong
    present = [Bool](repeating: false, count: names.count)
    spans = Array(repeating: nil, count: isLong ? names.count : 0)
    sharing = Array(repeating: false, count: isLong ? names.count : 0)
    sums = Array(repeating: (0, 0), count: isLong ? names.count : 0)
  }

  /// Appends `row`, a row in the form of `source`'s read plan, pivoting a long table's rows.
  /// - Throws: on an infinite time, or a symbol twice in one second under `duplicates: error`.
  mutating func append(_ row: PGFloat8Row, from source: PostgresSource) throws {
    let f = names.count
    let t = try source.seconds(row[0])
    guard isLong else {
      timestamps.append(t)
      for c in 1...f { values.append(Self.value(row[c])) }
      return
    }
    guard let feature = row[1] else { return }
    let j = Int(feature) - 1
    present[j] = true
    if timestamps.last != t {
      timestamps.append(t)
      values += repeatElement(.nan, count: f)
      merged += repeatElement(0, count: f)
      atLast = (0, j)
    }
    let k = (timestamps.count - 1) * f + j
    let v = Self.value(row[2])
    merged[k] += 1
    guard merged[k] > 1 else {
      values[k] = v
      sums[j] = v.isNaN ? (0, 0) : (Double(v), 1)
      spans[j] = (spans[j]?.lowerBound ?? t)...t
      if atLast.count > 0 { (sharing[j], sharing[atLast.first]) = (true, true) }
      atLast.count += 1
      return
    }
    switch source.duplicates {
    case .error: throw source.twoRows(at: t, column: names[j])
    case .first: break
    case .last: values[k] = v
    case .mean:
      if !v.isNaN { sums[j] = (sums[j].total + Double(v), sums[j].count + 1) }
      values[k] = sums[j].count == 0 ? .nan : Float(sums[j].total / Double(sums[j].count))
    }
  }

  /// Removes and returns the rows before the last time, or every row when `final`: the next
  /// batch may bring more rows at the last time (duplicates to merge, a long table's other
  /// symbols).
  mutating func removeSettled(final: Bool) -> StoredRows {
    var cut = timestamps.count
    if !final, let last = timestamps.last {
      while cut > 0, timestamps[cut - 1] == last { cut -= 1 }
    }
    let f = names.count
    var settled = StoredRows(names: names, isLong: isLong)
    settled.present = present
    settled.timestamps = Array(timestamps.prefix(cut))
    settled.values = Array(values.prefix(cut * f))
    timestamps.removeFirst(cut)
    values.removeFirst(cut * f)
    if isLong { merged.removeFirst(cut * f) }
    return settled
  }

  /// Removes the rows at the end that wait for a feature: every row after the last one with a
  /// value of each feature in `needed` (indices into `names`), at a time after `settled` (rows
  /// already scored are never held). A time's rows stay together.
  /// - Returns: the rows removed, and the table rows they came from; nil when no row waits.
  mutating func removeWaiting(needing needed: [Int], after settled: Timestamp?) -> (
    waiting: WaitingRows, tableRows: Int
  )? {
    guard
      let (cut, waiting) = WaitingRows.start(
        values: values, timestamps: timestamps, names: names, needing: needed, after: settled)
    else { return nil }
    let f = names.count
    let n = timestamps.count
    let tableRows = isLong ? merged[(cut * f)...].reduce(0, +) : n - cut
    timestamps.removeLast(n - cut)
    values.removeLast((n - cut) * f)
    if isLong { merged.removeLast((n - cut) * f) }
    return (waiting, tableRows)
  }

  /// A value cell: NULL is a gap (NaN); a stored NaN, and a non-zero number nearer 0 than a
  /// Float holds (which would read as 0), become infinity, which is refused with the other
  /// infinities (and numbers beyond a Float's range).
  static func value(_ cell: Double?) -> Float {
    guard let cell else { return .nan }
    let value = Float(cell)
    return cell.isNaN || value == 0 && cell != 0 ? .infinity : value
  }
}
