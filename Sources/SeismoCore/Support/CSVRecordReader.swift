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
public struct CSVRecordReader: Sendable {
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
    let cursor = try self.cursor(into: handler, progress: progress)
    while try cursor.step() {}
  }

  /// A cursor over the file at `path`, which reports its records to `handler` a chunk at a time,
  /// as `step` is called, and to `progress` the bytes read and the file's size after each chunk.
  public func cursor(into handler: any CSVRecordHandler, progress: ProgressObserver? = nil) throws -> CSVRecordCursor {
    try cursor(into: handler, bytes: nil, progress: progress)
  }

  /// A cursor over the file's `bytes` (from its start to its end, or its footer, when nil), read
  /// after the lines `prefix` (`CSVFileParts`), which reports to `progress` the file's bytes read
  /// of those it reads.
  func cursor(
    into handler: any CSVRecordHandler, bytes: Range<Int>?, after prefix: [UInt8] = [], progress: ProgressObserver?
  ) throws -> CSVRecordCursor {
    guard let file = fopen(path, "rb") else {
      throw SeismoError.file(path: path, message: "cannot be read (\(String(cString: strerror(errno))))")
    }
    var status = stat()
    var size = fstat(fileno(file), &status) == 0 ? Int(status.st_size) : 0
    do {
      if let bytes {
        size = bytes.count
        guard fseek(file, bytes.lowerBound, SEEK_SET) == 0 else { throw SeismoError.file(path: path, message: "read failed") }
      } else if skipFooter > 0 {
        size = try footerStart(of: file, size: size)
      }
    } catch {
      fclose(file)
      throw error
    }
    var done = 0
    var prefix = prefix[...]
    let (path, bounded) = (path, skipFooter > 0 || bytes != nil)
    return try CSVRecordCursor(
      reader: self, handler: handler,
      next: { buffer, capacity in
        if !prefix.isEmpty {  // the prefix is less than a chunk (`CSVFileParts.largestPrefix`)
          let count = prefix.count
          prefix.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: count) }
          prefix = []
          return count
        }
        let count = fread(buffer, 1, bounded ? min(capacity, size - done) : capacity, file)
        guard count > 0 || ferror(file) == 0 else { throw SeismoError.file(path: path, message: "read failed") }
        done += count
        if count > 0 { progress?(ProgressCount(done, of: max(size, done), .bytes)) }
        return count
      }, close: { fclose(file) })
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
}
