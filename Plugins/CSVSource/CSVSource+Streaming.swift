import SeismoCore

extension CSVSource: StreamingSource {
  /// Reads the file a piece of about `rows` rows at a time (`seismo score --stream`): memory holds
  /// one piece, never the file.
  ///
  /// Each piece gets the policies `load` applies to the whole file, and gives the same rows: the
  /// gap policy carries each column's last value from piece to piece, and rows sharing the last
  /// timestamp of a piece wait for the next one, so duplicates are merged across the cut. Rows
  /// must come in time order (equal timestamps are duplicates): a stream cannot sort, so a row
  /// earlier than the one before it is an error naming both lines.
  public func stream(rows: Int, observer: ProgressObserver? = nil, _ body: (LoadedFrame) throws -> Void) throws {
    // The collector holds `body` only while the file is read.
    try withoutActuallyEscaping(body) { try stream(rows: rows, observer: observer, escaping: $0) }
  }

  private func stream(
    rows: Int, observer: ProgressObserver?, escaping body: @escaping (LoadedFrame) throws -> Void
  ) throws {
    if joins { return try streamJoined(rows: rows, observer: observer, body) }
    if !request.symbol.isEmpty { return try streamLong(rows: rows, observer: observer, body) }
    var waiting = StreamRows()  // rows read but not yet handed on
    var carried: GapPolicy.Carrying<Float>?  // what ffill carries from piece to piece
    var reading: ColumnCollector?  // the collector of the file being read
    let appended = AppendedLines()
    let place = appended.place

    /// Applies the policies to the waiting rows and hands them on, but for the rows sharing the
    /// last timestamp unless `final` (they may have duplicates in the next piece).
    func handOn(final: Bool) throws {
      guard let collector = reading, let released = try released(from: &waiting, of: collector, final: final, place: place)
      else { return }
      var piece = released.rows
      let (cut, merged) = (released.taken, released.merged)
      let f = collector.featureNames.count
      let lines = piece.lines
      var carry = carried ?? GapPolicy.Carrying(featureCount: f)
      defer { carried = carry }
      let outcome = try gaps.apply(
        values: &piece.values, timestamps: &piece.timestamps, rowLabels: &piece.lines, featureCount: f, carrying: &carry
      ) { gapError(row: $0, feature: $1, lines: lines, names: collector.featureNames, place: place) }
      guard renames.isEmpty || renames.count == f else { throw renameCountError(collector.featureNames) }
      try body(
        loaded(
          CSVTable(
            timestamps: piece.timestamps, hasTimeColumn: collector.hasTimeColumn,
            featureNames: renames.isEmpty ? collector.featureNames : renames, values: piece.values, lines: piece.lines,
            rowsRead: cut, gapsApplied: outcome, sortedByTime: false, duplicateRowsMerged: merged,
            timesWrittenWithOffset: collector.timesWrittenWithOffset)))
    }

    try readInTimeOrder(rows: rows, observers: fileObservers(observer), lines: appended) { collector, chunk in
      reading = collector
      waiting.append(chunk)
      try handOn(final: false)
    }
    try handOn(final: true)
  }

  /// Reads the files one after the other (the one file, or files appended: `combine: append`),
  /// each a chunk of `rows` rows at a time with its observer, and hands each chunk to `take`
  /// with the collector that read it. A row's line counts on past the lines of the files before
  /// it, which `lines` places in its file. Throws for a row earlier in time than the one before
  /// it (`sort` says how to sort the file), and for a file of other columns than the first's.
  func readInTimeOrder(
    rows: Int, observers: [ProgressObserver?], lines appended: AppendedLines, sort: String = "sort the file",
    _ take: (ColumnCollector, StreamRows) throws -> Void
  ) throws {
    try withoutActuallyEscaping(take) { take in
      var order = TimeOrder()
      var first: ColumnCollector?
      var offset: Int32 = 0
      for (k, file) in paths.enumerated() {
        let source = single(file)
        try source.checkFile()
        let collector = source.collector(chunkRows: rows)
        appended.append(file, after: offset)
        defer { collector.onRows = nil }  // it holds the collector
        var lastLine = offset
        collector.onRows = { [first] values, timestamps, lines in
          if let first, collector.featureNames != first.featureNames {
            throw appendedColumnsError(file, columns: collector.featureNames, first: first.featureNames)
          }
          let lines = offset == 0 ? lines : lines.map { $0 + offset }
          try order.check(timestamps, lines: lines, place: appended.place, sort: sort)
          lastLine = lines.last ?? lastLine
          try take(collector, StreamRows(values: values, timestamps: timestamps, lines: lines))
        }
        try source.recordReader.read(into: collector, progress: observers[k])
        try collector.finishStream()
        first = first ?? collector
        offset = lastLine + 1
      }
    }
  }

  /// The rows of `waiting` (read by `collector`) that can be handed on, taken from it with their
  /// duplicates merged by the duplicate policy: every row when `final`, else all but those
  /// sharing the last timestamp, whose duplicates may come next; with the rows taken and the
  /// rows merged. Nil when none can be. `place` names a line's file for errors.
  func released(
    from waiting: inout StreamRows, of collector: ColumnCollector, final: Bool,
    place: ((Int32) -> (path: String, line: Int))? = nil
  ) throws -> (rows: StreamRows, taken: Int, merged: Int)? {
    let f = collector.featureNames.count
    var cut = waiting.timestamps.count
    if !final, collector.hasTimeColumn, let last = waiting.timestamps.last {
      while cut > 0, waiting.timestamps[cut - 1] == last { cut -= 1 }
    }
    guard cut > 0 else { return nil }
    var rows = waiting.prefix(cut, featureCount: f)
    waiting.removeFirst(cut, featureCount: f)
    guard collector.hasTimeColumn else { return (rows, cut, 0) }
    let (lines, times) = (rows.lines, rows.timestamps)
    let merged = try duplicates.apply(
      values: &rows.values, timestamps: &rows.timestamps, rowLabels: &rows.lines, featureCount: f
    ) {
      duplicateError(row: $0, lines: lines, timestamps: times, fractional: collector.firstFractionalTime, place: place)
    }
    return (rows, cut, merged)
  }
}

/// Rows a stream has read and not yet handed on: values row-major, each row's time and line.
struct StreamRows {
  var values: [Float] = []
  var timestamps: [Timestamp] = []
  var lines: [Int32] = []

  mutating func append(_ rows: StreamRows) {
    values += rows.values
    timestamps += rows.timestamps
    lines += rows.lines
  }

  func prefix(_ n: Int, featureCount f: Int) -> StreamRows {
    StreamRows(values: Array(values.prefix(n * f)), timestamps: Array(timestamps.prefix(n)), lines: Array(lines.prefix(n)))
  }

  mutating func removeFirst(_ n: Int, featureCount f: Int) {
    values.removeFirst(n * f)
    timestamps.removeFirst(n)
    lines.removeFirst(n)
  }
}
