import SeismoCore

extension CSVSource {
  /// The feature columns `load` would read (`ColumnRequest.features`), from the header alone.
  public func indicatorNames() throws -> [String]? {
    guard request.columns.isEmpty else { return request.columns }
    try checkFile()
    let header = HeaderReader()
    do {
      try CSVRecordReader(path: path, delimiter: delimiter).read(into: header)
    } catch is HeaderReader.Done {}
    return request.features(in: header.names)
  }
}

/// Reads a CSV file's first record, the header, and stops.
final class HeaderReader: CSVRecordHandler {
  /// Thrown once the header is read, to stop the reader.
  struct Done: Error {}

  private(set) var names: [String] = []
  private var finished = false
  let failure: SeismoError? = nil

  func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    if !finished { names.append(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)) }
  }

  func endRecord(fieldCount: Int, line: Int) { finished = true }

  func afterLine() throws { if finished { throw Done() } }
}
