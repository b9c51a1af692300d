/// How a CSV file writes the fraction of a number.
///
/// - `point` (default): `1234.5`, as `strtof` reads it.
/// - `comma`: `1234,5` or `1.234,5`, as European exports write numbers; a point may then only
///   group thousands (`1.5` is refused, not read as 15). Such a file is usually separated by `;`.
/// - `point_grouped`: `1234.5` or `1,234.5`, as American exports with thousands separators
///   write numbers (in quoted cells of a comma-separated file); a comma may then only group
///   thousands (`1,5` is refused, not read as 15).
public enum DecimalMark: String, Sendable, CaseIterable {
  case point, comma
  case pointGrouped = "point_grouped"

  /// The decimal mark and the thousands separator it allows, or nil for `point`, which strtof
  /// reads as written.
  var marks: (decimal: UInt8, group: UInt8)? {
    switch self {
    case .point: nil
    case .comma: (UInt8(ascii: ","), UInt8(ascii: "."))
    case .pointGrouped: (UInt8(ascii: "."), UInt8(ascii: ","))
    }
  }

  /// Writes `cell`, a number with decimal mark `decimal` whose thousands may be grouped by
  /// `group` (`-1.234,5`, or `-1,234.5`), into `out` with a decimal point and no grouping
  /// (`-1234.5`), replacing what `out` held; false when it has more than one decimal mark, or a
  /// group mark that does not group thousands. `out` is the caller's, reused from cell to cell.
  static func ungrouped(
    _ cell: UnsafeBufferPointer<UInt8>, decimal: UInt8, group: UInt8, into out: inout [UInt8]
  ) -> Bool {
    out.removeAll(keepingCapacity: true)
    var decimals = 0
    var groups = 0
    var digits = 0  // digits since the start of the number, or since the last group mark
    var other = false  // anything but blanks, a sign and digits before the first group mark
    for byte in cell {
      switch byte {
      case decimal:
        guard decimals == 0, groups == 0 || digits == 3 else { return false }
        decimals += 1
        out.append(UInt8(ascii: "."))
      case group where decimals == 0:
        // The first group mark follows 1 to 3 digits, each later one exactly 3.
        guard groups == 0 ? !other && (1...3).contains(digits) : digits == 3 else { return false }
        groups += 1
        digits = 0
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        digits += 1
        out.append(byte)
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "+"),
        UInt8(ascii: "-") where decimals == 0 && digits == 0:
        guard groups == 0 else { return false }
        out.append(byte)
      default:
        guard groups == 0 || decimals > 0 else { return false }  // only digits between group marks
        other = other || decimals == 0
        out.append(byte)
      }
    }
    return groups == 0 || decimals > 0 || digits == 3
  }
}
