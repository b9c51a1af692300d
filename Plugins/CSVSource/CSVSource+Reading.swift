import Foundation
import SeismoCore

/// Reading the file into a table: collecting its cells, then sorting by time, merging duplicates
/// and applying the gap policy, as `load` and `ingest` see it.
extension CSVSource {
  /// The file's rows before they become a `Frame`: sorted by time, duplicates merged, the gap
  /// policy applied. Under `gaps: keep` (`seismo ingest --gaps keep`) empty cells stay NaN.
  /// `observer` hears how many of the file's bytes have been read.
  public func readTable(observer: ProgressObserver? = nil) throws -> CSVTable<Float> {
    try read(observer: observer) { source, observer in
      let collector = try source.collect(inDoubles: false, observer: observer)
      return try source.table(of: collector, values: collector.values)
    }
  }

  /// `readTable` with the numbers in double precision, as written (`seismo ingest` stores them so).
  public func readTableInDoubles(observer: ProgressObserver? = nil) throws -> CSVTable<Double> {
    try read(observer: observer) { source, observer in
      let collector = try source.collect(inDoubles: true, observer: observer)
      return try source.table(of: collector, values: collector.doubles)
    }
  }

  /// The table `readFile` reads from the one file, or the files' tables joined on time, with
  /// the features named by `as`.
  func read<Value: CSVNumber>(
    observer: ProgressObserver?, _ readFile: (CSVSource, ProgressObserver?) throws -> CSVTable<Value>
  ) throws -> CSVTable<Value> {
    var table = try joins ? joinedTable(observer: observer, readFile) : readFile(self, observer)
    if !renames.isEmpty {
      guard renames.count == table.featureNames.count else { throw renameCountError(table.featureNames) }
      table.featureNames = renames
    }
    return table
  }

  /// A collector of the one file's cells, as this source reads them; `chunkRows`: of a stream,
  /// handed to its `onRows` that many at a time.
  func collector(inDoubles: Bool = false, chunkRows: Int? = nil) -> ColumnCollector {
    let collector = ColumnCollector(
      path: path, request: request, timeParser: timeParser, delimiter: delimiter, decimal: decimal,
      spelling: spelling, marks: marks, inDoubles: inDoubles)
    collector.chunkRows = chunkRows
    return collector
  }

  /// The file read by a collector, at least a header and a data row.
  func collect(inDoubles: Bool, observer: ProgressObserver?) throws -> ColumnCollector {
    guard !appends || paths.count == 1 else { return try collectAppended(inDoubles: inDoubles, observer: observer) }
    try checkFile()
    let collector: ColumnCollector
    if let parts = collectInParts(inDoubles: inDoubles, observer: observer) {
      collector = parts
    } else {
      collector = self.collector(inDoubles: inDoubles)
      try recordReader.read(into: collector, progress: observer)
    }
    guard !collector.header.isEmpty else { throw SeismoError.file(path: path, message: "the file is empty") }
    guard !collector.timestamps.isEmpty else {
      throw SeismoError.data(source: path, line: nil, column: nil, message: "has a header but no data rows")
    }
    return collector
  }

  /// The files of one series cut by time (`combine: append`), each read with its own settings,
  /// their rows as one file's; they must give the same columns.
  func collectAppended(inDoubles: Bool, observer: ProgressObserver?) throws -> ColumnCollector {
    let observers = fileObservers(observer)
    var first: ColumnCollector?
    for (k, file) in paths.enumerated() {
      let next = try single(file).collect(inDoubles: inDoubles, observer: observers[k])
      guard let first else {
        first = next
        continue
      }
      guard next.featureNames == first.featureNames else {
        throw appendedColumnsError(file, columns: next.featureNames, first: first.featureNames)
      }
      first.append(next)
    }
    return first!
  }

  /// The collected rows, `values` being its numbers, sorted, merged and with the gap policy
  /// applied; a long file's symbols joined on time.
  func table<Value: CSVNumber>(of collector: ColumnCollector, values: consuming [Value]) throws -> CSVTable<Value> {
    guard request.symbol.isEmpty else {
      let (tables, parts, names) = try symbolTables(of: collector, values: consume values)
      return try join(tables, parts: parts, names: names)
    }
    let rows = try mergedRows(of: collector, values: values)
    return try filled(rows, names: renames.count == rows.featureNames.count ? renames : rows.featureNames, of: collector)
  }

  /// A wide file's collected rows, `values` being their numbers, sorted and their duplicates
  /// merged, before the gap policy.
  func mergedRows<Value: CSVNumber>(of collector: ColumnCollector, values: [Value]) throws -> CSVTable<Value> {
    // A column named as a symbol column is, beside repeated times: a long file read as wide.
    let long = ColumnRequest.likelySymbolColumn(in: collector.header).map {
      " (a long file, a row per symbol and time? \(spelling.longLayout(symbolColumn: $0)))"
    }
    return try merged(values, collector.timestamps, collector.lines, of: collector, longHint: long)
  }

  /// Rows of `collector` (`values`, `timestamps` and `lines`, a file's or a long file's symbol's)
  /// sorted by time and their duplicates merged, before the gap policy. The duplicate error
  /// names `symbol`, or gives `longHint`, that the file is long.
  func merged<Value: CSVNumber>(
    _ values: consuming [Value], _ timestamps: [Timestamp], _ lines: [Int32], of collector: ColumnCollector,
    symbol: String? = nil, longHint: String? = nil
  ) throws -> CSVTable<Value> {
    var (values, timestamps, lines) = (values, timestamps, lines)
    let f = collector.featureNames.count
    let rowsRead = timestamps.count
    var sorted = false
    var duplicateRows = 0
    if collector.hasTimeColumn {
      sorted = sortByTime(&values, &timestamps, &lines, featureCount: f)
      let (sortedLines, sortedTimes) = (lines, timestamps)
      duplicateRows = try duplicates.apply(values: &values, timestamps: &timestamps, rowLabels: &lines, featureCount: f) {
        duplicateError(
          row: $0, lines: sortedLines, timestamps: sortedTimes, fractional: collector.firstFractionalTime, symbol: symbol,
          long: longHint, place: collector.place)
      }
    }
    return CSVTable(
      timestamps: timestamps, hasTimeColumn: collector.hasTimeColumn, featureNames: collector.featureNames, values: values,
      lines: lines, rowsRead: rowsRead, sortedByTime: sorted,
      duplicateRowsMerged: duplicateRows, timesWrittenWithOffset: collector.timesWrittenWithOffset)
  }

  /// `table` (its features named by the file's columns) held back and with the gap policy applied,
  /// as one file read alone is; `names` are the features' names as loaded.
  func filled<Value: CSVNumber>(
    _ table: consuming CSVTable<Value>, names: [String], of collector: ColumnCollector
  ) throws -> CSVTable<Value> {
    var table = table
    table.waiting = try holdingBack(&table.values, &table.timestamps, &table.lines, names: names)
    let (columns, sourceLines) = (table.featureNames, table.lines)
    let outcome = try gaps.apply(
      values: &table.values, timestamps: &table.timestamps, rowLabels: &table.lines, featureCount: columns.count
    ) {
      gapError(row: $0, feature: $1, lines: sourceLines, names: columns, place: collector.place)
    }
    guard !table.timestamps.isEmpty else {
      throw SeismoError.data(
        source: path, line: nil, column: nil,
        message: gaps.noRowsLeft(outcome, names: names, otherwise: "every row has an empty selected cell"))
    }
    table.gapsApplied = outcome
    return table
  }

  /// Throws, naming the file, unless `path` is a readable file.
  func checkFile() throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      // Names joined by commas are a list written as one name (`--set source.path=a.csv,b.csv`).
      let hint = EditDistance.listed(URL(fileURLWithPath: path).lastPathComponent).map {
        " (a list of files? write it [\($0.joined(separator: ", "))])"
      }
      throw SeismoError.file(path: path, message: "no such file\(hint ?? "")")
    }
    guard !isDirectory.boolValue else { throw SeismoError.file(path: path, message: "is a folder, not a CSV file") }
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw SeismoError.file(path: path, message: "cannot be read (permissions?)")
    }
  }

  /// Sorts rows by timestamp (stable) if they are not already ascending; returns whether it did.
  func sortByTime<Value>(
    _ values: inout [Value], _ timestamps: inout [Timestamp], _ lines: inout [Int32], featureCount f: Int
  ) -> Bool {
    guard zip(timestamps, timestamps.dropFirst()).contains(where: { $0 > $1 }) else { return false }
    let order = timestamps.indices.sorted { timestamps[$0] < timestamps[$1] || (timestamps[$0] == timestamps[$1] && $0 < $1) }
    values = order.flatMap { values[$0 * f..<($0 + 1) * f] }
    timestamps = order.map { timestamps[$0] }
    lines = order.map { lines[$0] }
    return true
  }
}
