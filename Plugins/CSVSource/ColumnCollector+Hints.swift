import Foundation
import SeismoCore

/// The hints an error about a cell or the header ends with: what the cell looks like (a decimal
/// comma, a time, a mark for a missing value, a ticker, a note below the data) and the setting
/// that reads it.
extension ColumnCollector {
  /// A hint for a cell that is a common mark of a missing value, which `missing` reads as a gap.
  func missingMarkHint(_ cell: String) -> String {
    let mark = cell.trimmingCharacters(in: .whitespaces)
    guard Self.commonMissingMarks.contains(mark.lowercased()) else { return "" }
    return " (a mark for a missing value? set \(spelling.setting("missing", listOf: mark)) to read such cells as gaps)"
  }

  /// What `time_column: auto` looks for, named in this spelling.
  var autoLooksFor: String {
    "\(spelling.name("time_column")) auto looks for \(ColumnRequest.automaticTimeDescription)"
  }

  /// A hint for a time column taken by a word of its name (`time_to_maturity`) that holds no
  /// times. A config may number the rows instead; a command's options read a table by its times.
  func tookByWordHint(_ name: String) -> String {
    let timeColumn = spelling.name("time_column")
    let orNone = spelling == .config ? ", or set none to number the rows" : ""
    return " (\(timeColumn) auto took '\(name)' for the time column, by its name; name the right one with \(timeColumn)\(orNone))"
  }

  /// A hint for a number written with a decimal comma (`1,5` or `1.234,5`, as European exports
  /// write them) or with commas grouping thousands before a point (`1,234.5`, as American ones
  /// do), which `point` does not read. A comma before a point can only group thousands.
  func groupingHint(_ cell: UnsafeBufferPointer<UInt8>) -> String {
    guard cell.contains(UInt8(ascii: ",")) else { return "" }
    var rewritten: [UInt8] = []
    func number(_ mark: DecimalMark) -> String? {
      guard let marks = mark.marks, DecimalMark.ungrouped(cell, decimal: marks.decimal, group: marks.group, into: &rewritten)
      else { return nil }
      let number = String(decoding: rewritten, as: UTF8.self).trimmingCharacters(in: .whitespaces)
      return number.last?.isNumber == true && Float(number) != nil ? number : nil  // a digit at the end
    }
    if cell.contains(UInt8(ascii: ".")), let grouped = number(.pointGrouped) {
      return " (commas grouping thousands? set \(spelling.setting("decimal", "point_grouped")), or write \(grouped))"
    }
    return number(.comma).map { " (a decimal comma? set \(spelling.setting("decimal", "comma")), or write \($0))" } ?? ""
  }

  /// A hint for a time cell of words on one of the file's last few lines, after times that
  /// were, when the lines after it hold no time either: a source or a note below the data, which
  /// `skip_footer` skips. The file is read again to find its last lines, as this is a failure's
  /// hint; their cells are split without quoting, which a note seldom has.
  func footerHint(timeField: Int) -> String {
    guard let below = CSVRecordReader(path: path).lastLines(from: currentLine, most: 5),
      below.dropFirst().allSatisfy({ line in
        let cells = line.split(separator: Character(UnicodeScalar(separators.delimiter)), omittingEmptySubsequences: false)
        return cells.count <= timeField || timeParser.parse(String(cells[timeField])) == nil
      })
    else { return "" }
    let lines = below.count == 1 ? "line" : "\(below.count) lines"
    return " (a note below the data? \(spelling.setting("skip_footer", "\(below.count)")) skips the file's last \(lines))"
  }

  /// A hint for a time in a feature column when no column was read as time: the time column is
  /// found by name, and this one's name is not among those looked for. A time in another format
  /// (`01.02.2020` under `Tag`) gets the `time_format` that reads it too.
  func timeHint(_ cell: UnsafeBufferPointer<UInt8>, field: Int) -> String {
    if hasTimeColumn, Self.secondsOfDay(cell) != nil, field < header.count,
      let t = roles.firstIndex(where: { if case .time = $0 { true } else { false } })
    {
      // A date and a time of day in two columns (`Date,Time`, as MetaTrader exports them).
      return " (a time of day? \(spelling.setting("time_of_day_column", header[field])) adds it to the days of '\(header[t])')"
    }
    guard !hasTimeColumn, !request.numbersRows, field < header.count else { return "" }
    let name = "a time? \(autoLooksFor); name this one with \(spelling.setting("time_column", header[field]))"
    if timeParser.parse(cell) != nil { return " (\(name))" }
    // " (set time_format: '%d.%m.%Y' to read it)", as the time column's own error would say.
    let format = timeParser.hint(for: String(decoding: cell, as: UTF8.self), spelling: spelling)
    return format.isEmpty ? "" : " (\(name), and \(format.dropFirst(2).dropLast()))"
  }

  /// ` (did you mean 'Ticker'?)` for a symbol column not found: a column of a near name, or one
  /// named as symbol columns are (`Name`).
  func symbolColumnSuggestion(for name: String) -> String {
    let near = EditDistance.suggestion(for: name, among: header)
    guard near.isEmpty, let likely = ColumnRequest.likelySymbolColumn(in: header) else { return near }
    return " (did you mean '\(likely)'?)"
  }

  /// For a text in a feature column of a wide file: ` (a symbol? …)` when the column is named as
  /// a symbol column is, or the cell reads as a ticker (`AAPL`, `BRK.B`: a capital first, two
  /// or more, digits and `.-^=` besides) and is no common mark of a missing value (`NA`,
  /// `NULL`): a file of a row per symbol and time is long.
  func longFileHint(_ cell: UnsafeBufferPointer<UInt8>, field: Int) -> String {
    guard request.symbol.isEmpty, field < header.count else { return "" }
    let named = ColumnRequest.symbolNames.contains(header[field].lowercased())
    let capital = { (byte: UInt8) in (0x41...0x5A).contains(byte) }
    let ticker =
      (2...12).contains(cell.count) && capital(cell[0]) && cell.filter(capital).count >= 2
      && cell.allSatisfy { capital($0) || (0x30...0x39).contains($0) || ".-^=".utf8.contains($0) }
      && !Self.commonMissingMarks.contains(text(cell).lowercased())
    guard named || ticker else { return "" }
    return
      " (a symbol? a file of a row per symbol and time is long: \(spelling.longLayout(symbolColumn: header[field])))"
  }

  /// For a word in a feature column of the first data row that no other hint explains (`Tech`
  /// under `Sector`), when the source lists no columns and so reads every one: ` (a column of
  /// text? … list the features in columns: [Open, Close, Volume])`, the others the file would
  /// give. A word below numbers is a bad cell of a column of numbers.
  func textColumnHint(_ cell: UnsafeBufferPointer<UInt8>, field: Int) -> String {
    guard request.columns.isEmpty, field < header.count, timestamps.isEmpty, rowsHandedOn == 0,
      cell.contains(where: { (0x41...0x5A).contains($0 & 0xDF) }), !cell.contains(where: { (0x30...0x39).contains($0) })
    else { return "" }
    let others = request.features(in: header).filter { $0 != header[field] }
    guard !others.isEmpty else { return "" }
    let listed =
      spelling == .config
      ? spelling.setting(
        "columns", "[\(others.map { $0.contains(where: ",[]:#'\"".contains) ? spelling.quote($0) : $0 }.joined(separator: ", "))]"
      )
      : others.map { spelling.setting("column", spelling.quote($0)) }.joined(separator: " ")
    return
      " (a column of text? the \(spelling == .config ? "source lists" : "command names") no columns, so every one is read as a feature: list the features, \(listed))"
  }

  /// The hints for a cell that is not a number: what it looks like, and the setting that reads
  /// it; failing every other, that a column of text is read because no columns are listed.
  func notANumberHint(_ bytes: UnsafeBufferPointer<UInt8>, written: UnsafeBufferPointer<UInt8>, field: Int) -> String {
    let hints =
      (decimal == .point ? groupingHint(bytes) : "") + timeHint(written, field: field)
      + missingMarkHint(text(written)) + longFileHint(written, field: field)
    return hints.isEmpty ? textColumnHint(written, field: field) : hints
  }

  /// A hint when the header is one column holding another separator: a file separated by ';'
  /// read with ',' has the one column 'date;vix'.
  var delimiterHint: String {
    guard header.count == 1, let other = separators.otherSeparator(inHeader: header[0]) else { return "" }
    return " (the header is one column, '\(header[0])': \(separators.advice(for: other)))"
  }

  func hint(forMalformed line: UnsafeRawBufferPointer) -> String? { separators.hint(forMalformed: line) }
}
