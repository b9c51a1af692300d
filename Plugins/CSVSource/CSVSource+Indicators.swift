import SeismoCore

extension CSVSource {
  /// The features `load` would read (`ColumnRequest.features`, or `featureSources` for joined or
  /// renamed files), from the headers alone.
  public func indicatorNames() throws -> [String]? {
    if paths.count > 1 || !renames.isEmpty { return try featureSources().map(\.name) }
    guard request.columns.isEmpty else { return request.columns }
    return request.features(in: try header())
  }
}

/// Reads a CSV file's first record, the header, and stops.
final class HeaderReader: CSVRecordHandler {
  /// Thrown once the header is read, to stop the reader.
  struct Done: Error {}

  private(set) var names: [String] = []
  private var finished = false
  let failure: SeismoError? = nil
  /// Names the separator that would read a header libcsv refused.
  let separators: SeparatorAdvice

  init(separators: SeparatorAdvice) { self.separators = separators }

  func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    if !finished { names.append(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)) }
  }

  func endRecord(fieldCount: Int, line: Int) { finished = true }

  func afterLine() throws { if finished { throw Done() } }

  func hint(forMalformed line: UnsafeRawBufferPointer) -> String? { separators.hint(forMalformed: line) }
}
