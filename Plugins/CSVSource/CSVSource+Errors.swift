import SeismoCore

/// The errors reading a file can end in, each naming the file, the line and the setting that mends it.
extension CSVSource {
  /// `as` gives a name to each feature, in order, but `names` are what the files give.
  func renameCountError(_ names: [String]) -> SeismoError {
    .config(
      key: "source.as", location: nil,
      message:
        "names each feature, in order, but \(origin) give\(paths.count == 1 ? "s" : "") \(names.count) (\(names.joined(separator: ", "))) for \(renames.count) names; choose them with columns"
    )
  }

  /// `file`, appended to the first file, gives other `columns` than its (`first`).
  func appendedColumnsError(_ file: String, columns: [String], first: [String]) -> SeismoError {
    .data(
      source: file, line: 1, column: nil,
      message:
        "gives the columns \(EditDistance.listing(columns)), and \(path) \(EditDistance.listing(first)): files appended (\(spelling.setting("combine", "append"))) are one series, of the same columns; choose them with \(spelling.name("columns"))"
    )
  }

  /// Row `row` repeats the timestamp of the row before it (`duplicates: error`); `fractional`, the
  /// file's first time cell with a fraction of a second, says why rows that differ by one share it.
  /// A long file's rows are `symbol`'s; `long` is the hint that a wide file is long.
  func duplicateError(
    row r: Int, lines: [Int32], timestamps: [Timestamp], fractional: (cell: String, time: Timestamp)?,
    symbol: String? = nil, long: String? = nil, place: ((Int32) -> (path: String, line: Int))? = nil
  ) -> SeismoError {
    let place = place ?? { (path, Int($0)) }
    let (this, before) = (place(lines[r]), place(lines[r - 1]))
    let also = before.path == this.path ? "line \(before.line)" : "\(before.path):\(before.line)"
    let why = fractional.map {
      " (times are kept to the second, and this file's have fractions, which are dropped: '\($0.cell)' reads as \(CivilTime.format($0.time)))"
    }
    let merge = fractional == nil ? "to merge" : "to merge the rows of each second (mean: one bar a second)"
    return .data(
      source: this.path, line: this.line, column: nil,
      message:
        "duplicate timestamp \(CivilTime.format(timestamps[r]))\(symbol.map { " of symbol \($0)" } ?? "") (also on \(also))\(why ?? "")\(long ?? ""); set \(spelling.setting("duplicates", "first, last or mean")) \(merge)"
    )
  }

  /// Row `row` has an empty cell in `feature` (`gaps: error`); `place` names the file and line
  /// of appended files' lines.
  func gapError(
    row: Int, feature: Int, lines: [Int32], names: [String], place: ((Int32) -> (path: String, line: Int))? = nil
  ) -> SeismoError {
    let (file, line) = place?(lines[row]) ?? (path, Int(lines[row]))
    return .data(
      source: file, line: line, column: "'\(names[feature])'",
      message: "empty cell (\(spelling.setting("gaps", "error")))")
  }
}
