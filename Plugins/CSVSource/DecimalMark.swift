/// How a CSV file writes the fraction of a number.
///
/// - `point` (default): `1234.5`, as `strtof` reads it.
/// - `comma`: `1234,5` or `1.234,5`, as European exports write numbers; a point may then only
///   group thousands (`1.5` is refused, not read as 15). Such a file is usually separated by `;`.
public enum DecimalMark: String, Sendable, CaseIterable {
  case point, comma

  /// A cell written with a decimal comma (`-1.234,5`) rewritten with a decimal point (`-1234.5`);
  /// nil when it has more than one comma, or a point that does not group thousands.
  static func pointed(_ cell: String) -> String? {
    let parts = cell.split(separator: ",", omittingEmptySubsequences: false)
    guard parts.count <= 2 else { return nil }
    let groups = parts[0].split(separator: ".", omittingEmptySubsequences: false)
    if groups.count > 1 {
      func digits(_ text: Substring) -> Bool { text.allSatisfy { $0.isASCII && $0.isNumber } }
      let lead = groups[0].drop { $0 == " " || $0 == "\t" || $0 == "+" || $0 == "-" }
      guard (1...3).contains(lead.count), digits(lead), groups.dropFirst().allSatisfy({ $0.count == 3 && digits($0) })
      else { return nil }
    }
    return groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
  }
}
