import Foundation

/// Where the CLI talks to people: results to stdout, progress and errors to stderr.
enum Console {
  /// A line on stdout.
  static func out(_ line: String) {
    print(line)
  }

  /// A line on stderr (progress, warnings, errors).
  static func err(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  /// A line of a command's account of its work on stderr; with `--quiet`, only a warning
  /// (`warning: …`), which a quiet nightly job still needs to hear.
  static func narrate(_ line: String, quiet: Bool) {
    if !quiet || line.hasPrefix("warning: ") { err(line) }
  }

  /// Rows on stdout, tab-separated under a `header` line, each cell made safe (`oneLine`; NULL
  /// empty).
  static func table(_ header: [String], _ rows: [[String?]]) {
    out(header.joined(separator: "\t"))
    for row in rows { out(row.map { oneLine($0 ?? "") }.joined(separator: "\t")) }
  }

  /// Rows on stdout as a JSON array of objects, for `--json`: each cell under its column's key, as
  /// a number in the `integers` columns, NULL as null.
  static func json(_ keys: [String], _ rows: [[String?]], integers: Set<String> = []) throws {
    guard !rows.isEmpty else { return out("[]") }  // not the pretty printer's "[\n\n]"
    let objects = rows.map { row in
      Dictionary(
        uniqueKeysWithValues: zip(keys, row).map { key, cell -> (String, Any) in
          guard let cell else { return (key, NSNull()) }
          return (key, integers.contains(key) ? (Int(cell) as Any? ?? cell) : cell)
        })
    }
    out(
      String(
        decoding: try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
  }

  /// An error as one safe, bounded line on stderr: `error: <message>`.
  static func error(_ message: String) {
    err("error: " + oneLine(message))
  }

  /// `text` made safe to print as one terminal line: control characters (newlines, escape
  /// sequences that could clear or recolour the screen) shown as `\n`, `\t` or `\u{1B}`; a
  /// quoted piece of input longer than 80 characters cut to 77 and `…`; the whole line at most
  /// 1,000 characters.
  static func oneLine(_ text: String) -> String {
    var escaped = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": escaped += "\\n"
      case "\r": escaped += "\\r"
      case "\t": escaped += "\\t"
      case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
        escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      default: escaped.unicodeScalars.append(scalar)
      }
    }
    // A single quote inside a word (`the model's`) is an apostrophe: a quote opens after a
    // character that is not a letter or digit, and closes before one.
    let wordy: (Character?) -> Bool = { $0.map { $0.isLetter || $0.isNumber } ?? false }
    var shortened = ""
    var rest = Substring(escaped)
    func isOpening(_ i: Substring.Index) -> Bool {
      rest[i] == "\"" || (rest[i] == "'" && !wordy(i > rest.startIndex ? rest[rest.index(before: i)] : nil))
    }
    while let open = rest.indices.first(where: isOpening),
      let close = rest.indices[rest.index(after: open)...].first(where: { i in
        rest[i] == rest[open]
          && (rest[i] == "\"" || !wordy(rest.index(after: i) < rest.endIndex ? rest[rest.index(after: i)] : nil))
      })
    {
      let inner = rest[rest.index(after: open)..<close]
      shortened += rest[...open] + (inner.count > 80 ? inner.prefix(77) + "…" : inner) + String(rest[open])
      rest = rest[rest.index(after: close)...]
    }
    shortened += rest
    return shortened.count > 1000 ? String(shortened.prefix(999)) + "…" : shortened
  }
}
