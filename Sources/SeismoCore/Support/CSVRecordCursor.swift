import CLibCSV
import Foundation

/// A CSV input parsed a chunk at a time, as `step` is called: `CSVRecordReader.read` steps to the
/// end at once; a reader of several files in time order (a joined stream) steps whichever file
/// it needs next. Physical line numbers are tracked for errors, even in quoted fields that span
/// lines; a UTF-8 byte-order mark is skipped, and input that is not UTF-8 text refused.
public final class CSVRecordCursor {
  private let path: String
  private let skipLines: Int
  private let handler: any CSVRecordHandler
  /// Fills the buffer with up to `capacity` bytes and returns how many (0 at the end).
  private let next: (UnsafeMutableRawPointer, _ capacity: Int) throws -> Int
  private let close: () -> Void
  private var parser = csv_parser()
  private let context: Context
  private let buffer: UnsafeMutableRawPointer
  private let capacity: Int
  private var firstChunk = true
  private var atLineStart = true
  /// Whether the input has been read to its end and its last record reported.
  public private(set) var finished = false
  /// The physical lines begun so far (skipped ones too).
  public var lines: Int { context.line }

  /// A cursor reading with `reader`'s settings (path for errors, delimiter, chunk size, lines to
  /// skip) the bytes `next` gives, reporting records to `handler`; `close` is called once when it
  /// is released.
  init(
    reader: CSVRecordReader, handler: any CSVRecordHandler,
    next: @escaping (UnsafeMutableRawPointer, _ capacity: Int) throws -> Int, close: @escaping () -> Void
  ) throws {
    path = reader.path
    skipLines = reader.skipLines
    self.handler = handler
    self.next = next
    self.close = close
    context = Context(handler: handler)
    capacity = max(reader.chunkSize, 3)
    buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 1)
    guard csv_init(&parser, UInt8(CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI)) == 0 else {
      buffer.deallocate()
      close()
      throw SeismoError.state("libcsv could not initialise")
    }
    csv_set_delim(&parser, reader.delimiter)
  }

  deinit {
    csv_free(&parser)
    buffer.deallocate()
    close()
  }

  /// Parses the next chunk of the input and reports its records; at the end of the input,
  /// reports the last record. Returns false once the input is finished (and from then on).
  public func step() throws -> Bool {
    guard !finished else { return false }
    let opaque = Unmanaged.passUnretained(context).toOpaque()
    let count = try next(buffer, capacity)
    guard count > 0 else {
      finished = true
      if csv_fini(&parser, Self.onField, Self.onRecord, opaque) != 0 { throw malformed(line: context.line) }
      if let failure = handler.failure { throw failure }
      return false
    }
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
      if csv_parse(&parser, cursor, length, Self.onField, Self.onRecord, opaque) != length {
        throw malformed(
          line: context.line, hint: handler.hint(forMalformed: UnsafeRawBufferPointer(start: cursor, count: length)))
      }
      if let failure = handler.failure { throw failure }
      try handler.afterLine()
      atLineStart = newline != nil
      cursor += length
    }
    return true
  }

  // The callbacks borrow the context the cursor keeps alive (`_withUnsafeGuaranteedRef`): taken
  // as a reference of their own, it and its handler were retained and released at every field,
  // 4 % of a large file's `detect` (`perf`).
  private static let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = {
    data, length, ctx in
    Unmanaged<Context>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { context in
      if context.fieldIndex == 0 { context.recordLine = context.line }
      let bytes = UnsafeBufferPointer(start: data?.assumingMemoryBound(to: UInt8.self), count: length)
      context.handler.field(context.fieldIndex, bytes, line: context.recordLine)
      context.fieldIndex += 1
    }
  }

  private static let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, ctx in
    Unmanaged<Context>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { context in
      context.handler.endRecord(fieldCount: context.fieldIndex, line: context.recordLine)
      context.fieldIndex = 0
    }
  }

  private func malformed(line: Int, hint: String? = nil) -> SeismoError {
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
