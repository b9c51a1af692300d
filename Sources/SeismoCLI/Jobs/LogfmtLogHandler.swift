import Foundation
import Logging

/// A swift-log handler that writes one logfmt line per message on stderr, metadata as fields a
/// log shipper can index (the worker's logger carries `worker`, a job's adds `job`, `indicator`
/// and `attempt`):
///
///     time=2026-11-24T04:10:00.120Z level=info worker=host:4711:k3 job=12 indicator=VIX attempt=1 run=… seconds=0.210 msg=done
struct LogfmtLogHandler: LogHandler {
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .info

  /// Fields written first, in this order; the others follow sorted by name.
  static let leading = ["worker", "job", "indicator", "attempt"]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    Console.err(
      Self.line(
        time: Self.now(), level: event.level, fields: metadata.merging(event.metadata ?? [:]) { $1 },
        message: event.message.description))
  }

  /// One logfmt line. Each value is made one line first (`Console.oneLine`: control characters
  /// escaped, a long quoted piece of input cut), then quoted if it must be; the message, last,
  /// is otherwise whole, however long: a warning or a job's error is read in full.
  static func line(time: String, level: Logger.Level, fields: Logger.Metadata, message: String) -> String {
    let keys = leading.filter { fields[$0] != nil } + fields.keys.filter { !leading.contains($0) }.sorted()
    var text = "time=\(time) level=\(level)"
    for key in keys { text += " \(key)=\(value(Console.oneLine("\(fields[key]!)")))" }
    return text + " msg=\(value(Console.oneLine(message)))"
  }

  /// `text` bare when it has no space, quote, `=` or backslash, else quoted with `"` and `\` escaped.
  static func value(_ text: String) -> String {
    guard text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  static func now() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }
}
