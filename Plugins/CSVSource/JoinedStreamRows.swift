import SeismoCore

/// The joined rows of a stream (files joined on time, or a long file's symbols) not yet handed
/// on, the times counted for the checks on a join, and what the gap policy carries from piece
/// to piece.
struct JoinedStreamRows {
  let parts: [JoinedPart]
  /// The features' names, part by part.
  let names: [String]
  /// Where each part's features start among `names`.
  private let offsets: [Int]
  /// The rows not yet handed on: values row-major; `lines` unused.
  private var rows = StreamRows()
  /// Each row's line in each part, row-major (0: the part has no row at its time).
  private var lines: [Int32] = []
  private var carried: GapPolicy.Carrying<Float>?
  /// The times of every row joined so far.
  private(set) var times: JoinedTimes
  /// Duplicate rows merged since the last piece.
  var merged = 0

  /// For `parts`, whose features are named `names`; `pairs`: whether `times` counts the times
  /// each pair of parts shares.
  init(parts: [JoinedPart], names: [String], pairs: Bool) {
    self.parts = parts
    self.names = names
    offsets = parts.reduce(into: [0]) { $0.append($0.last! + $1.columns.count) }
    times = JoinedTimes(parts: parts.count, pairs: pairs)
  }

  /// The rows not yet handed on.
  var count: Int { rows.timestamps.count }

  /// Adds a row at `time`, which the parts `having` have: `fill(k, &values, offset)` copies
  /// part k's values into `values` from `offset` on and returns their line; the other parts'
  /// cells are gaps.
  mutating func add(_ time: Timestamp, having: [Int], fill: (Int, inout [Float], Int) throws -> Int32) rethrows {
    let (row, f, p) = (count, names.count, parts.count)
    rows.values.append(contentsOf: repeatElement(.nan, count: f))
    lines.append(contentsOf: repeatElement(0, count: p))
    for k in having { lines[row * p + k] = try fill(k, &rows.values, row * f + offsets[k]) }
    rows.timestamps.append(time)
    times.add(time, parts: having)
  }

  /// The rows not yet handed on as a piece of `source`'s, the gap policy applied (carrying from
  /// the piece before), and taken; nil when there are none. `timesWrittenWithOffset` is the
  /// UTC note's.
  mutating func piece(of source: CSVSource, timesWrittenWithOffset: [String]) throws -> CSVTable<Float>? {
    guard count > 0 else { return nil }
    var (values, timestamps) = (rows.values, rows.timestamps)
    var labels = [Int32](repeating: 0, count: count)
    var carry = carried ?? GapPolicy.Carrying(featureCount: names.count)
    let outcome = try source.gaps.apply(
      values: &values, timestamps: &timestamps, rowLabels: &labels, featureCount: names.count, carrying: &carry
    ) { [self] row, feature in
      let k = offsets.lastIndex { $0 <= feature }!
      return source.joinedGapError(
        parts[k], column: feature - offsets[k], line: lines[row * parts.count + k], time: rows.timestamps[row])
    }
    defer { (carried, rows, lines, merged) = (carry, StreamRows(), [], 0) }
    return CSVTable(
      timestamps: timestamps, hasTimeColumn: true, featureNames: names, values: values, lines: [],
      rowsRead: count, gapsApplied: outcome, sortedByTime: false, duplicateRowsMerged: merged,
      timesWrittenWithOffset: timesWrittenWithOffset)
  }
}
