/// Writing CSV text (RFC 4180 quoting).
public enum CSVText {
  /// `field` quoted when it holds a comma, quote, CR or LF; inner quotes doubled.
  public static func escape(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// One CSV line (without the newline).
  public static func line(_ fields: [String]) -> String { fields.map(escape).joined(separator: ",") }
}
