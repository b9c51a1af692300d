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

  init(path: String, column: String?) throws {
    self.path = path
    if let column {
      shape = .column(column)
      return
    }
    let bytes = try readFile(path, folderHint: "give a file of labels")
    let text = String(decoding: bytes, as: UTF8.self)
    if text.drop(while: \.isWhitespace).first == "{" {
      guard let json = try? JSONSerialization.jsonObject(with: bytes) as? [String: [[String]]] else {
        throw SeismoError.file(path: path, message: "not a JSON object of label windows ({key: [[start, end], ...]})")
      }
      shape = .windows(json)
      return
    }
    var marked = Set<Timestamp>()
    let iso = TimestampParser()
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let cell = (line.firstIndex(of: "#").map { line[..<$0] } ?? line).trimmingCharacters(in: .whitespaces)
      guard !cell.isEmpty else { continue }
      if let t = iso.parse(cell) {
        marked.insert(t)
      } else if cell.contains(",") {
        throw SeismoError.data(
          source: path, line: n + 1, column: nil,
          message: "'\(cell)' has several columns; for a CSV of labels, name its 0/1 column with --label-column")
      } else if n > 0 || cell.first?.isNumber == true {
        throw SeismoError.data(source: path, line: n + 1, column: nil, message: "'\(cell)' is not an ISO timestamp")
      }
    }
    shape = .timestamps(marked)
  }
}
