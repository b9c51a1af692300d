import SeismoCore

/// Values written as PostgreSQL text-format literals (for parameters and COPY).
public enum PGText {
  /// `{"a","b"}`: an array literal, elements quoted, `"` and `\` escaped; it casts to any
  /// element type (`$1::bigint[]`, `$1::float8[]`) as well as to text[].
  /// Built byte by byte: Foundation's `replacingOccurrences`, twice an element, took a third of
  /// the client's time storing a 1M-row run with 48,000 events.
  public static func array(_ items: [String]) -> String {
    let (quote, backslash) = (UInt8(ascii: "\""), UInt8(ascii: "\\"))
    var out: [UInt8] = [UInt8(ascii: "{")]
    out.reserveCapacity(2 + items.reduce(0) { $0 + $1.utf8.count + 3 })
    for (k, item) in items.enumerated() {
      if k > 0 { out.append(UInt8(ascii: ",")) }
      out.append(quote)
      for byte in item.utf8 {
        if byte == quote || byte == backslash { out.append(backslash) }
        out.append(byte)
      }
      out.append(quote)
    }
    out.append(UInt8(ascii: "}"))
    return String(decoding: out, as: UTF8.self)
  }

  /// `'it''s'`: a string constant for SQL that takes no parameter (a trigger's arguments), its
  /// quotes doubled (the server's standard_conforming_strings leaves backslashes as they are).
  public static func constant(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

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

  /// The bytes of a bytea in hex form (`\x0a1b…`, as the server sends it in text format), or nil
  /// when the text is not one.
  public static func bytes(fromBytea text: String) -> [UInt8]? {
    let hex = Array(text.utf8)
    guard hex.count >= 2, hex[0] == UInt8(ascii: "\\"), hex[1] == UInt8(ascii: "x"), hex.count % 2 == 0 else { return nil }
    func value(_ c: UInt8) -> UInt8? {
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
      default: return nil
      }
    }
    var out: [UInt8] = []
    out.reserveCapacity((hex.count - 2) / 2)
    var i = 2
    while i < hex.count {
      guard let high = value(hex[i]), let low = value(hex[i + 1]) else { return nil }
      out.append(high << 4 | low)
      i += 2
    }
    return out
  }
}
