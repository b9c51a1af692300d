import SeismoCore

/// Names the `delimiter` setting that would read a file read with another separator: a header of
/// one column that holds another separator (`date;vix` read with `,`), or a line libcsv refused
/// whose quoted fields another separator parts (`"Date";"Price"`, as a European spreadsheet
/// quotes every field).
struct SeparatorAdvice {
  /// The separator the file is read with.
  let delimiter: UInt8
  /// How the advice names the settings.
  let spelling: SettingSpelling

  /// The separators a file may be written with, in the order they are suggested.
  static let separators: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]

  /// The separator, other than the one read with, that `header`, read as one column, holds, as a
  /// setting writes it (`;`, or `\t` for a tab).
  func otherSeparator(inHeader header: String) -> String? {
    Self.separators.first { $0 != delimiter && header.utf8.contains($0) }.map(Self.written)
  }

  /// The separator, other than the one read with, found between a closing and an opening quote
  /// (`";"`) in `line`, the bytes of a line libcsv refused, as a setting writes it.
  func otherSeparator(betweenQuotesIn line: UnsafeRawBufferPointer) -> String? {
    let quote = UInt8(ascii: "\"")
    guard line.count >= 3 else { return nil }
    for i in 1..<(line.count - 1) where line[i - 1] == quote && line[i + 1] == quote {
      if line[i] != delimiter, Self.separators.contains(line[i]) { return Self.written(line[i]) }
    }
    return nil
  }

  /// What reads a file separated by `separator`: `set delimiter: ';'`, and for `;` read with `,`,
  /// the decimal comma such files write.
  func advice(for separator: String) -> String {
    "for a file separated by '\(separator)', set \(spelling.setting("delimiter", quoted: separator))"
      + (separator == ";" && delimiter == UInt8(ascii: ",")
        ? ", and \(spelling.setting("decimal", "comma")) if its numbers are written 12,47" : "")
  }

  /// The hint for a line libcsv refused, when another separator parts its quoted fields.
  func hint(forMalformed line: UnsafeRawBufferPointer) -> String? {
    otherSeparator(betweenQuotesIn: line).map { "(its quoted fields are separated by '\($0)': \(advice(for: $0)))" }
  }

  private static func written(_ separator: UInt8) -> String {
    separator == UInt8(ascii: "\t") ? "\\t" : String(UnicodeScalar(separator))
  }
}
