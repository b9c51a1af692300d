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
    var joined = JoinedStreamRows(parts: parts, names: features.map(\.name), pairs: true)
    var having: [Int] = []  // the files with a row at the time joined

    /// Hands the joined rows on as a piece.
    func handOn() throws {
      let written = files.first { !$0.collector.timesWrittenWithOffset.isEmpty }?.collector.timesWrittenWithOffset
      guard let table = try joined.piece(of: self, timesWrittenWithOffset: written ?? []) else { return }
      try body(loaded(table))
    }

    while true {
      // Every file still read needs a row to say how far it has come.
      if let k = files.indices.first(where: { !files[$0].done && files[$0].isEmpty }) {
        joined.merged += try files[k].readMore()
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
        joined.add(t, having: having) { files[$0].take(into: &$1, at: $2) }
        joinedAny = true
        if joined.count >= rows { try handOn() }
      }
      if reading.isEmpty { break }
      if !joinedAny, let k = files.indices.filter({ !files[$0].done }).min(by: { files[$0].lastTime! < files[$1].lastTime! }) {
        joined.merged += try files[k].readMore()
      }
    }
    try checkSharedTimes(joined.times, parts: parts)
    try refuseOneSeriesCutByTime(joined.times, columns: parts.map(\.columns))
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
  private var order = TimeOrder()
  /// Whether every row has been read and released.
  private(set) var done = false

  init(_ source: CSVSource, rows: Int, progress: @escaping ProgressObserver) throws {
    self.source = source
    try source.checkFile()
    collector = source.collector(chunkRows: rows)
    collector.onRows = { [unowned self] values, timestamps, lines in
      try self.order.check(timestamps, lines: lines) { (source.path, Int($0)) }
      self.waiting.append(StreamRows(values: values, timestamps: timestamps, lines: lines))
    }
    cursor = try source.recordReader.cursor(into: collector, progress: progress)
  }

  /// Reads the next chunk of the file and releases the rows it can; at the end, every row.
  /// - Returns: the duplicate rows merged.
  func readMore() throws -> Int {
    guard let cursor else { return 0 }
    var final = false
    if try !cursor.step() {
      try collector.finishStream()
      (final, self.cursor) = (true, nil)
    }
    defer { done = final }
    guard let (rows, _, merged) = try source.released(from: &waiting, of: collector, final: final) else { return 0 }
    if next > 0 {  // drop what the join took
      ready.removeFirst(next, featureCount: collector.featureNames.count)
      next = 0
    }
    ready.append(rows)
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
