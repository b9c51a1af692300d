import Foundation
import SeismoCore

/// Progress of long work counted in rows (`ingest`'s rows written, a table's rows read), bytes
/// (a CSV file read), windows or pairs of windows (a detector's scoring), scores (a threshold
/// rule's cut-offs) or scorings (permutation importance's), on stderr: one updating line when
/// stderr is a terminal, nothing otherwise (a log gets the command's closing line).
final class CountProgress {
  /// The terminal line that the counts of a command's stages share, each overwriting the last
  /// (scoring, then cutting): whether one is showing, to be cleared once.
  final class Line {
    var shown = false
  }

  let label: String
  let isTerminal: Bool
  private let line: Line

  init(_ label: String, isTerminal: Bool = isatty(STDERR_FILENO) != 0, sharing line: Line = Line()) {
    self.label = label
    self.isTerminal = isTerminal
    self.line = line
  }

  /// Shows `count`.
  func update(_ count: ProgressCount) {
    guard isTerminal else { return }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + describe(count)).utf8))
    line.shown = true
  }

  /// Clears the line, if one is showing.
  func finish() {
    if line.shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    line.shown = false
  }

  /// The line for `count`: `writing 1,230,000 of 2,000,000 rows (61 %)`, `reading 310.2 of
  /// 689.9 MB (45 %)`, `scoring 8,192 of 20,000 windows (40 %)`, `cutting 50,000 of 800,000
  /// scores (6 %)`, `explaining 12 of 20 scorings (60 %)`, or without a known total `reading
  /// 430,000 rows`.
  func describe(_ count: ProgressCount) -> String {
    let amount = { (n: Int) in
      count.unit == .bytes ? String(format: "%.1f", Double(n) / 1_048_576) : Self.grouped(n)
    }
    let unit =
      switch count.unit {
      case .rows: "rows"
      case .bytes: "MB"
      case .scorings: "scorings"
      case .windows: "windows"
      case .windowPairs: "pairs of windows"
      case .scores: "scores"
      }
    guard let total = count.total else { return "\(label) \(amount(count.done)) \(unit)" }
    let percent = total > 0 ? 100 * count.done / total : 100
    return "\(label) \(amount(count.done)) of \(amount(total)) \(unit) (\(percent) %)"
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
