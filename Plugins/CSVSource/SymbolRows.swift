import SeismoCore

/// One symbol's rows of a long file, in the file's order: row-major `values` (`rowCount ×`
/// the value columns), and each row's time and line.
struct SymbolRows<Value: CSVNumber> {
  var values: [Value] = []
  var timestamps: [Timestamp] = []
  var lines: [Int32] = []

  /// The collected `rows` (each row's time, line and symbol, an index into the collector's
  /// symbols) and their `values`, split into the rows of each of `symbols`, in that order:
  /// counted first, so that each symbol's arrays are allocated once at their size.
  static func split(
    _ values: [Value], _ rows: (timestamps: [Timestamp], lines: [Int32], symbols: [Int32]),
    symbols: [Int], of collector: ColumnCollector
  ) -> [SymbolRows] {
    let f = collector.featureNames.count
    var slot = [Int](repeating: -1, count: collector.symbols.count)  // each symbol's place in `symbols`
    for (k, symbol) in symbols.enumerated() { slot[symbol] = k }
    var counts = [Int](repeating: 0, count: symbols.count)
    for symbol in rows.symbols where slot[Int(symbol)] >= 0 { counts[slot[Int(symbol)]] += 1 }
    var split = counts.map { count in
      var own = SymbolRows()
      own.values.reserveCapacity(count * f)
      own.timestamps.reserveCapacity(count)
      own.lines.reserveCapacity(count)
      return own
    }
    for (r, symbol) in rows.symbols.enumerated() {
      let k = slot[Int(symbol)]
      guard k >= 0 else { continue }
      split[k].values.append(contentsOf: values[r * f..<(r + 1) * f])
      split[k].timestamps.append(rows.timestamps[r])
      split[k].lines.append(rows.lines[r])
    }
    return split
  }
}
