import SeismoCore

/// Values written as PostgreSQL text-format literals (for parameters and COPY).
public enum PGText {
  /// `{"a","b"}`: a text[] literal, elements quoted, `"` and `\` escaped.
  public static func array(_ items: [String]) -> String {
    "{"
      + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
      .joined(separator: ",") + "}"
  }

  /// `{1.5,2}`: a real[] literal.
  public static func array(_ values: ArraySlice<Float>) -> String { "{" + values.map { String($0) }.joined(separator: ",") + "}" }

  /// A timestamptz literal in UTC. Row-number time axes become that many seconds after the epoch.
  public static func timestamp(_ t: Timestamp) -> String { CivilTime.format(t, withTime: true) + "+00" }

  /// A bytea literal in hex form.
  public static func bytea(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]("\\x".utf8)
    out.reserveCapacity(2 + bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
