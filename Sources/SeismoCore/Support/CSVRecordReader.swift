import CLibCSV
import Foundation

/// Receives the fields of a CSV file, record by record, from `CSVRecordReader`.
public protocol CSVRecordHandler: AnyObject {
  /// Field `index` (0-based) of the record that started on physical line `line`; `bytes` is
  /// followed by a NUL byte.
  func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int)
  /// The current record ended with `fieldCount` fields; it started on physical line `line`.
  func endRecord(fieldCount: Int, line: Int)
  /// The first error a handler hit; parsing stops once it is set.
  var failure: SeismoError? { get }
  /// Called after each physical line, between records: a handler that streams hands its finished
  /// records on here (and may throw).
  func afterLine() throws
  /// A hint to add to the error for `line`, the bytes of a physical line that libcsv refused
  /// (malformed quoting), or nil.
  func hint(forMalformed line: UnsafeRawBufferPointer) -> String?
}

extension CSVRecordHandler {
  public func afterLine() throws {}
  public func hint(forMalformed line: UnsafeRawBufferPointer) -> String? { nil }
}

/// Streams a CSV file through libcsv (strict RFC 4180 quoting) a chunk at a time, so memory does
/// not grow with the file, tracking physical line numbers so errors can name them, even for
/// quoted fields that span lines. The CSV source reads data files with it, `RunFolder` its own
/// `scores.csv`.
public struct CSVRecordReader {
  /// The file read, and named in errors.
  public let path: String
  public let delimiter: UInt8
  /// Bytes parsed at a time.
  public var chunkSize = 1 << 20
  /// Physical lines at the start that are not parsed (a title or notes above the header); line
  /// numbers still count them.
  public var skipLines: Int
  /// Lines at the end of a file that are not parsed (a source or a note an export writes below
  /// the table); blank lines after and among them are not counted.
  public var skipFooter: Int

  public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), skipLines: Int = 0, skipFooter: Int = 0) {
    self.path = path
    self.delimiter = delimiter
    self.skipLines = skipLines
    self.skipFooter = skipFooter
  }

  /// Reads the file at `path` and reports each record to `handler`, and to `progress` the bytes
  /// read and the file's size after each chunk.
  public func read(into handler: any CSVRecordHandler, progress: ProgressObserver? = nil) throws {
    guard let file = fopen(path, "rb") else {
      throw SeismoError.file(path: path, message: "cannot be read (\(String(cString: strerror(errno))))")
    }
    defer { fclose(file) }
    var status = stat()
    var size = fstat(fileno(file), &status) == 0 ? Int(status.st_size) : 0
    if skipFooter > 0 { size = try footerStart(of: file, size: size) }
    var done = 0
    try parse(into: handler) { buffer, capacity in
      let count = fread(buffer, 1, skipFooter > 0 ? min(capacity, size - done) : capacity, file)
      guard count > 0 || ferror(file) == 0 else { throw SeismoError.file(path: path, message: "read failed") }
      done += count
      if count > 0 { progress?(ProgressCount(done, of: max(size, done), .bytes)) }
      return count
    }
  }

  /// The file's lines that are not blank from physical line `line` (1-based) to its end, when
  /// there are `most` or fewer; nil when there are more, or it cannot be read. It reads the whole
  /// file: for an error's hint.
  public func lastLines(from line: Int, most: Int) -> [String]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var (lines, current, text) = ([String](), 1, [UInt8]())
    func endLine() {
      let trimmed = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      if current >= line, !trimmed.isEmpty { lines.append(trimmed) }
      (current, text) = (current + 1, [])
    }
    while case let read = fread(&buffer, 1, buffer.count, file), read > 0 {
      for byte in buffer[..<read] {
        if byte == 0x0A {
          endLine()
          if lines.count > most { return nil }
        } else if current >= line {
          text.append(byte)
        }
      }
    }
    endLine()  // a last line without a newline
    return lines.count > most ? nil : lines
  }

  /// The byte offset at which the last `skipFooter` lines of `file` (`size` bytes) begin, blank
  /// lines aside: the end of what is read. 0 when they are every line.
  private func footerStart(of file: UnsafeMutablePointer<FILE>, size: Int) throws -> Int {
    let tail = min(size, 1 << 20)
    var bytes = [UInt8](repeating: 0, count: tail)
    guard fseek(file, size - tail, SEEK_SET) == 0, fread(&bytes, 1, tail, file) == tail, fseek(file, 0, SEEK_SET) == 0
    else { throw SeismoError.file(path: path, message: "read failed") }
    var end = tail  // the footer's lines are the ones from `end` on
    for _ in 0..<skipFooter {
      while end > 0, [0x0A, 0x0D, 0x20, 0x09].contains(bytes[end - 1]) { end -= 1 }  // blank lines
      guard let newline = bytes[..<end].lastIndex(of: 0x0A) else {
        guard tail == size else {
          throw SeismoError.file(path: path, message: "its last \(skipFooter) lines (skip_footer) are longer than 1 MB")
        }
        return 0
      }
      end = newline
    }
    return size - tail + end + 1
  }

  /// Parses `text`, a whole file already in memory, and reports each record to `handler`.
  public func read(_ text: UnsafeRawBufferPointer, into handler: any CSVRecordHandler) throws {
    var offset = 0
    try parse(into: handler) { buffer, capacity in
      let count = min(capacity, text.count - offset)
      if count > 0 { buffer.copyMemory(from: text.baseAddress! + offset, byteCount: count) }
      offset += count
      return count
    }
  }

  /// The parse loop: `next` fills the buffer with up to `capacity` bytes and returns how many
  /// (0 at the end).
  private func parse(
    into handler: any CSVRecordHandler, next: (UnsafeMutableRawPointer, _ capacity: Int) throws -> Int
  ) throws {
    var parser = csv_parser()
    guard csv_init(&parser, UInt8(CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI)) == 0 else {
      throw SeismoError.state("libcsv could not initialise")
    }
    defer { csv_free(&parser) }
    csv_set_delim(&parser, delimiter)

    let context = Context(handler: handler)
    let opaque = Unmanaged.passUnretained(context).toOpaque()
    let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { data, length, ctx in
      let context = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
      if context.fieldIndex == 0 { context.recordLine = context.line }
      let bytes = UnsafeBufferPointer(start: data?.assumingMemoryBound(to: UInt8.self), count: length)
      context.handler.field(context.fieldIndex, bytes, line: context.recordLine)
      context.fieldIndex += 1
    }
    let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, ctx in
      let context = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
      context.handler.endRecord(fieldCount: context.fieldIndex, line: context.recordLine)
      context.fieldIndex = 0
    }

    let capacity = max(chunkSize, 3)
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
    defer { buffer.deallocate() }
    var firstChunk = true
    var atLineStart = true
    while true {
      let count = try next(buffer, capacity)
      guard count > 0 else { break }
      var cursor = UnsafeRawPointer(buffer)
      let end = cursor + count
      if firstChunk, let reason = NotText.reason(UnsafeRawBufferPointer(start: cursor, count: count)) {
        throw SeismoError.file(path: path, message: reason)
      }
      // Skip a UTF-8 byte-order mark (a first chunk is at least 3 bytes unless the file is shorter).
      if firstChunk, count >= 3, cursor.load(as: UInt8.self) == 0xEF, cursor.load(fromByteOffset: 1, as: UInt8.self) == 0xBB,
        cursor.load(fromByteOffset: 2, as: UInt8.self) == 0xBF
      {
        cursor += 3
      }
      firstChunk = false
      // Feed up to one physical line at a time so `context.line` is exact when a callback fires;
      // a line cut by the chunk's end continues in the next chunk.
      while cursor < end {
        if atLineStart { context.line += 1 }
        let newline = memchr(cursor, 0x0A, end - cursor)
        let length = newline.map { UnsafeRawPointer($0) - cursor + 1 } ?? (end - cursor)
        if context.line <= skipLines {
          atLineStart = newline != nil
          cursor += length
          continue
        }
        if csv_parse(&parser, cursor, length, onField, onRecord, opaque) != length {
          throw malformed(
            line: context.line, parser: &parser,
            hint: handler.hint(forMalformed: UnsafeRawBufferPointer(start: cursor, count: length)))
        }
        if let failure = handler.failure { throw failure }
        try handler.afterLine()
        atLineStart = newline != nil
        cursor += length
      }
    }
    if csv_fini(&parser, onField, onRecord, opaque) != 0 {
      throw malformed(line: context.line, parser: &parser)
    }
    if let failure = handler.failure { throw failure }
  }

  private func malformed(line: Int, parser: inout csv_parser, hint: String? = nil) -> SeismoError {
    let reason =
      csv_error(&parser) == CSV_EPARSE
      ? "malformed quoting (a quote inside an unquoted field, text after a closing quote, or an unclosed quote)"
        + (hint.map { " " + $0 } ?? "")
      : String(cString: csv_strerror(csv_error(&parser)))
    return SeismoError.data(source: path, line: line, column: nil, message: reason)
  }

  /// State shared with the C callbacks through libcsv's context pointer.
  private final class Context {
    let handler: any CSVRecordHandler
    var line = 0
    var recordLine = 0
    var fieldIndex = 0
    init(handler: any CSVRecordHandler) { self.handler = handler }
  }
}
