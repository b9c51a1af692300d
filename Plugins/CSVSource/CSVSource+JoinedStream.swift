import SeismoCore

extension CSVSource {
  /// `stream` over files joined on time (`path: [vix.csv, spx.csv]`): each file is read a chunk
  /// at a time, as the join needs its rows, so memory holds a piece of each, never a file.
  ///
  /// A joined row is handed on once every file still being read has reached a later time: the
  /// row then has every value the files give it, as the load's row for that time has. Each
  /// file's rows must come in time order (a stream cannot sort); its duplicates are merged by
  /// `duplicates`, across the cut between its pieces. The gap policy runs over the joined rows,
  /// carrying from piece to piece, so the pieces give the rows `load` gives. What the load
  /// checks before it joins (a file sharing no time with the others, files of one series cut
  /// by time) is checked once every row has been read, since only then is it known: the error
  /// then ends the stream.
  func streamJoined(rows: Int, observer: ProgressObserver?, _ body: (LoadedFrame) throws -> Void) throws {
    let features = try featureSources()
    let names = features.map(\.name)
    var bytes = [Int](repeating: 0, count: paths.count)
    let total = fileSizes.reduce(0, +)
    let files = try paths.enumerated().map { k, path in
      var source = single(path)
      source.request.columns = features.filter { $0.path == path }.map(\.column)
      return try JoinedFile(source, rows: rows) { count in
        bytes[k] = count.done
        observer?(ProgressCount(bytes.reduce(0, +), of: total, .bytes))
      }
    }
    defer { for file in files { file.close() } }
    let parts = zip(paths, files).map { JoinedPart(file: $0, symbol: nil, columns: $1.source.request.columns) }
    let offsets = parts.reduce(into: [0]) { $0.append($0.last! + $1.columns.count) }
    let f = names.count
    var times = JoinedTimes(parts: files.count)
    var joined = StreamRows()  // the joined rows not yet handed on: `lines` unused
    var lines: [Int32] = []  // each joined row's line in each file, row-major (0: none at its time)
    var having: [Int] = []  // the files with a row at the time joined
    var carried: GapPolicy.Carrying<Float>?
    var merged = 0  // duplicate rows merged since the last piece

    /// Applies the gap policy to the joined rows and hands them on as a piece.
    func handOn() throws {
      guard !joined.timestamps.isEmpty else { return }
      var (values, timestamps) = (joined.values, joined.timestamps)
      var labels = [Int32](repeating: 0, count: timestamps.count)
      var carry = carried ?? GapPolicy.Carrying(featureCount: f)
      let rowLines = lines
      let outcome = try gaps.apply(
        values: &values, timestamps: &timestamps, rowLabels: &labels, featureCount: f, carrying: &carry
      ) { row, feature in
        let k = offsets.lastIndex { $0 <= feature }!
        return joinedGapError(
          parts[k], column: feature - offsets[k], line: rowLines[row * files.count + k], time: joined.timestamps[row])
      }
      carried = carry
      let table = CSVTable(
        timestamps: timestamps, hasTimeColumn: true, featureNames: names, values: values, lines: [],
        rowsRead: joined.timestamps.count, gapsApplied: outcome, sortedByTime: false, duplicateRowsMerged: merged,
        timesWrittenWithOffset: files.first { !$0.collector.timesWrittenWithOffset.isEmpty }?.collector
          .timesWrittenWithOffset ?? [])
      (joined, lines, merged) = (StreamRows(), [], 0)
      try body(loaded(table))
    }

    while true {
      // Every file still read needs a row to say how far it has come.
      if let k = files.indices.first(where: { !files[$0].done && files[$0].isEmpty }) {
        merged += try files[k].readMore()
        continue
      }
      let reading = files.filter { !$0.done }
      // Rows up to the earliest last time of the files still read have all their values.
      let horizon = reading.map { $0.lastTime! }.min()
      var joinedAny = false
      // A file still read has released every row up to its last time: later ones come after it.
      while true {
        var t = Timestamp.max
        for file in files { if let next = file.nextTime, next < t { t = next } }
        guard t != .max, horizon.map({ t <= $0 }) ?? true else { break }
        having.removeAll(keepingCapacity: true)
        for k in files.indices where files[k].nextTime == t { having.append(k) }
        let row = joined.timestamps.count
        joined.values.append(contentsOf: repeatElement(.nan, count: f))
        lines.append(contentsOf: repeatElement(0, count: files.count))
        for k in having { lines[row * files.count + k] = files[k].take(into: &joined.values, at: row * f + offsets[k]) }
        joined.timestamps.append(t)
        times.add(t, parts: having)
        joinedAny = true
        if joined.timestamps.count >= rows { try handOn() }
      }
      if reading.isEmpty { break }
      if !joinedAny, let k = files.indices.filter({ !files[$0].done }).min(by: { files[$0].lastTime! < files[$1].lastTime! }) {
        merged += try files[k].readMore()
      }
    }
    try checkSharedTimes(times, parts: parts)
    try refuseOneSeriesCutByTime(times, columns: parts.map(\.columns))
    try handOn()
  }
}

/// One file of a joined stream: its rows read a chunk at a time (`readMore`), in time order,
/// duplicates merged, until the join takes them (`take`).
private final class JoinedFile {
  let source: CSVSource
  let collector: ColumnCollector
  private var cursor: CSVRecordCursor?
  /// Rows read but not yet released: those at the last time may have duplicates to come, so
  /// every row up to the last released time has been released.
  private var waiting = StreamRows()
  /// Rows released, from `next` on not yet taken by the join.
  private var ready = StreamRows()
  private var next = 0
  private var previous: (time: Timestamp, line: Int32)?
  /// Whether every row has been read and released.
  private(set) var done = false

  init(_ source: CSVSource, rows: Int, progress: @escaping ProgressObserver) throws {
    self.source = source
    try source.checkFile()
    collector = ColumnCollector(
      path: source.path, request: source.request, timeParser: source.timeParser, delimiter: source.delimiter,
      decimal: source.decimal, spelling: source.spelling, marks: source.marks)
    collector.chunkRows = rows
    collector.onRows = { [unowned self] values, timestamps, lines in
      guard self.collector.hasTimeColumn else { throw self.noTimeColumn }
      for (r, t) in timestamps.enumerated() {
        if let previous = self.previous, t < previous.time {
          throw SeismoError.data(
            source: source.path, line: Int(lines[r]), column: nil,
            message:
              "comes before line \(previous.line) in time; a stream reads rows in file order and cannot sort them: sort the file, or score without --stream"
          )
        }
        self.previous = (t, lines[r])
      }
      self.waiting.append(values: values, timestamps: timestamps, lines: lines)
    }
    cursor = try source.recordReader.cursor(into: collector, progress: progress)
  }

  /// The error for a file without a time column, which a join cannot place.
  private var noTimeColumn: SeismoError {
    .data(
      source: source.path, line: 1, column: nil,
      message:
        "has no time column (time_column auto looks for \(ColumnRequest.automaticTimeDescription)); several files are joined on their times: name it with time_column"
    )
  }

  /// Reads the next chunk of the file and releases the rows it can; at the end, every row.
  /// - Returns: the duplicate rows merged.
  func readMore() throws -> Int {
    guard let cursor else { return 0 }
    var final = false
    if try !cursor.step() {
      try collector.handOn()
      guard !collector.header.isEmpty else { throw SeismoError.file(path: source.path, message: "the file is empty") }
      guard collector.rowsHandedOn > 0 else {
        throw SeismoError.data(source: source.path, line: nil, column: nil, message: "has a header but no data rows")
      }
      guard collector.hasTimeColumn else { throw noTimeColumn }
      (final, self.cursor) = (true, nil)
    }
    defer { done = final }
    guard let (rows, _, merged) = try source.released(from: &waiting, of: collector, final: final) else { return 0 }
    if next > 0 {  // drop what the join took
      ready.removeFirst(next, featureCount: collector.featureNames.count)
      next = 0
    }
    ready.append(values: rows.values, timestamps: rows.timestamps, lines: rows.lines)
    return merged
  }

  /// Whether every released row has been taken.
  var isEmpty: Bool { next == ready.timestamps.count }
  /// The time of the next row to take; nil when none is released.
  var nextTime: Timestamp? { isEmpty ? nil : ready.timestamps[next] }
  /// The time of the last row released; nil before any.
  var lastTime: Timestamp? { ready.timestamps.last }

  /// Copies the next row's values into `values` from `offset` on, and takes it.
  /// - Returns: its line.
  func take(into values: inout [Float], at offset: Int) -> Int32 {
    let f = collector.featureNames.count
    for j in 0..<f { values[offset + j] = ready.values[next * f + j] }
    defer { next += 1 }
    return ready.lines[next]
  }

  /// Lets go of the collector's hold on this file.
  func close() { collector.onRows = nil }
}
