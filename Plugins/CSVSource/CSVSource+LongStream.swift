import SeismoCore

extension CSVSource {
  /// `stream` over a long file (`layout: long`; files of one cut by time, one after the other):
  /// read a chunk at a time, each time's rows joined into a row of the symbols' values as they
  /// come, so memory holds a piece, never the file.
  ///
  /// The rows must come in time order, each time's symbols together in any order (a file sorted
  /// by symbol cannot stream: its first symbol's rows would all wait for the second's). Each
  /// symbol's duplicates are merged by `duplicates`, the gap policy runs over the joined rows,
  /// carrying from piece to piece, so the pieces give the rows `load` gives. Without `symbols`,
  /// the files are read once for their symbols first (a stream's features are fixed from its
  /// first piece), so twice in all. A listed symbol the files lack, or one sharing no time with
  /// the others, is refused once every row is read, which ends the stream.
  func streamLong(rows: Int, observer: ProgressObserver?, _ body: (LoadedFrame) throws -> Void) throws {
    let sizes = fileSizes
    let total = sizes.reduce(0, +) * (symbolsRead.isEmpty ? 2 : 1)
    let observers = { (pass: Int) in
      sizes.indices.map { k -> ProgressObserver? in
        let done = pass * sizes.reduce(0, +) + sizes[..<k].reduce(0, +)
        return observer.map { observer in { observer(ProgressCount(done + $0.done, of: total, .bytes)) } }
      }
    }
    let symbols = try symbolsRead.isEmpty ? symbolsInFiles(observers: observers(0)) : symbolsRead
    let pass = symbolsRead.isEmpty ? 1 : 0
    let part = Dictionary(symbols.enumerated().map { ($1, $0) }) { first, _ in first }
    let appended = AppendedLines()
    var joined: JoinedStreamRows?  // once the first header is read
    var waiting = StreamRows()  // rows of the symbols read, not yet joined
    var waitingParts: [Int] = []  // each waiting row's symbol among `symbols`
    var seen: [String] = []  // the files' symbols, as they first appear
    var partOf: [Int] = []  // the collector's symbols among `symbols` (-1: not read)
    var reading: ColumnCollector?
    var timesWithOffset: [String] = []  // for the UTC note: the first times written with an offset

    /// Joins the waiting rows into rows of the symbols' values, handing a piece on every `rows`
    /// joined rows; but for the rows at the last time unless `final` (more may come).
    func join(final: Bool) throws {
      guard let collector = reading, var rowsJoined = joined.take() else { return }
      defer { joined = rowsJoined }
      var cut = waiting.timestamps.count
      if !final, let last = waiting.timestamps.last { while cut > 0, waiting.timestamps[cut - 1] == last { cut -= 1 } }
      let f = collector.featureNames.count
      var having: [Int] = []
      var firstRow = [Int](repeating: -1, count: symbols.count)  // of its symbol, in the time's rows
      var start = 0
      while start < cut {
        var end = start + 1
        while end < cut, waiting.timestamps[end] == waiting.timestamps[start] { end += 1 }
        having.removeAll(keepingCapacity: true)
        var repeated: [Int] = []
        for r in start..<end {
          let k = waitingParts[r]
          if firstRow[k] < start {
            firstRow[k] = r
            having.append(k)
          } else if !repeated.contains(k) {
            repeated.append(k)
          }
        }
        // A symbol's rows at one time are duplicates, merged as a wide file's are.
        var merged: [Int: StreamRows] = [:]
        for k in repeated {
          var own = StreamRows()
          for r in start..<end where waitingParts[r] == k {
            own.append(
              StreamRows(
                values: Array(waiting.values[r * f..<(r + 1) * f]), timestamps: [waiting.timestamps[r]], lines: [waiting.lines[r]]
              ))
          }
          let (lines, times) = (own.lines, own.timestamps)
          rowsJoined.merged += try duplicates.apply(
            values: &own.values, timestamps: &own.timestamps, rowLabels: &own.lines, featureCount: f
          ) {
            duplicateError(
              row: $0, lines: lines, timestamps: times, fractional: collector.firstFractionalTime, symbol: symbols[k],
              place: appended.place)
          }
          merged[k] = own
        }
        rowsJoined.add(waiting.timestamps[start], having: having) { k, values, offset in
          let (row, from) = merged[k].map { ($0, 0) } ?? (waiting, firstRow[k])
          for j in 0..<f { values[offset + j] = row.values[from * f + j] }
          return row.lines[from]
        }
        if rowsJoined.count >= rows, let table = try rowsJoined.piece(of: self, timesWrittenWithOffset: timesWithOffset) {
          try body(loaded(table))
        }
        start = end
      }
      waiting.removeFirst(cut, featureCount: f)
      waitingParts.removeFirst(cut)
    }

    let sort = "sort the file by time (a long file sorted by symbol is read whole)"
    try readInTimeOrder(rows: rows, observers: observers(pass), lines: appended, sort: sort) { collector, chunk in
      if reading !== collector { partOf = [] }
      reading = collector
      if timesWithOffset.isEmpty { timesWithOffset = collector.timesWrittenWithOffset }
      let f = collector.featureNames.count
      if joined == nil {
        let names = longFeatureNames(symbols: symbols, columns: collector.featureNames)
        guard renames.isEmpty || renames.count == names.count else { throw renameCountError(names) }
        joined = JoinedStreamRows(
          parts: symbols.map { JoinedPart(file: path, symbol: $0, columns: collector.featureNames, place: appended.place) },
          names: renames.isEmpty ? names : renames, pairs: false)
      }
      for symbol in collector.symbols[partOf.count...] where !seen.contains(symbol) { seen.append(symbol) }
      while partOf.count < collector.symbols.count { partOf.append(part[collector.symbols[partOf.count]] ?? -1) }
      for (r, s) in collector.rowSymbols.enumerated() where partOf[Int(s)] >= 0 {
        waiting.values += chunk.values[r * f..<(r + 1) * f]
        waiting.timestamps.append(chunk.timestamps[r])
        waiting.lines.append(chunk.lines[r])
        waitingParts.append(partOf[Int(s)])
      }
      try join(final: false)
    }
    try join(final: true)
    if let missing = symbols.first(where: { !seen.contains($0) }) { throw unknownSymbolError(missing, among: seen) }
    if let joined { try checkSharedTimes(joined.times, parts: joined.parts) }
    if let table = try joined?.piece(of: self, timesWrittenWithOffset: timesWithOffset) { try body(loaded(table)) }
  }

  /// The symbols of the files, in the order they first appear: each file read once through,
  /// nothing kept but its symbols.
  private func symbolsInFiles(observers: [ProgressObserver?]) throws -> [String] {
    var symbols: [String] = []
    for (k, file) in paths.enumerated() {
      let source = single(file)
      try source.checkFile()
      let collector = source.collector(chunkRows: 65_536)
      collector.onRows = { _, _, _ in }
      try source.recordReader.read(into: collector, progress: observers[k])
      try collector.finishStream()
      for symbol in collector.symbols where !symbols.contains(symbol) { symbols.append(symbol) }
    }
    return symbols
  }
}
