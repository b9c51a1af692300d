import Foundation

/// A worker's log: one logfmt line per event on stderr, with the worker, and the job and
/// indicator when there is one, as fields a log shipper can index:
///
///     time=2026-11-24T04:10:00.120Z level=info worker=host:4711:k3 job=12 indicator=VIX attempt=1 msg=done run=… seconds=0.210
struct WorkerLog: Sendable {
  let worker: String

  /// Logs `message` with `fields` (in order) at `level` (info, warning, error).
  func callAsFunction(_ level: String = "info", _ message: String, _ fields: KeyValuePairs<String, String?> = [:]) {
    var line = "time=\(Self.now()) level=\(level) worker=\(Self.value(worker))"
    for (key, value) in fields { if let value { line += " \(key)=\(Self.value(value))" } }
    line += " msg=\(Self.value(message))"
    Console.err(Console.oneLine(line))
  }

  /// `text` bare when it has no space, quote or `=`, else quoted with `"` and `\` escaped.
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
