import Foundation

/// A CSV file cut at line starts into parts that are parsed at once, each by a parser and a
/// handler of its own, on a core of its own.
///
/// The first part is the file's start (skipped lines, header, rows); each later part is read
/// after a `prefix` of the header line and the first data line, so that its handler knows the
/// columns and has seen the first row, as a handler reading the whole file has by then. Its
/// lines are numbered from the prefix's: its own first line is line `prefixLines + 1`.
///
/// A cut inside a quoted field that spans lines leaves the part before it in a quote at its
/// end, which libcsv refuses (`CSV_STRICT_FINI`): a reader of parts that meets any error reads
/// the file whole instead, so that every error is the one a whole read gives.
public struct CSVFileParts: Sendable {
  /// The header line and the first data line, each with its line end.
  let prefix: [UInt8]
  /// The lines of `prefix`: a later part's own lines are numbered from the one after.
  public static let prefixLines = 2
  /// The physical line of the first data line.
  public let firstRowLine: Int
  /// Where each part starts, in bytes, and where the last ends.
  public let bounds: [Int]

  /// The most bytes the header and first data lines may take together: more is not a table cut
  /// in parts.
  static let largestPrefix = 1 << 16

  /// The cuts of `reader`'s file into `reading.most` parts (or fewer) of at least
  /// `reading.smallest` bytes each, at line starts; nil when it is not cut: smaller, with a footer
  /// to skip, with a quote in its header or first data line (where a field may span lines), or
  /// with no data line.
  public init?(_ reader: CSVRecordReader, _ reading: PartedReading) {
    let (count, smallest) = (reading.most, reading.smallest)
    guard count > 1, reader.skipFooter == 0, let file = fopen(reader.path, "rb") else { return nil }
    defer { fclose(file) }
    var status = stat()
    guard fstat(fileno(file), &status) == 0 else { return nil }
    let size = Int(status.st_size)
    let parts = min(count, size / max(smallest, 1))
    guard parts > 1 else { return nil }
    var head = [UInt8](repeating: 0, count: min(size, Self.largestPrefix))
    guard fread(&head, 1, head.count, file) == head.count else { return nil }
    // The lines after a byte-order mark: the skipped ones, the header, then the first with
    // anything but blanks and separators (a row of empty cells is skipped).
    var start = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var line = 0
    var header: Range<Int>?
    var firstRow: Range<Int>?
    while firstRow == nil, start < head.count, let newline = head[start...].firstIndex(of: 0x0A) {
      line += 1
      let text = start..<(newline + 1)
      if line == reader.skipLines + 1 {
        header = text
      } else if line > reader.skipLines + 1,
        head[text].contains(where: { ![0x0A, 0x0D, 0x20, 0x09, reader.delimiter].contains($0) })
      {
        firstRow = text
      }
      start = newline + 1
    }
    guard let header, let firstRow else { return nil }
    let prefix = Array(head[header] + head[firstRow])
    guard !prefix.contains(0x22) else { return nil }
    // Each cut at the first line start at or past an even share of the file, after the first
    // data line and the cut before.
    var bounds = [0]
    for k in 1..<parts {
      let share = max(size * k / parts, firstRow.upperBound, bounds.last! + 1)
      guard let cut = Self.lineStart(in: file, atOrAfter: share, size: size), cut < size else { break }
      bounds.append(cut)
    }
    guard bounds.count > 1 else { return nil }
    self.prefix = prefix
    firstRowLine = line
    self.bounds = bounds + [size]
  }

  /// The parts' count.
  public var count: Int { bounds.count - 1 }

  /// A cursor over part `k` (from 0), which reports its records to `handler` and to `progress`
  /// the part's bytes read.
  public func cursor(
    _ k: Int, of reader: CSVRecordReader, into handler: any CSVRecordHandler, progress: ProgressObserver?
  ) throws -> CSVRecordCursor {
    var reader = reader
    if k > 0 { reader.skipLines = 0 }
    return try reader.cursor(
      into: handler, bytes: bounds[k]..<bounds[k + 1], after: k > 0 ? prefix : [], progress: progress)
  }

  /// Reads every part at once, part `k` into `handlers[k]`, each on a thread of its own, and
  /// returns each part's lines; nil for a part that met an error, where a reader of parts reads
  /// the file whole, to meet the error a whole read meets. `progress(k)` hears part `k`'s bytes.
  public func read(
    _ reader: CSVRecordReader, into handlers: [any CSVRecordHandler],
    progress: @Sendable (Int) -> ProgressObserver? = { _ in nil }
  ) -> [Int?] {
    var lines = [Int?](repeating: nil, count: count)
    lines.withUnsafeMutableBufferPointer { lines in
      let shared = UnsafeTransfer((handlers, lines))
      DispatchQueue.concurrentPerform(iterations: count) { k in
        let (handlers, lines) = shared.value
        lines[k] = try? {
          let cursor = try self.cursor(k, of: reader, into: handlers[k], progress: progress(k))
          while try cursor.step() {}
          return cursor.lines
        }()
      }
    }
    return lines
  }

  /// The first line start at or after `offset` (> 0) in `file` (`size` bytes): just past the
  /// first line end at or after `offset − 1`; nil when there is none.
  private static func lineStart(in file: UnsafeMutablePointer<FILE>, atOrAfter offset: Int, size: Int) -> Int? {
    guard fseek(file, offset - 1, SEEK_SET) == 0 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var position = offset - 1
    while position < size {
      let count = fread(&buffer, 1, buffer.count, file)
      guard count > 0 else { return nil }
      if let newline = buffer[..<count].firstIndex(of: 0x0A) { return position + newline + 1 }
      position += count
    }
    return nil
  }
}
