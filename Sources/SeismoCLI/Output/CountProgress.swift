import Foundation

/// Progress of long work counted in rows (`ingest`'s rows written) or bytes (a CSV file read), on
/// stderr: one updating line when stderr is a terminal, nothing otherwise (a log gets the
/// command's closing line).
final class CountProgress {
  /// What is counted.
  enum Unit {
    /// Shown as `writing 1,230,000 of 2,000,000 rows (61 %)`.
    case rows
    /// Shown in MiB: `reading market.csv: 310.2 of 689.9 MB (45 %)`.
    case bytes
  }

  let label: String
  let unit: Unit
  let isTerminal: Bool
  private var shown = false

  init(_ label: String, unit: Unit, isTerminal: Bool = isatty(STDERR_FILENO) != 0) {
    self.label = label
    self.unit = unit
    self.isTerminal = isTerminal
  }

  /// Shows that `done` of `total` are through.
  func update(_ done: Int, of total: Int) {
    guard isTerminal else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + describe(done: done, total: total)).utf8))
    shown = true
  }

  /// Clears the line, if one is showing.
  func finish() {
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    shown = false
  }

  /// The line for `done` of `total`.
  func describe(done: Int, total: Int) -> String {
    let percent = total > 0 ? 100 * done / total : 100
    switch unit {
    case .rows: return "\(label) \(Self.grouped(done)) of \(Self.grouped(total)) rows (\(percent) %)"
    case .bytes:
      let mib = { (bytes: Int) in String(format: "%.1f", Double(bytes) / 1_048_576) }
      return "\(label) \(mib(done)) of \(mib(total)) MB (\(percent) %)"
    }
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
