import Foundation

/// Progress of work counted in rows (`ingest`'s rows written), on stderr: one updating line when
/// stderr is a terminal, nothing otherwise (a log gets the command's closing line).
final class RowProgress {
  let label: String
  let total: Int
  let isTerminal: Bool
  private var shown = false

  init(_ label: String, total: Int, isTerminal: Bool = isatty(STDERR_FILENO) != 0) {
    self.label = label
    self.total = total
    self.isTerminal = isTerminal
  }

  /// Shows that `done` of the `total` rows are through.
  func update(_ done: Int) {
    guard isTerminal else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.describe(label, done: done, total: total)).utf8))
    shown = true
  }

  /// Clears the line, if one is showing.
  func finish() {
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    shown = false
  }

  /// "writing 1,230,000 of 2,000,000 rows (61 %)".
  static func describe(_ label: String, done: Int, total: Int) -> String {
    let percent = total > 0 ? 100 * done / total : 100
    return "\(label) \(grouped(done)) of \(grouped(total)) rows (\(percent) %)"
  }

  /// `n` with a comma between each group of three digits.
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    let head = digits.count % 3 == 0 ? 3 : digits.count % 3
    var text = String(digits.prefix(head))
    var rest = digits.dropFirst(head)
    while !rest.isEmpty {
      text += "," + rest.prefix(3)
      rest = rest.dropFirst(3)
    }
    return (n < 0 ? "-" : "") + text
  }
}
