/// How a CSV file writes the fraction of a number.
///
/// - `point` (default): `1234.5`, as `strtof` reads it.
/// - `comma`: `1234,5` or `1.234,5`, as European exports write numbers; a point may then only
///   group thousands (`1.5` is refused, not read as 15). Such a file is usually separated by `;`.
public enum DecimalMark: String, Sendable, CaseIterable {
  case point, comma

  /// Writes `cell`, a number with a decimal comma (`-1.234,5`), into `out` with a decimal point
  /// (`-1234.5`), replacing what `out` held; false when it has more than one comma, or a point
  /// that does not group thousands. `out` is the caller's, reused from cell to cell.
  static func point(_ cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    out.removeAll(keepingCapacity: true)
    var commas = 0
    var points = 0
    var digits = 0  // digits since the start of the number, or since the last point
    var other = false  // anything but blanks, a sign and digits before the first point
    for byte in cell {
      switch byte {
      case UInt8(ascii: ","):
        guard commas == 0, points == 0 || digits == 3 else { return false }
        commas += 1
        out.append(UInt8(ascii: "."))
      case UInt8(ascii: ".") where commas == 0:
        // The first point follows 1 to 3 digits, each later one exactly 3.
        guard points == 0 ? !other && (1...3).contains(digits) : digits == 3 else { return false }
        points += 1
        digits = 0
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        digits += 1
        out.append(byte)
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "+"),
        UInt8(ascii: "-") where commas == 0 && digits == 0:
        guard points == 0 else { return false }
        out.append(byte)
      default:
        guard points == 0 || commas > 0 else { return false }  // only digits between grouping points
        other = other || commas == 0
        out.append(byte)
      }
    }
    return points == 0 || commas > 0 || digits == 3
  }
}
