/// `scores.csv` read back: its rows in order, each cell a number or empty.
///
/// Row i is input row i. On a calendar axis its timestamp is parsed from the file; on a row-number
/// axis it is i, as a CSV read without a time column numbers its rows, so labels read that way
/// line up.
public struct ScoresTable: Sendable {
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

  init(csv: String, path: String, indexed: Bool) throws {
    var header: [String] = []
    let parser = TimestampParser()
    var timestamps: [Timestamp] = []
    var parts: [String] = []
    var cells: [[Float?]] = []
    let records = Records { fields, line in
      func fail(_ message: String, column: String? = nil) -> SeismoError {
        .data(source: path, line: line, column: column, message: message)
      }
      guard !header.isEmpty else {
        guard fields.count >= 2, fields[0] == "timestamp", fields[1] == "part" else {
          throw SeismoError.file(path: path, message: "is not a Seismo scores file (its header starts \(fields.prefix(2)))")
        }
        header = fields
        cells = [[Float?]](repeating: [], count: fields.count - 2)
        return
      }
      guard fields.count == header.count else { throw fail("\(fields.count) fields where the header has \(header.count)") }
      if indexed {
        timestamps.append(Timestamp(timestamps.count))
      } else {
        guard let t = parser.parse(fields[0]) else { throw fail("'\(fields[0])' is not a timestamp", column: "timestamp") }
        timestamps.append(t)
      }
      parts.append(fields[1])
      for k in 2..<fields.count {
        let text = fields[k]
        if text.isEmpty {
          cells[k - 2].append(nil)
        } else {
          guard let v = Float(text), v.isFinite else { throw fail("'\(text)' is not a finite number", column: header[k]) }
          cells[k - 2].append(v)
        }
      }
    }
    try Array(csv.utf8).withUnsafeBytes { try CSVRecordReader(path: path).read($0, into: records) }
    guard !header.isEmpty else { throw SeismoError.file(path: path, message: "is empty") }
    self.timestamps = timestamps
    self.timeKind = indexed ? .index : .calendar
    self.parts = parts
    columns = Dictionary(zip(header.dropFirst(2), cells), uniquingKeysWith: { first, _ in first })
  }

  /// Hands each record's fields, as text, to `body` with the line it started on; the first error
  /// `body` throws stops the reading.
  private final class Records: CSVRecordHandler {
    private let body: ([String], Int) throws -> Void
    private var fields: [String] = []
    private(set) var failure: SeismoError?

    init(_ body: @escaping ([String], Int) throws -> Void) { self.body = body }

    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
      fields.append(String(decoding: bytes, as: UTF8.self))
    }

    func endRecord(fieldCount: Int, line: Int) {
      defer { fields.removeAll(keepingCapacity: true) }
      guard failure == nil else { return }
      do {
        try body(fields, line)
      } catch let error as SeismoError {
        failure = error
      } catch {
        failure = .state("\(error)")
      }
    }
  }
}
