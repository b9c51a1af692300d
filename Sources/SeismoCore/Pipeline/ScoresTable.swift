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

  /// The cells of `name`; a missing column is an error naming the file.
  public func require(_ name: String, path: String) throws -> [Float?] {
    guard let cells = columns[name] else { throw SeismoError.file(path: path, message: "has no '\(name)' column") }
    return cells
  }

  init(csv: String, path: String, indexed: Bool) throws {
    var lines = csv.split(separator: "\n", omittingEmptySubsequences: true)[...]
    guard let headerLine = lines.popFirst() else { throw SeismoError.file(path: path, message: "is empty") }
    let header = Self.fields(headerLine)
    guard header.count >= 2, header[0] == "timestamp", header[1] == "part" else {
      throw SeismoError.file(path: path, message: "is not a Seismo scores file (its header starts \(header.prefix(2)))")
    }
    let parser = TimestampParser()
    var timestamps: [Timestamp] = []
    var parts: [String] = []
    var cells = [[Float?]](repeating: [], count: header.count - 2)
    for (i, line) in lines.enumerated() {
      let fields = Self.fields(line)
      func fail(_ message: String, column: String? = nil) -> SeismoError {
        .data(source: path, line: i + 2, column: column, message: message)
      }
      guard fields.count == header.count else { throw fail("\(fields.count) fields where the header has \(header.count)") }
      if indexed {
        timestamps.append(Timestamp(i))
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
    self.timestamps = timestamps
    self.timeKind = indexed ? .index : .calendar
    self.parts = parts
    columns = Dictionary(zip(header.dropFirst(2), cells), uniquingKeysWith: { first, _ in first })
  }

  /// The fields of one line as `CSVText.line` writes them (RFC 4180 quoting).
  static func fields(_ line: Substring) -> [String] {
    guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    var fields: [String] = []
    var field = ""
    var quoted = false
    var chars = line.makeIterator()
    while let c = chars.next() {
      if quoted {
        if c == "\"" {
          if let next = chars.next() {
            if next == "\"" {
              field.append("\"")
            } else {
              quoted = false
              if next == "," {
                fields.append(field)
                field = ""
              } else {
                field.append(next)
              }
            }
          } else {
            quoted = false
          }
        } else {
          field.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        fields.append(field)
        field = ""
      } else {
        field.append(c)
      }
    }
    fields.append(field)
    return fields
  }
}
