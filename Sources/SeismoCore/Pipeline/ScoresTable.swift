import Foundation

/// `scores.csv` read back: its rows in order, each cell a number or empty.
///
/// Row i is input row i. On a calendar axis its timestamp is parsed from the file; on a row-number
/// axis it is i, as a CSV read without a time column numbers its rows, so labels read that way
/// line up.
public struct ScoresTable: Sendable, Equatable {
  public let timestamps: [Timestamp]
  public let timeKind: Frame.TimeKind
  /// Each row's `part`: `train` or `test`.
  public let parts: [String]
  private let columns: [String: [Float?]]

  public var rowCount: Int { timestamps.count }

  /// The cells of `name` (nil for an empty cell), or nil when the file has no such column (runs
  /// written by older versions lack the newer ones).
  public func column(_ name: String) -> [Float?]? { columns[name] }

  /// An ensemble's `members`' own scores and cut-offs of every row (`member_<k>_score`,
  /// `member_<k>_threshold`; an empty cell is NaN, or an infinite cut-off); nil for one detector,
  /// or a file written before they were kept.
  public func memberScores(members: Int) -> MemberScores? {
    guard members > 1 else { return nil }
    let scores = (1...members).compactMap { column("member_\($0)_score") }
    let cutoffs = (1...members).compactMap { column("member_\($0)_threshold") }
    guard scores.count == members, cutoffs.count == members else { return nil }
    return MemberScores(scores: scores.map { $0.map { $0 ?? .nan } }, cutoffs: cutoffs.map { $0.map { $0 ?? .infinity } })
  }

  /// The cells of `name`; a missing column is an error naming the file.
  public func require(_ name: String, path: String) throws -> [Float?] {
    guard let cells = columns[name] else { throw SeismoError.file(path: path, message: "has no '\(name)' column") }
    return cells
  }

  /// Reads the `scores.csv` at `path` a chunk at a time, each cell parsed from its bytes;
  /// `indexed`: the run's time axis is row numbers. Reading the whole text into a string first,
  /// and each cell into one, took 9 s and 1.2 GB for a run of 5,000,000 rows. A large file is
  /// read in parts at once (`CSVFileParts`, `reading`): a 1M-row run of 8 features has 207 MB of them.
  init(path: String, indexed: Bool, reading: PartedReading = .standard) throws {
    let reader = CSVRecordReader(path: path)
    let cells: Cells
    if let parted = Self.cellsInParts(reader, indexed: indexed, reading) {
      cells = parted
    } else {
      cells = Cells(path: path, indexed: indexed)
      try reader.read(into: cells)
    }
    guard !cells.header.isEmpty else { throw SeismoError.file(path: path, message: "is empty") }
    timestamps = cells.timestamps
    timeKind = indexed ? .index : .calendar
    parts = cells.parts
    columns = Dictionary(zip(cells.header.dropFirst(2), cells.columns), uniquingKeysWith: { first, _ in first })
  }

  /// The file's cells read a part a handler, at once, and joined as a whole read gives them; nil
  /// when the file is not cut into parts, or when a part meets any error (which the whole read
  /// then meets, on its line).
  private static func cellsInParts(_ reader: CSVRecordReader, indexed: Bool, _ parts: PartedReading) -> Cells? {
    guard let cuts = CSVFileParts(reader, parts) else { return nil }
    let cells = (0..<cuts.count).map { _ in Cells(path: reader.path, indexed: indexed) }
    guard !cuts.read(reader, into: cells).contains(nil) else { return nil }
    return Cells.joined(cells)
  }

  /// The cells of `scores.csv` as they are read: the header, then each row's time, part and
  /// numbers, by column. Its state is touched for every cell, by its own methods only, on the
  /// reading thread: the runtime's access checks on it took 7 % of reading a large file.
  private final class Cells: CSVRecordHandler {
    let path: String
    let indexed: Bool
    let parser = TimestampParser()
    @exclusivity(unchecked) var header: [String] = []
    @exclusivity(unchecked) var inHeader = true
    @exclusivity(unchecked) var timestamps: [Timestamp] = []
    @exclusivity(unchecked) var parts: [String] = []
    @exclusivity(unchecked) var columns: [[Float?]] = []
    @exclusivity(unchecked) private(set) var failure: SeismoError? {
      didSet { failed = failure != nil }
    }
    /// Whether `failure` is set, as each cell asks: reading the optional error there took a
    /// call of the error type's layout, 3 % of `seismo report` (`perf`).
    @exclusivity(unchecked) private var failed = false

    init(path: String, indexed: Bool) {
      self.path = path
      self.indexed = indexed
    }

    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
      guard !failed else { return }
      guard !inHeader else { return header.append(String(decoding: bytes, as: UTF8.self)) }
      switch index {
      case 0:
        guard !indexed else { return }
        guard let t = parser.parse(bytes) else { return fail(line, "'\(text(bytes))' is not a timestamp", column: "timestamp") }
        timestamps.append(t)
      case 1:
        parts.append(Self.equal(bytes, "train") ? "train" : Self.equal(bytes, "test") ? "test" : text(bytes))
      case 2..<header.count:
        guard !bytes.isEmpty else { return columns[index - 2].append(nil) }
        guard let value = Self.number(bytes) else {
          return fail(line, "'\(text(bytes))' is not a finite number", column: header[index])
        }
        columns[index - 2].append(value)
      default:
        return  // a field past the header's: the record's end says so
      }
    }

    func endRecord(fieldCount: Int, line: Int) {
      guard !failed else { return }
      guard !inHeader else {
        inHeader = false
        guard header.count >= 2, header[0] == "timestamp", header[1] == "part" else {
          failure = .file(path: path, message: "is not a Seismo scores file (its header starts \(header.prefix(2)))")
          return
        }
        columns = [[Float?]](repeating: [], count: header.count - 2)
        return
      }
      guard fieldCount == header.count else { return fail(line, "\(fieldCount) fields where the header has \(header.count)") }
      if indexed { timestamps.append(Timestamp(timestamps.count)) }
    }

    /// `parts`, the file's parts in order, joined into the first: each later part's rows but its
    /// first, the file's first row, which it read after the header to start as the whole read had.
    /// Each column is joined into an array of its own length as the parts' copies of it are let
    /// go: growing the first part's arrays instead took `seismo report` of a 1M-row, 8-feature run
    /// to 317 MB at its peak, where a whole read takes 252 MB; joined so, 260 MB.
    static func joined(_ parts: [Cells]) -> Cells {
      let whole = parts[0]
      let later = parts.dropFirst()
      let rows = whole.parts.count + later.reduce(0) { $0 + $1.parts.count - 1 }
      func joined<T>(_ cells: ReferenceWritableKeyPath<Cells, [T]>) -> [T] {
        var all: [T] = []
        all.reserveCapacity(rows)
        all += whole[keyPath: cells]
        whole[keyPath: cells] = []
        for part in later {
          all += part[keyPath: cells].dropFirst()
          part[keyPath: cells] = []
        }
        return all
      }
      whole.timestamps = whole.indexed ? Array(0..<Timestamp(rows)) : joined(\.timestamps)
      whole.parts = joined(\.parts)
      for c in whole.columns.indices { whole.columns[c] = joined(\.columns[c]) }
      return whole
    }

    private func fail(_ line: Int, _ message: String, column: String? = nil) {
      failure = .data(source: path, line: line, column: column, message: message)
    }

    private func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
      UnsafeRawBufferPointer(bytes).elementsEqual(UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }

    /// The finite number a cell (NUL-terminated, as the reader hands it) holds whole, as
    /// `Float(String)` reads it: no blanks around it; nil otherwise. Most cells, as `detect`
    /// writes them, are exact decimals (`ExactDecimal`): `strtof` took a fifth of `seismo report`.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
      if let value = ExactDecimal.float(bytes) { return value }
      guard let start = bytes.baseAddress, ![0x20, 0x09, 0x0A, 0x0D].contains(bytes[0]) else { return nil }
      var end: UnsafeMutablePointer<CChar>?
      let value = start.withMemoryRebound(to: CChar.self, capacity: bytes.count + 1) { strtof($0, &end) }
      guard end.map({ UnsafeRawPointer($0) == UnsafeRawPointer(start + bytes.count) }) == true, value.isFinite else {
        return nil
      }
      return value
    }
  }
}
