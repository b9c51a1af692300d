import Foundation
import SeismoCore

/// Collects the timestamp column and the selected feature columns of a CSV file.
///
/// The first record is the header. Each later record must have as many fields as the header.
/// Numbers are parsed with `strtof` into `values`, or with `strtod` into `doubles` when
/// `inDoubles` (`seismo ingest`, which stores them as written); an empty cell, or one holding a
/// missing-value mark (FRED's `.`, say, in `marks` as NaN), is a gap (stored as NaN until the
/// gap policy runs); units beside a number (`$`, `%`, `2.31B`) are dropped; anything else that
/// is not a finite number or a mark is an error naming line and column.
final class ColumnCollector: CSVRecordHandler {
  enum Role {
    case skip
    case time
    /// Times of day, added to the time column's days (`request.timeOfDay`).
    case timeOfDay
    case feature(Int)
    /// A long file's symbol column (`request.symbol`).
    case symbol
    /// A column without a name in the header, not read: it must stay empty (an export's trailing
    /// separator), since a value there would be lost.
    case unnamed
  }

  let path: String
  let request: ColumnRequest
  let timeParser: TimestampParser
  /// Names the separator that would read the file, when it was read with another (`delimiter`).
  let separators: SeparatorAdvice
  let decimal: DecimalMark
  /// How hints name the settings that would read the file.
  let spelling: SettingSpelling
  /// Cell texts (spaces around them aside) read as a value of their own: NaN (a gap) for a
  /// missing-value mark, 1 and 0 for a label file's `True` and `False`.
  let marks: [CellMark]
  /// Whether numbers go to `doubles` instead of `values`.
  let inDoubles: Bool

  // What is marked `@exclusivity(unchecked)` is touched for every cell, record or line: the
  // runtime's access check on each took 12 % of loading a 1,000,000-row file, and on the header,
  // the symbol column, the symbols and `chunkRows` (read for every record or line) still 7 % of
  // loading a file of 5,000,000. Only this class's methods touch it, one at a time, on the
  // reading thread (`chunkRows` is set before it reads).
  @exclusivity(unchecked) private(set) var failure: SeismoError? {
    didSet { failed = failure != nil }
  }
  /// Whether `failure` is set, as each cell and record asks: reading the optional error there
  /// took a call of the error type's layout, 2 % of loading a file of 5,000,000 rows (`perf`).
  @exclusivity(unchecked) private var failed = false
  @exclusivity(unchecked) private(set) var header: [String] = []
  private(set) var featureNames: [String] = []
  @exclusivity(unchecked) private(set) var hasTimeColumn = false
  /// The first time cell, as written, when it has an offset from UTC (which reading takes off),
  /// then the first written with another offset (daylight saving), for the UTC note.
  private(set) var timesWrittenWithOffset: [String] = []
  private var firstTimeSeen = false
  /// The first ISO time cell written with a fraction of a second, which reading drops: times are
  /// whole seconds, so rows a fraction apart share one (named by the duplicate error).
  private(set) var firstFractionalTime: (cell: String, time: Timestamp)?
  /// The first time cell's offset, and its text (`-05:00`): a later cell that ends with the same
  /// bytes has the same offset, and is not parsed again.
  private var firstOffset: (seconds: Timestamp, text: [UInt8])?
  /// Row-major values; NaN marks a gap. One of the two is filled, as `inDoubles` says.
  @exclusivity(unchecked) private(set) var values: [Float] = []
  @exclusivity(unchecked) private(set) var doubles: [Double] = []
  @exclusivity(unchecked) private(set) var timestamps: [Timestamp] = []
  /// Physical line of each data row, for error messages after loading.
  @exclusivity(unchecked) private(set) var lines: [Int32] = []
  /// A long file's symbols, in the order they first appear, and each row's (an index into them).
  private(set) var symbols: [String] = []
  @exclusivity(unchecked) private(set) var rowSymbols: [Int32] = []
  private var symbolIndex: [String: Int32] = [:]
  /// The symbols read from cells, by a hash of their bytes (`symbolID(cell:)`): looking a cell up
  /// as a trimmed `String` took a third of reading a long file.
  @exclusivity(unchecked) private var symbolsByHash: [UInt64: [(bytes: [UInt8], id: Int32)]] = [:]
  /// The symbol of the row being read, or -1 before its cell.
  @exclusivity(unchecked) private var rowSymbol: Int32 = -1
  /// The symbol column's position in the header, for a long file.
  @exclusivity(unchecked) private var symbolField: Int?

  /// Streaming: once this many rows are collected, `afterLine` hands them to `onRows` and starts
  /// afresh (nil: collect the whole file).
  @exclusivity(unchecked) var chunkRows: Int?
  var onRows: ((_ values: [Float], _ timestamps: [Timestamp], _ lines: [Int32]) throws -> Void)?
  /// Rows already handed to `onRows`.
  private(set) var rowsHandedOn = 0

  @exclusivity(unchecked) private(set) var roles: [Role] = []
  @exclusivity(unchecked) private var rowValues: [Float] = []
  @exclusivity(unchecked) private var rowDoubles: [Double] = []
  @exclusivity(unchecked) private var rowTime: Timestamp = 0
  /// Seconds since midnight of the row's time of day (0 without a time-of-day column).
  @exclusivity(unchecked) private var rowTimeOfDay: Timestamp = 0
  @exclusivity(unchecked) private var inHeader = true
  /// The physical line of the header.
  private var headerLine = 1

  init(
    path: String, request: ColumnRequest, timeParser: TimestampParser, delimiter: UInt8, decimal: DecimalMark,
    spelling: SettingSpelling, marks: [CellMark] = [], inDoubles: Bool = false
  ) {
    self.path = path
    self.request = request
    self.timeParser = timeParser
    self.decimal = decimal
    self.spelling = spelling
    separators = SeparatorAdvice(delimiter: delimiter, spelling: spelling)
    self.marks = marks
    self.inDoubles = inDoubles
  }

  /// The most columns a header may have: far more than any market table, few enough that a
  /// runaway header (a file without newlines) fails at once instead of filling memory.
  static let maxColumns = 100_000

  func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    guard !failed else { return }
    currentLine = line
    if inHeader {
      headerLine = line
      guard index < Self.maxColumns else {
        return failHeader("the header has more than \(Self.maxColumns) columns; is this a CSV file with one header row?")
      }
      header.append(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces))
      return
    }
    guard index < roles.count else { return }  // too many fields: reported at the record's end
    let empty = bytes.allSatisfy(CellBlanks.contains)
    if !empty { recordHasContent = true }
    switch roles[index] {
    case .skip:
      break
    case .time:
      // An empty time cell may belong to a row of empty cells, which is skipped: decided at its end.
      if empty {
        emptyTimeField = index
        return
      }
      guard let t = timeParser.parse(bytes) else {
        let cell = String(decoding: bytes, as: UTF8.self)
        // A column taken by a word of its name may not hold times at all: say how it was taken.
        let hint = timeParser.hint(for: cell, spelling: spelling)
        let took = hint.isEmpty && request.tookByWord(header[index]) ? tookByWordHint(header[index]) : ""
        // Words where times were (not a mistyped date such as 2020-02-30): perhaps a note below the data.
        let words = cell.first { !$0.isWhitespace }.map { !$0.isNumber } ?? false
        let footer = hint.isEmpty && took.isEmpty && firstTimeSeen && words ? footerHint(timeField: index) : ""
        return fail(index, "'\(text(bytes))' is not \(timeParser.expectation)\(hint)\(took)\(footer)")
      }
      rowTime = t
      if firstFractionalTime == nil, timeParser.format == nil, Self.hasFraction(bytes) {
        firstFractionalTime = (String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces), t)
      }
      if !firstTimeSeen {
        firstTimeSeen = true
        noteOffset(bytes)
      } else if let first = firstOffset, timesWrittenWithOffset.count == 1, !Self.ends(bytes, with: first.text) {
        let cell = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if TimestampParser.writtenOffset(cell) ?? 0 != first.seconds { timesWrittenWithOffset.append(cell) }
      }
    case .symbol:
      guard !empty else { return }  // a row of empty cells is skipped; another is refused at its end
      rowSymbol = symbolID(cell: bytes)
    case .timeOfDay:
      guard let seconds = Self.secondsOfDay(bytes) else {
        return fail(
          index,
          empty
            ? "the time of day is empty; every row needs one (\(spelling.name("time_of_day_column")))"
            : "'\(text(bytes))' is not a time of day (HH:MM or HH:MM:SS, 00:00 to 23:59:59; or 1:00 to 12:59 with AM or PM)")
      }
      rowTimeOfDay = seconds
    case .feature(let k):
      if inDoubles {
        rowDoubles[k] = parseNumber(bytes, field: index)
      } else {
        rowValues[k] = parseNumber(bytes, field: index)
      }
    case .unnamed:
      guard !empty else { break }
      // A first column without a name is what pandas' to_csv writes for the index.
      fail(
        index,
        index == 0
          ? "'\(text(bytes))' is in a first column without a name in the header (an index written by pandas?), which is not read; name it (date, if it holds the times) or drop it"
          : "'\(text(bytes))' is in a column without a name in the header, which is not read; name the column, or remove the value"
      )
    }
  }

  func endRecord(fieldCount: Int, line: Int) {
    if !inHeader, header.count == 1, fieldCount > 1, timestamps.isEmpty, rowsHandedOn == 0 {
      // A header of one column above wider rows is a title or notes above the table, whatever
      // its first field's error said; or, when it holds another separator, a file separated by
      // it whose decimal commas split the rows (a European spreadsheet's `date;vix` over
      // `2020-01-02;12,47`).
      let split = "\(fieldCount) fields, but the header (line \(headerLine), '\(header[0])') has one"
      failure = .data(
        source: path, line: line, column: nil,
        message: separators.otherSeparator(inHeader: header[0]).map { "\(split): \(separators.advice(for: $0))" }
          ?? "\(split): a title or notes above the table? \(spelling.setting("skip_lines", "\(line - 1)")) starts reading at line \(line)"
      )
      return
    }
    guard !failed else { return }
    if inHeader {
      inHeader = false
      resolveHeader()
      return
    }
    if let timesMissing { return failHeader(timesMissing) }
    defer { (recordHasContent, emptyTimeField) = (false, nil) }
    guard recordHasContent else { return clearRow() }  // a row of empty cells (`,,`), as spreadsheets export: skipped
    guard fieldCount == header.count else {
      failure = .data(
        source: path, line: line, column: nil,
        message: "\(fieldCount) field\(fieldCount == 1 ? "" : "s"), but the header has \(header.count)")
      return
    }
    if let field = emptyTimeField { return fail(field, "the time cell is empty; every row needs its time") }
    if let field = symbolField, rowSymbol < 0 {
      return fail(field, "the symbol is empty; every row of a long file needs one (\(spelling.name("symbol_column")))")
    }
    if inDoubles { doubles.append(contentsOf: rowDoubles) } else { values.append(contentsOf: rowValues) }
    timestamps.append(hasTimeColumn ? rowTime + rowTimeOfDay : Timestamp(rowsHandedOn + timestamps.count))
    lines.append(Int32(truncatingIfNeeded: line))
    if !request.symbol.isEmpty { rowSymbols.append(rowSymbol) }
    clearRow()
  }

  /// The files whose rows are appended here (`combine: append`), by line: a row's line is the
  /// lines of the files before it plus its line in its file.
  private lazy var appendedLines: AppendedLines = {
    let lines = AppendedLines()
    lines.append(path, after: 0)
    return lines
  }()

  /// Adds the rows of `next`, the file that follows this one's rows in time (`combine: append`,
  /// the same columns): its lines after this one's, its symbols among this one's.
  func append(_ next: ColumnCollector) {
    let offset = (lines.last ?? 0) + 1
    appendedLines.append(next.path, after: offset)
    appendRows(of: next, from: 0, lineOffset: offset)
    if timesWrittenWithOffset.isEmpty { timesWrittenWithOffset = next.timesWrittenWithOffset }
  }

  /// Adds the rows of `next`, the collector of a later part of this file (`CSVFileParts`), but
  /// those of its prefix: what this one would have collected reading on. Its lines are
  /// `lineOffset` on, and its first time written with another offset (its own first is this
  /// one's) counts when this one has none.
  func appendPart(_ next: ColumnCollector, lineOffset: Int32) {
    appendRows(of: next, from: next.lines.partitioningIndex { $0 > Int32(CSVFileParts.prefixLines) }, lineOffset: lineOffset)
    if timesWrittenWithOffset.count == 1, next.timesWrittenWithOffset.count == 2 {
      timesWrittenWithOffset.append(next.timesWrittenWithOffset[1])
    }
  }

  /// Adds the rows of `next` from its row `first` on: their lines `lineOffset` on, rows without
  /// a time column numbered on after this one's, their symbols among this one's; and `next`'s
  /// first fractional time when this one has none.
  private func appendRows(of next: ColumnCollector, from first: Int, lineOffset: Int32) {
    let width = next.timestamps.isEmpty ? 0 : (inDoubles ? next.doubles.count : next.values.count) / next.timestamps.count
    let numbered = Timestamp(timestamps.count - first)
    if inDoubles { doubles += next.doubles[(first * width)...] } else { values += next.values[(first * width)...] }
    timestamps += hasTimeColumn ? Array(next.timestamps[first...]) : next.timestamps[first...].map { $0 + numbered }
    lines += next.lines[first...].map { $0 + lineOffset }
    if !next.rowSymbols.isEmpty { rowSymbols += next.rowSymbols[first...].map { symbolID(next.symbols[Int($0)]) } }
    if firstFractionalTime == nil { firstFractionalTime = next.firstFractionalTime }
  }

  /// The collected rows' times, lines and symbols, handed over: the collector forgets them and
  /// its numbers (which the caller has taken), so that a long file's rows split by symbol are
  /// not held twice.
  func takeRows() -> (timestamps: [Timestamp], lines: [Int32], symbols: [Int32]) {
    defer { (values, doubles, timestamps, lines, rowSymbols) = ([], [], [], [], []) }
    return (timestamps, lines, rowSymbols)
  }

  /// The file and line of `line`, a line of these rows (one of an appended file's, past the
  /// lines of the files before it).
  func place(of line: Int32) -> (path: String, line: Int) { appendedLines.place(of: line) }

  /// The index of the symbol in `cell` (`CellBlanks` around it aside), added when new: by its
  /// bytes, without making a `String` but for a new one, or one with other blanks around it.
  private func symbolID(cell: UnsafeBufferPointer<UInt8>) -> Int32 {
    let bytes = UnsafeBufferPointer(rebasing: cell[CellBlanks.trimmed(cell)])
    // Other blanks (a no-break space) are trimmed as text is.
    guard bytes.first.map({ $0 < 0x80 }) ?? true, bytes.last.map({ $0 < 0x80 }) ?? true else {
      return symbolID(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces))
    }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    if let known = symbolsByHash[hash]?.first(where: { $0.bytes.elementsEqual(bytes) }) { return known.id }
    let id = symbolID(String(decoding: bytes, as: UTF8.self))
    symbolsByHash[hash, default: []].append((Array(bytes), id))
    return id
  }

  /// The index of `symbol` among `symbols`, added when new.
  private func symbolID(_ symbol: String) -> Int32 {
    if let known = symbolIndex[symbol] { return known }
    symbolIndex[symbol] = Int32(symbols.count)
    symbols.append(symbol)
    return Int32(symbols.count - 1)
  }

  /// Empties the row being read (every cell a gap until read).
  private func clearRow() {
    for k in rowValues.indices { rowValues[k] = .nan }
    for k in rowDoubles.indices { rowDoubles[k] = .nan }
    rowSymbol = -1
  }

  func afterLine() throws {
    if let chunkRows, timestamps.count >= chunkRows { try handOn() }
  }

  /// Hands the rows collected so far to `onRows` (a streaming read calls it once more at the end);
  /// a long file's rows' symbols are `rowSymbols` until it returns.
  func handOn() throws {
    guard let onRows, !timestamps.isEmpty else { return }
    try onRows(values, timestamps, lines)
    rowsHandedOn += timestamps.count
    values.removeAll(keepingCapacity: true)
    timestamps.removeAll(keepingCapacity: true)
    lines.removeAll(keepingCapacity: true)
    rowSymbols.removeAll(keepingCapacity: true)
  }

  /// Ends a streaming read: hands on the last rows; throws, naming the file, when it had no
  /// header or no data rows.
  func finishStream() throws {
    try handOn()
    guard !header.isEmpty else { throw SeismoError.file(path: path, message: "the file is empty") }
    guard rowsHandedOn > 0 else {
      throw SeismoError.data(source: path, line: nil, column: nil, message: "has a header but no data rows")
    }
  }

  /// Line where the record being read started.
  @exclusivity(unchecked) private(set) var currentLine = 1
  /// Whether a cell of the record being read holds anything but blanks.
  @exclusivity(unchecked) private var recordHasContent = false
  /// The record's time cell, when it is empty.
  @exclusivity(unchecked) private var emptyTimeField: Int?
  /// Why the file is refused at its first row, when it has no time column and its rows need
  /// times (`request.timesNeeded`): not at the header, so that a title above the table is told
  /// as such first.
  @exclusivity(unchecked) private var timesMissing: String?

  private func resolveHeader() {
    let timeName = request.timeColumn(in: header)
    if let timeName, !header.contains(timeName) {
      return failHeader(
        "unknown time column '\(timeName)'\(EditDistance.suggestion(for: timeName, among: header)); columns are: \(EditDistance.listing(header))"
      )
    }
    hasTimeColumn = timeName != nil
    if !hasTimeColumn, let why = request.timesNeeded {
      timesMissing = "has no time column (\(autoLooksFor)), and \(why); name it with \(spelling.name("time_column"))"
    }
    if !hasTimeColumn, let format = timeParser.format {
      return failHeader(
        "\(spelling.name("time_format")) '\(format)' is set but no column is read as time (\(autoLooksFor)); name it with \(spelling.name("time_column"))"
      )
    }
    let wanted = request.features(in: header)
    if wanted.isEmpty { return failHeader("no feature columns besides the time column '\(timeName ?? "")'") }
    roles = header.map { request.columns.isEmpty && $0.isEmpty ? .unnamed : .skip }
    if let timeName, let t = header.firstIndex(of: timeName) { roles[t] = .time }
    if !request.timeOfDay.isEmpty {
      let name = request.timeOfDay
      guard let t = header.firstIndex(of: name) else {
        return failHeader(
          "unknown time-of-day column '\(name)'\(EditDistance.suggestion(for: name, among: header)) (\(spelling.name("time_of_day_column"))); columns are: \(EditDistance.listing(header))"
        )
      }
      if case .time = roles[t] {
        return failHeader("column '\(name)' is the time column; the time-of-day column is another, beside it")
      }
      roles[t] = .timeOfDay
    }
    if !request.symbol.isEmpty {
      let name = request.symbol
      guard let t = header.firstIndex(of: name) else {
        return failHeader(
          "unknown symbol column '\(name)'\(symbolColumnSuggestion(for: name)) (\(spelling.name("symbol_column"))); columns are: \(EditDistance.listing(header))"
        )
      }
      if case .time = roles[t] { return failHeader("column '\(name)' is the time column; the symbol column is another") }
      if case .timeOfDay = roles[t] {
        return failHeader("column '\(name)' is the time-of-day column; the symbol column is another")
      }
      roles[t] = .symbol
      symbolField = t
    }
    // Positions by name, built once: looking each wanted name up in the header would take time
    // quadratic in the number of columns.
    var positions: [String: [Int]] = [:]
    for (column, name) in header.enumerated() { positions[name, default: []].append(column) }
    for (k, name) in wanted.enumerated() {
      let matches = positions[name] ?? []
      guard let column = matches.first else {
        // Another wanted column is no suggestion: it is not the one missing.
        let others = header.filter { !wanted.contains($0) }
        return failHeader(
          "unknown column '\(name)'\(EditDistance.suggestion(for: name, among: others)); columns are: \(EditDistance.listing(header))"
        )
      }
      guard matches.count == 1 else { return failHeader("column '\(name)' appears \(matches.count) times in the header") }
      if case .feature = roles[column] { return failHeader("column '\(name)' is selected twice") }
      if case .time = roles[column] { return failHeader("column '\(name)' is the time column; it cannot also be a feature") }
      if case .timeOfDay = roles[column] {
        return failHeader("column '\(name)' is the time-of-day column; it cannot also be a feature")
      }
      if case .symbol = roles[column] {
        return failHeader("column '\(name)' is the symbol column; it cannot also be a feature")
      }
      roles[column] = .feature(k)
    }
    featureNames = wanted
    rowValues = Array(repeating: .nan, count: inDoubles ? 0 : wanted.count)
    rowDoubles = Array(repeating: .nan, count: inDoubles ? wanted.count : 0)
  }

  /// The number in the cell `bytes` of column `field`: a mark's value, or the number without the
  /// units written beside it (`NumberUnits`); NaN, with `failure` set, when it is none.
  private func parseNumber<Value: CSVNumber>(_ bytes: UnsafeBufferPointer<UInt8>, field: Int) -> Value {
    if !marks.isEmpty, let marked = markedValue(bytes) { return Value(marked) }
    guard NumberUnits.mayBeIn(bytes), NumberUnits.removed(from: bytes, into: &unitless) else {
      return parseNumber(bytes, field: field, written: bytes)
    }
    unitless.append(0)  // ends the number for strtof and strtod
    return unitless.withUnsafeBufferPointer {
      parseNumber(UnsafeBufferPointer(rebasing: $0.dropLast()), field: field, written: bytes)
    }
  }

  /// `bytes` (a number, `written` so in the file) read with the file's decimal mark.
  private func parseNumber<Value: CSVNumber>(
    _ bytes: UnsafeBufferPointer<UInt8>, field: Int, written: UnsafeBufferPointer<UInt8>
  ) -> Value {
    guard let marks = decimal.marks else { return parsePointNumber(bytes, field: field, written: written) }
    guard DecimalMark.ungrouped(bytes, decimal: marks.decimal, group: marks.group, into: &pointed) else {
      let form = decimal == .comma ? "a decimal comma (1234,5 or 1.234,5)" : "a decimal point (1234.5 or 1,234.5)"
      fail(field, "'\(text(written))' is not a number with \(form)")
      return .nan
    }
    pointed.append(0)  // ends the number for strtof and strtod
    return pointed.withUnsafeBufferPointer {
      parsePointNumber(UnsafeBufferPointer(rebasing: $0.dropLast()), field: field, written: written)
    }
  }

  /// The cell being read without its units (reused from cell to cell).
  @exclusivity(unchecked) private var unitless: [UInt8] = []

  /// The value of the mark `bytes` is, `CellBlanks` around it aside; nil when it is none of
  /// `marks`.
  private func markedValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    let kept = CellBlanks.trimmed(bytes)
    guard !kept.isEmpty else { return nil }
    let cell = bytes[kept]
    return marks.first { $0.text.elementsEqual(cell) }?.value
  }

  /// Texts that exports write for a missing value (compared ignoring case): FRED's `.`, Yahoo's
  /// `null`, R's `NA`, spreadsheets' `#N/A` and their other errors.
  static let commonMissingMarks: Set<String> = [
    ".", "-", "--", "?", "null", "na", "n/a", "#n/a", "#na", "none", "nil", "missing", "nd", "#value!", "#div/0!", "#ref!",
  ]

  /// Whether an ISO time cell has a fraction of a second other than zero (`09:30:00.250`).
  private static func hasFraction(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let point = bytes.firstIndex(of: 0x2E) else { return false }
    var i = point + 1
    while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
      if bytes[i] != 0x30 { return true }
      i += 1
    }
    return false
  }

  /// Whether `bytes`, `CellBlanks` at its end aside, ends with `suffix`.
  private static func ends(_ bytes: UnsafeBufferPointer<UInt8>, with suffix: [UInt8]) -> Bool {
    let end = CellBlanks.trimmed(bytes).upperBound
    return end >= suffix.count && bytes[(end - suffix.count)..<end].elementsEqual(suffix)
  }

  /// Keeps the first time cell, `bytes`, and its offset when it is written with one (an ISO time).
  private func noteOffset(_ bytes: UnsafeBufferPointer<UInt8>) {
    let cell = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    guard timeParser.format == nil, let seconds = TimestampParser.writtenOffset(cell),
      let sign = cell.dropFirst(10).lastIndex(where: { $0 == "+" || $0 == "-" })
    else { return }
    timesWrittenWithOffset = [cell]
    firstOffset = (seconds, Array(cell[sign...].utf8))
  }

  /// `decimal: comma`: the cell being read, rewritten with a decimal point (reused from cell to cell).
  @exclusivity(unchecked) private var pointed: [UInt8] = []

  /// `bytes` read as a number with a decimal point, followed in memory by a byte that ends it
  /// (as `strtof` and `strtod` need); errors quote the cell as `written`.
  private func parsePointNumber<Value: CSVNumber>(
    _ bytes: UnsafeBufferPointer<UInt8>, field: Int, written: UnsafeBufferPointer<UInt8>
  ) -> Value {
    guard let start = bytes.baseAddress else { return .nan }
    let kept = CellBlanks.trimmed(bytes)
    if kept.isEmpty { return .nan }  // empty cell: a gap
    let first = kept.lowerBound
    if let value = Value.exactDecimal(UnsafeBufferPointer(rebasing: bytes[kept])) { return value }
    // strtof and strtod also read hexadecimal floats (0x1p3); a market file never means one.
    let digits = bytes[first] == 0x2B || bytes[first] == 0x2D ? first + 1 : first  // after + or -
    if digits + 1 < bytes.count, bytes[digits] == 0x30, bytes[digits + 1] | 0x20 == 0x78 {  // 0x or 0X
      fail(field, "'\(text(written))' is not a decimal number")
      return .nan
    }
    var end: UnsafeMutablePointer<CChar>?
    let cString = UnsafeRawPointer(start + first).assumingMemoryBound(to: CChar.self)
    let value = Value.parse(cString, &end)
    var stop = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? first
    while stop < bytes.count, CellBlanks.contains(bytes[stop]) { stop += 1 }
    guard stop == bytes.count, stop > first else {
      fail(
        field,
        "'\(text(written))' is not a number\(notANumberHint(bytes, written: written, field: field))"
      )
      return .nan
    }
    // A number written in digits that overflows the type (1e39 in a Float) is not a mark.
    if value.isInfinite, bytes[first..<stop].contains(where: { (0x30...0x39).contains($0) }) {
      let largest = String(format: "%.1e", Double(Value.greatestFiniteMagnitude))
      fail(
        field,
        "'\(text(written))' is beyond the largest number a \(MemoryLayout<Value>.size * 8)-bit float holds (±\(largest)): rescale the column (in thousands, say)"
      )
      return .nan
    }
    // Nor is one whose digits are not all 0 but that is nearer 0 than the type holds (1e-50 in a
    // Float), which would read as 0.
    if value == 0, bytes[first..<stop].prefix(while: { $0 | 0x20 != 0x65 }).contains(where: { (0x31...0x39).contains($0) }) {
      let least = String(format: "%.1e", Double(Value.leastNonzeroMagnitude))
      fail(
        field,
        "'\(text(written))' is nearer 0 than the smallest number a \(MemoryLayout<Value>.size * 8)-bit float holds (\(least)), and would read as 0: rescale the column (in millionths, say)"
      )
      return .nan
    }
    guard value.isFinite else {
      fail(
        field,
        "'\(text(written))' is not a finite number (NaN and infinity are not allowed; leave the cell empty for a gap, or set \(spelling.setting("missing", listOf: text(written).trimmingCharacters(in: .whitespaces))) to read such cells as gaps)"
      )
      return .nan
    }
    return value
  }

  private func fail(_ field: Int, _ message: String) {
    guard !failed else { return }
    let name = field < header.count ? header[field] : "#\(field + 1)"
    failure = .data(source: path, line: currentLine, column: "\(field + 1) '\(name)'", message: message + delimiterHint)
  }

  private func failHeader(_ message: String) {
    failure = .data(source: path, line: headerLine, column: nil, message: message + delimiterHint)
  }

  /// The seconds since midnight of a time of day, `9:30`, `09:30` or `09:30:15` (a fraction of
  /// a second after it is dropped, as elsewhere), or on a 12-hour clock, `9:30 AM`, `12:05 pm`
  /// or `9:30:15PM`; blanks around it aside. Nil when `cell` is none.
  /// Read from the bytes: it runs once per row.
  static func secondsOfDay(_ cell: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    let kept = CellBlanks.trimmed(cell)
    var i = kept.lowerBound
    let end = kept.upperBound
    // A field of `digits` digits (1...2 for the hour, 2 for the others) below `limit`.
    func field(_ digits: ClosedRange<Int>, below limit: Timestamp) -> Timestamp? {
      var value: Timestamp = 0
      var count = 0
      while i < end, cell[i] >= 0x30, cell[i] <= 0x39, count < digits.upperBound {
        value = value * 10 + Timestamp(cell[i] - 0x30)
        (i, count) = (i + 1, count + 1)
      }
      return digits.contains(count) && value < limit ? value : nil
    }
    func colon() -> Bool {
      guard i < end, cell[i] == 0x3A else { return false }
      i += 1
      return true
    }
    guard var hour = field(1...2, below: 24), colon(), let minute = field(2...2, below: 60) else { return nil }
    var second: Timestamp = 0
    if i < end, cell[i] == 0x3A {
      guard colon(), let s = field(2...2, below: 60) else { return nil }
      second = s
      if i < end, cell[i] == 0x2E {  // a fraction of a second, dropped
        i += 1
        while i < end, cell[i] >= 0x30, cell[i] <= 0x39 { i += 1 }
      }
    }
    if i < end {  // a 12-hour clock's AM or PM (any case), after a space or not
      if cell[i] == 0x20 { i += 1 }
      guard (1...12).contains(hour), end - i == 2, cell[i + 1] | 0x20 == 0x6D else { return nil }  // m
      switch cell[i] | 0x20 {
      case 0x61: hour %= 12  // a: 12:05 AM is 00:05
      case 0x70: hour = hour % 12 + 12  // p: 12:05 PM is 12:05
      default: return nil
      }
      i = end
    }
    return i == end ? hour * 3600 + minute * 60 + second : nil
  }

  /// A cell as errors quote it: at most 40 characters.
  func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let s = String(decoding: bytes, as: UTF8.self)
    return s.count > 40 ? String(s.prefix(40)) + "…" : s
  }
}
