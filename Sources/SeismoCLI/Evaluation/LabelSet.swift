import CSVSource
import Foundation
import SeismoCore

/// The labels of an evaluation: a 0/1 column of a CSV, NAB-style windows, or timestamps.
struct LabelSet {
  enum Shape {
    case column(String)
    case windows([String: [[String]]])
    case timestamps(Set<Timestamp>)
  }

  let path: String
  let shape: Shape
  /// How a CSV of labels (or a list of times) writes its times and fields.
  let format: CSVFormatOptions

  /// Reads the labels at `path`: the CSV's `column` when one is named, else NAB-style windows
  /// (a JSON object, whose key `windowsKey` may name), else one timestamp per line, each read as
  /// `format` says. An option the file's kind would not use is an error, not ignored.
  init(path: String, column: String?, windowsKey: String?, format: CSVFormatOptions) throws {
    self.path = path
    self.format = format
    let bytes = try readFile(path, folderHint: "give a file of labels")
    let text = String(decoding: bytes, as: UTF8.self)
    let isJSON = text.drop(while: \.isWhitespace).first == "{"
    if isJSON, let option = column.map({ _ in "--label-column" }) ?? format.given.first {
      throw SeismoError.file(
        path: path, message: "is a JSON file of label windows, with ISO times and no columns: drop \(option)")
    }
    if !isJSON, windowsKey != nil {
      throw SeismoError.file(
        path: path, message: "is not a JSON file of label windows, so --windows-key has no key to name: drop it")
    }
    if let column {
      shape = .column(column)
      return
    }
    if isJSON {
      guard let json = try? JSONSerialization.jsonObject(with: bytes) as? [String: [[String]]] else {
        throw SeismoError.file(path: path, message: "not a JSON object of label windows ({key: [[start, end], ...]})")
      }
      shape = .windows(json)
      return
    }
    if format.delimiter != "," {
      throw SeismoError.file(
        path: path,
        message:
          "is read as a list of times, one a line, without fields: drop --delimiter (or name its 0/1 column with --label-column)")
    }
    var marked = Set<Timestamp>()
    let parser = TimestampParser(format: format.timeFormat)
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let cell = (line.firstIndex(of: "#").map { line[..<$0] } ?? line).trimmingCharacters(in: .whitespaces)
      guard !cell.isEmpty else { continue }
      if let t = parser.parse(cell) {
        marked.insert(t)
      } else if cell.contains(",") {
        throw SeismoError.data(
          source: path, line: n + 1, column: nil,
          message: "'\(cell)' has several columns; for a CSV of labels, name its 0/1 column with --label-column")
      } else if n > 0 || cell.first?.isNumber == true {
        throw SeismoError.data(
          source: path, line: n + 1, column: nil,
          message: "'\(cell)' is not \(parser.expectation)\(parser.hint(for: cell, spelling: .options))")
      }
    }
    shape = .timestamps(marked)
  }

  /// The times of a labels CSV's rows that have a label in `column` (its row numbers when
  /// `indexed`), and those labelled anomalous. A label is 1 or 0, or `True` or `False` as pandas
  /// writes a boolean column; any other value is an error naming its line (a column of scores
  /// or prices given by mistake would otherwise label every row). An empty cell labels nothing.
  func columnLabels(_ column: String, indexed: Bool) throws -> (rows: [Timestamp], marked: Set<Timestamp>) {
    if indexed, format.timeFormat != "iso" {
      throw SeismoError.file(
        path: path, message: "labels a run without times by row number, so --time-format is not read: drop it")
    }
    let source = try CSVSource(
      paths: [path], columns: [column], timeColumn: indexed ? "none" : "auto",
      timeFormat: indexed ? "iso" : format.timeFormat, delimiter: format.delimiter, gaps: .keep, spelling: .options
    ).readingBooleans()
    let table = try source.readTable()
    var rows: [Timestamp] = []
    var marked = Set<Timestamp>()
    for row in 0..<table.rowCount where !table[row, 0].isNaN {
      let value = table[row, 0]
      guard value == 0 || value == 1 else {
        let shown = value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : "\(value)"
        throw SeismoError.data(
          source: path, line: Int(table.lines[row]), column: "'\(column)'",
          message: "\(shown) is not a label; a label column holds 1 (anomalous) or 0 (normal), or True and False")
      }
      rows.append(table.timestamps[row])
      if value == 1 { marked.insert(table.timestamps[row]) }
    }
    guard !rows.isEmpty else {
      throw SeismoError.data(source: path, line: nil, column: "'\(column)'", message: "every cell is empty: no row is labelled")
    }
    return (rows, marked)
  }
}
