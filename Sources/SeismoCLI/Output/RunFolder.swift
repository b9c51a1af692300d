import CSVSource
import Foundation
import SeismoCore

/// A run folder written by detect or score, read back: its summary and columns of its scores.csv.
struct RunFolder {
  let path: String
  let summary: RunSummary

  init(_ path: String) throws {
    let summaryPath = "\(path)/\(RunDirectory.summaryFile)"
    guard let bytes = FileManager.default.contents(atPath: summaryPath) else {
      throw SeismoError.file(path: summaryPath, message: "no such file; is \(path) a run folder?")
    }
    self.path = path
    summary = try RunSummary.read(from: bytes)
  }

  var scoresPath: String { "\(path)/\(RunDirectory.scoresFile)" }

  /// Whether scores.csv has the `alert` column (runs written before events existed have not).
  var hasAlerts: Bool { hasColumn("alert") }

  /// Whether scores.csv's header names `column` (older runs lack the newer columns).
  func hasColumn(_ column: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: scoresPath) else { return false }
    defer { try? handle.close() }
    let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
    return head.prefix { $0 != "\n" }.split(separator: ",").contains(Substring(column))
  }

  /// Whether the run's time axis is row numbers, as summary.json records it (guessed from the
  /// split's last training timestamp for summaries written before it did).
  var isIndexed: Bool {
    if let axis = summary.timeAxis { return axis == Frame.TimeKind.index.rawValue }
    return !summary.split.trainEnd.isEmpty && TimestampParser().parse(summary.split.trainEnd) == nil
  }

  /// The last training timestamp, or nil when nothing trained (a saved model scored the data).
  var trainEnd: Timestamp? {
    let text = summary.split.trainEnd
    return text.isEmpty ? nil : (TimestampParser().parse(text) ?? Timestamp(text))
  }

  /// Columns of scores.csv on the run's time axis; `gaps: .drop` skips the warm-up rows.
  func scores(_ columns: [String], gaps: GapPolicy) throws -> Frame {
    try CSVSource(path: scoresPath, columns: columns, timeColumn: isIndexed ? "none" : "timestamp", gaps: gaps).load().frame
  }
}
