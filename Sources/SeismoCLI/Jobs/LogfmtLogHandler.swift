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
    let fields = metadata.merging(event.metadata ?? [:]) { $1 }
    let keys =
      Self.leading.filter { fields[$0] != nil } + fields.keys.filter { !Self.leading.contains($0) }.sorted()
    var text = "time=\(Self.now()) level=\(event.level)"
    for key in keys { text += " \(key)=\(Self.value("\(fields[key]!)"))" }
    text += " msg=\(Self.value(event.message.description))"
    Console.err(Console.oneLine(text))
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
