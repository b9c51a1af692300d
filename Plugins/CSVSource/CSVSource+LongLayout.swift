import SeismoCore

/// A long file (`layout: long`, a row per symbol and time): each symbol's rows as a table of its own.
extension CSVSource {
  /// What `readTableInDoubles` joins, each part read alone with the policies a file read alone
  /// gets, its features under the names the join gives them: each of several files, or each
  /// symbol of a long file; else the one file. How a long table stores each part's rows on its
  /// own times.
  public func readPartsInDoubles(observer: ProgressObserver? = nil) throws -> [CSVTable<Double>] {
    guard !request.symbol.isEmpty else {
      let files = try eachFile()
      let tables = try zip(files, fileObservers(observer)).map { try $0.readTableInDoubles(observer: $1) }
      if joins { try refuseOneSeriesCutByTime(JoinedTimes(tables), columns: files.map(\.request.columns)) }
      return tables
    }
    let collector = try collect(inDoubles: true, observer: observer)
    let (tables, _, names) = try symbolTables(of: collector, values: collector.doubles)
    var next = 0
    return try tables.map { table in
      let own = Array(names[next..<next + table.featureNames.count])
      next += own.count
      var part = try filled(table, names: own, of: collector)
      part.featureNames = own
      return part
    }
  }

  /// A long file's rows (`layout: long`), `values` being their numbers, one table per symbol
  /// read (`symbols`, or every one), each sorted and merged as a wide file's rows are; with where
  /// each came from and the features' names: `as`'s, or each symbol's named for it (`AAPL`, or
  /// `AAPL_close` for several value columns). The collector's rows are taken from it
  /// (`takeRows`), so that they are held once, split by symbol.
  func symbolTables<Value: CSVNumber>(of collector: ColumnCollector, values: consuming [Value]) throws -> (
    [CSVTable<Value>], [JoinedPart], [String]
  ) {
    let columns = collector.featureNames
    let read =
      try symbolsRead.isEmpty
      ? Array(collector.symbols.indices)
      : symbolsRead.map { symbol in
        guard let k = collector.symbols.firstIndex(of: symbol) else {
          throw unknownSymbolError(symbol, among: collector.symbols)
        }
        return k
      }
    var split = SymbolRows.split(consume values, collector.takeRows(), symbols: read, of: collector)
    var tables: [CSVTable<Value>] = []
    var parts: [JoinedPart] = []
    for (k, symbol) in read.enumerated() {
      let own = split[k]
      split[k] = SymbolRows()  // rows that merging sorts into new arrays are freed with `own`
      tables.append(
        try merged(own.values, own.timestamps, own.lines, of: collector, symbol: collector.symbols[symbol]))
      parts.append(JoinedPart(file: path, symbol: collector.symbols[symbol], columns: columns, place: collector.place))
    }
    let names = longFeatureNames(symbols: read.map { collector.symbols[$0] }, columns: columns)
    guard !renames.isEmpty else { return (tables, parts, names) }
    guard renames.count == names.count else { throw renameCountError(names) }
    return (tables, parts, renames)
  }
}

extension CSVSource {
  /// The error for a symbol of `symbols` not among the file's, `found`.
  func unknownSymbolError(_ symbol: String, among found: [String]) -> SeismoError {
    .config(
      key: "source.symbols", location: nil,
      message:
        "'\(symbol)' is not in \(path)'s symbol column '\(request.symbol)'\(EditDistance.suggestion(for: symbol, among: found)); its symbols: \(EditDistance.listing(found))"
    )
  }

  /// The features of `symbols` read from the value columns `columns`, named for each symbol
  /// (`AAPL`) or, with several columns, for the symbol and the column (`AAPL_close`).
  func longFeatureNames(symbols: [String], columns: [String]) -> [String] {
    symbols.flatMap { symbol in columns.count == 1 ? [symbol] : columns.map { "\(symbol)_\($0)" } }
  }
}
