import Foundation
import SeismoCore

/// Reads a time series from a CSV file (parsed by libcsv), or from several joined on time.
///
/// The first row is the header. One column holds timestamps (ISO dates by default, or any
/// `strftime`-style format), the others are features selected by exact name, so names with spaces
/// such as `VIX Index` work. Rows out of time order are sorted (and the run says so); rows with
/// the same timestamp follow the `duplicates` policy (by default an error naming both lines).
/// Every error names the file, the line and the column.
///
/// Several files (`path: [vix.csv, spx.csv]`, one indicator a file as vendors ship them) are each
/// read so, then joined on their times: a row for every time any file has, a gap where a file has
/// none, filled by the gap policy as an empty cell is. `as` names the features; without it, files
/// that each call their price `close` name theirs for the files (`featureNames`).
public struct CSVSource: DataSource, ConfigurablePlugin {
  public static let path = Parameter<[String]>(
    oneOrMore: "path", isPath: true, default: nil,
    help:
      "the CSV file, or a list of files joined on time (a row for each time any has; gaps filled by the gap policy); a wildcard (prices/*.csv) gives the files it matches, in name order"
  )
  public static let columns = Parameter<[String]>(
    "columns", default: [],
    help: "feature columns by header name, taken from each file that has them; empty: every named column but the time column")
  public static let renames = Parameter<[String]>(
    "as", default: [],
    help:
      "the features' names, in order (file by file, each file's columns in turn); empty: the columns' own names, or where files share a column's name, the files' (spx, or spx_close when a file gives several)"
  )
  public static let combine = Parameter<Combine>(
    "combine", default: .join,
    help:
      "several files: join (indicators side by side, joined on time) or append (one series cut by time, a file a year or a month, of the same columns: their rows read as one file's)"
  )
  /// How several files make one table.
  public enum Combine: String, CaseIterable, Sendable {
    case join, append
  }
  public static let layout = Parameter<TableLayout>(
    "layout", default: .wide,
    help:
      "wide: a column per feature; long: a row per symbol and time (a symbol column beside the values, as one file of many tickers is shipped), each symbol's values a feature (AAPL, or AAPL_close when several value columns are read); one file, or files appended"
  )
  public static let symbolColumn = Parameter<String>(
    "symbol_column", default: "symbol", help: "long: the column naming each row's symbol (Name, ticker, …)")
  public static let symbols = Parameter<[String]>(
    "symbols", default: [],
    help: "long: the symbols to read, in this order; empty: every one, in the order they first appear")
  public static let timeColumn = Parameter<[String]>(
    oneOrMore: "time_column", default: ["auto"],
    help:
      "timestamp column; auto: one named date/timestamp/time/datetime/ts/datum/fecha, else the first with one of those words in its name (observation_date, open_time, Date (UTC)), else none, with a warning; none: number the rows (one file only); several files: one for all, or a list, one per file"
  )
  public static let timeOfDayColumn = Parameter<[String]>(
    oneOrMore: "time_of_day_column", default: ["none"],
    help:
      "a column of times of day (09:30, 09:30:15, 9:30 PM) added to the time column's days, where a file keeps them apart (MetaTrader's Date,Time); none: the time column holds the whole time; several files: one for all, or a list, one per file"
  )
  public static let timeFormat = Parameter<[String]>(
    oneOrMore: "time_format", default: ["iso"],
    help:
      "iso (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) or a strftime-style format such as %d/%m/%Y (%I:%M %p: a 12-hour clock; %s: seconds since 1970, %Q: milliseconds), or excel (Excel serial days, 43831 for 2020-01-01); several files: one for all, or a list, one per file"
  )
  static let missing = Parameter<[String]>(
    "missing", default: [],
    help: "texts that mark a missing value, read as empty cells (gaps): FRED writes ., Yahoo null, R NA; empty: none")
  public static let delimiter = Parameter<[String]>(
    oneOrMore: "delimiter", default: [","],
    help: "field separator, one character (use \\t for tab); several files: one for all, or a list, one per file")
  public static let decimal = Parameter<[String]>(
    oneOrMore: "decimal", default: [DecimalMark.point.rawValue],
    help:
      "decimal mark: point (1234.5), comma (1234,5 or 1.234,5 as European exports write them; points then only group thousands) or point_grouped (1,234.5 as American ones do; commas then only group thousands); several files: one for all, or a list, one per file"
  )

  public static let skipLines = Parameter<[String]>(
    oneOrMore: "skip_lines", default: ["0"],
    help:
      "lines above the header row to skip: a title or notes an export writes first; several files: one for all, or a list, one per file"
  )

  public static let skipFooter = Parameter<[String]>(
    oneOrMore: "skip_footer", default: ["0"],
    help:
      "lines below the data to skip: a source or notes an export writes last (blank lines aside); several files: one for all, or a list, one per file"
  )

  /// The settings that may differ from file to file (a list, one per file) when vendors write
  /// their files differently.
  public static let perFile = [timeColumn, timeOfDayColumn, timeFormat, delimiter, decimal, skipLines, skipFooter]

  public static let descriptor = PluginDescriptor(
    kind: .source, name: "csv", summary: "time series from CSV files with a header row (libcsv)",
    parameters: [
      Self.path.spec,
      Self.columns.spec,
      Self.renames.spec,
      Self.timeColumn.spec,
      Self.timeOfDayColumn.spec,
      Self.timeFormat.spec,
      GapPolicy.parameter.spec,
      DuplicatePolicy.parameter.spec,
      WaitingRows.parameter.spec,
      Self.missing.spec,
      Self.delimiter.spec,
      Self.decimal.spec,
      Self.skipLines.spec,
      Self.skipFooter.spec,
      Self.combine.spec,
      Self.layout.spec,
      Self.symbolColumn.spec,
      Self.symbols.spec,
    ])

  /// The files, in the order their features come.
  var paths: [String]
  /// The features' names in place of the columns', or empty.
  var renames: [String]
  var request: ColumnRequest
  /// The time column, time format, field separator and decimal mark of each file (one for all,
  /// when one is given).
  var timeColumns: [String]
  /// Each file's column of times of day, or "" for none.
  var timeOfDayColumns: [String]
  var timeParsers: [TimestampParser]
  var delimiters: [UInt8]
  var decimals: [DecimalMark]
  /// Lines above each file's header, and below its data, to skip.
  var skips: [Int]
  var footers: [Int]
  /// `layout: long`'s symbols to read, in order (empty: every one); the symbol column is
  /// `request.symbol`.
  var symbolsRead: [String]
  /// Whether several files are one series cut by time, whose rows are read as one file's
  /// (`combine: append`), not indicators joined on time.
  var appends: Bool
  /// Whether several files are joined on time, each giving its features.
  var joins: Bool { paths.count > 1 && !appends }
  var gaps: GapPolicy
  let duplicates: DuplicatePolicy
  /// The features a new row at the end must have before incremental scoring takes it.
  let waitFor: [String]
  /// Set by `loadHoldingBack`: the rows at the end that wait for a feature are left out.
  var holdBack: HoldBack?
  /// Cell texts read as a value of their own: `missing`'s as empty cells (NaN).
  var marks: [CellMark]
  /// How errors name the settings that would read the file: config keys, or the options of a
  /// command that reads it itself.
  var spelling = SettingSpelling.config

  /// The one file read (each file's own source, when several are joined), and how.
  var path: String { paths[0] }
  var timeParser: TimestampParser { timeParsers[0] }
  var delimiter: UInt8 { delimiters[0] }
  var decimal: DecimalMark { decimals[0] }
  /// The reader of the one file's records.
  var recordReader: CSVRecordReader {
    CSVRecordReader(path: path, delimiter: delimiter, skipLines: skips[0], skipFooter: footers[0])
  }
  /// How the files are named in messages: `vix.csv + spx.csv`.
  var origin: String { paths.joined(separator: " + ") }

  /// The byte a `delimiter` setting names: one ASCII character other than a quote or a line
  /// break, or `\t` for a tab; nil otherwise.
  public static func delimiterByte(_ text: String) -> UInt8? {
    let character = text == "\\t" ? "\t" : text
    guard character.utf8.count == 1, let byte = character.utf8.first, !"\"\n\r".utf8.contains(byte) else { return nil }
    return byte
  }

  /// One indicator is one column of one file: the file that gives it, alone, when several are
  /// joined (so it keeps its own times), or a long file's symbol (and value column). Nil when the
  /// headers that tell cannot be read (the load then names the problem), or a long file's
  /// features are named by `as`.
  public static func narrowing(_ parameters: Parameters, to indicator: String) -> Parameters? {
    var narrowed = parameters
    if let waitFor = parameters.ifDeclared(WaitingRows.parameter), waitFor != ["all"] {
      narrowed.set(WaitingRows.parameter, waitFor.filter { $0 == indicator })
    }
    if parameters.ifDeclared(layout) == .long {
      guard let (symbol, column) = longFeatures(parameters)?(indicator) else { return nil }
      narrowed.set(symbols, [symbol])
      narrowed.set(columns, [column])
      if indicator != symbol { narrowed.set(renames, [indicator]) }  // AAPL_close, read alone, is AAPL
      return narrowed
    }
    let renamed = !(parameters.ifDeclared(renames) ?? []).isEmpty
    guard narrowingChangesRows(parameters) || renamed else {
      narrowed.set(columns, [indicator])
      return narrowed
    }
    guard let checked = try? parameters.resolved(against: descriptor.parameters, section: "source"),
      let source = try? CSVSource(parameters: checked), let features = try? source.featureSources(),
      let feature = features.first(where: { $0.name == indicator })
    else { return nil }
    if source.joins {
      let k = source.paths.firstIndex(of: feature.path) ?? 0
      for setting in perFile where checked[setting].count > 1 {
        narrowed.set(setting, [checked[setting][k]])  // the file's own
      }
      narrowed.set(path, [feature.path])
    }
    narrowed.set(columns, [feature.column])
    narrowed.set(renames, feature.name == feature.column ? [] : [indicator])  // `as`, or named for its file
    return narrowed
  }

  /// The source of `parameters` checked against the plugin's (a saved model's, untrusted, or
  /// ones a command changed), or nil when they do not make one (its load then says why).
  public static func resolved(_ parameters: Parameters) -> CSVSource? {
    guard let checked = try? parameters.resolved(against: descriptor.parameters, section: "source") else { return nil }
    return try? CSVSource(parameters: checked)
  }

  /// Joined files each have their own times, as a long file's symbols do: an indicator read
  /// alone has its own.
  public static func narrowingChangesRows(_ parameters: Parameters) -> Bool {
    ((parameters.ifDeclared(path)?.count ?? 0) > 1 && parameters.ifDeclared(combine) != .append)
      || parameters.ifDeclared(layout) == .long
  }

  /// For a long file (`parameters`), what gives a feature of a name: its symbol and value column
  /// (`AAPL` is the one value column's; `AAPL_close`, `close`'s of several). Nil when the header
  /// cannot be read or `as` names the features, which only a load tells apart; the function's
  /// nil, for a name no feature has.
  static func longFeatures(_ parameters: Parameters) -> ((String) -> (symbol: String, column: String)?)? {
    guard parameters.ifDeclared(renames)?.isEmpty ?? true, let source = resolved(parameters),
      let header = try? source.header()
    else { return nil }
    let values = source.request.features(in: header)
    return { name in
      if values.count == 1 { return (name, values[0]) }
      // The longest value column the name ends with: `BRK_B_close` is BRK_B's close.
      guard let column = values.filter({ name.count > $0.count + 1 && name.hasSuffix("_" + $0) }).max(by: { $0.count < $1.count })
      else { return nil }
      return (String(name.dropLast(column.count + 1)), column)
    }
  }

  public init(parameters: Parameters) throws {
    paths = parameters[Self.path]
    for setting in Self.perFile where parameters[setting].count != 1 && parameters[setting].count != paths.count {
      let list = parameters[setting]
      throw SeismoError.config(
        key: "source.\(setting.name)", location: nil,
        message:
          "give one for every file, or a list with one per file: \(paths.count) file\(paths.count == 1 ? "" : "s"), \(list.count) given"
      )
    }
    delimiters = try parameters[Self.delimiter].map { text in
      guard let byte = Self.delimiterByte(text) else {
        throw SeismoError.config(
          key: "source.delimiter", location: nil,
          message: "expected one character other than a quote or a line break, got '\(text)'")
      }
      return byte
    }
    renames = parameters[Self.renames]
    timeColumns = parameters[Self.timeColumn]
    timeOfDayColumns = parameters[Self.timeOfDayColumn].map { $0 == "none" ? "" : $0 }
    request = ColumnRequest(time: timeColumns[0], columns: parameters[Self.columns], timeOfDay: timeOfDayColumns[0])
    symbolsRead = parameters[Self.symbols]
    appends = parameters[Self.combine] == .append
    try Self.checkLayout(parameters, paths: paths, numbersRows: request.numbersRows)
    if parameters[Self.layout] == .long { request.symbol = parameters[Self.symbolColumn] }
    for (k, name) in timeOfDayColumns.enumerated() where !name.isEmpty {
      let time = timeColumns[timeColumns.count == 1 ? 0 : k]
      guard ColumnRequest(time: time, columns: []).numbersRows else { continue }
      throw SeismoError.config(
        key: "source.time_of_day_column", location: nil,
        message:
          "'\(name)' adds times of day to the time column's days, and time_column \(time.isEmpty ? "\"\"" : time) numbers the rows; name the column of days"
      )
    }
    if paths.count > 1, let none = timeColumns.first(where: { ColumnRequest(time: $0, columns: []).numbersRows }) {
      throw SeismoError.config(
        key: "source.time_column", location: nil,
        message:
          "several files are \(parameters[Self.combine] == .append ? "appended" : "joined") on their times, so each needs a time column; time_column \(none.isEmpty ? "\"\"" : none) numbers the rows"
      )
    }
    if let twice = paths.firstRepeated {
      throw SeismoError.config(key: "source.path", location: nil, message: "\(twice) is listed twice")
    }
    if let twice = renames.firstRepeated {
      throw SeismoError.config(key: "source.as", location: nil, message: "'\(twice)' names two features")
    }
    timeParsers = try parameters[Self.timeFormat].map { format in
      if let problem = TimestampParser.problem(with: format) {
        throw SeismoError.config(key: "source.time_format", location: nil, message: "'\(format)': \(problem)")
      }
      return TimestampParser(format: format)
    }
    if timeParsers[0].format != nil, request.numbersRows {
      throw SeismoError.config(
        key: "source.time_format", location: nil,
        message: "not read here: time_column \(timeColumns[0]) numbers the rows")
    }
    gaps = parameters[GapPolicy.parameter]
    duplicates = parameters[DuplicatePolicy.parameter]
    waitFor = parameters[WaitingRows.parameter]
    try WaitingRows.check(waitFor)
    marks = try parameters[Self.missing].map { mark in
      guard !mark.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw SeismoError.config(
          key: "source.missing", location: nil, message: "an empty cell is a gap already; list texts such as '.' or NA")
      }
      return CellMark(mark, value: .nan)
    }
    decimals = try parameters[Self.decimal].map { text in
      guard let mark = DecimalMark(rawValue: text) else {
        throw SeismoError.config(
          key: "source.decimal", location: nil,
          message: "expected one of \(DecimalMark.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
      }
      return mark
    }
    func lines(_ parameter: Parameter<[String]>) throws -> [Int] {
      try parameters[parameter].map { text in
        guard let lines = Int(text), (0...1_000_000).contains(lines) else {
          throw SeismoError.config(
            key: "source.\(parameter.name)", location: nil, message: "expected a count of lines, 0 or more, got '\(text)'")
        }
        return lines
      }
    }
    skips = try lines(Self.skipLines)
    footers = try lines(Self.skipFooter)
  }

  /// Throws for a layout setting that cannot be read, or that would go unread: a long file needs
  /// one file and a time column; `symbol_column` and `symbols` need `layout: long`.
  static func checkLayout(_ parameters: Parameters, paths: [String], numbersRows: Bool) throws {
    let symbols = parameters[Self.symbols]
    if let twice = symbols.firstRepeated {
      throw SeismoError.config(key: "source.symbols", location: nil, message: "'\(twice)' is listed twice")
    }
    guard parameters[Self.layout] == .long else {
      let set = !symbols.isEmpty ? "symbols" : parameters.changesDefault(Self.symbolColumn) ? "symbol_column" : nil
      if let set {
        throw SeismoError.config(
          key: "source.\(set)", location: nil, message: "reads a long file (a row per symbol and time); set layout: long")
      }
      return
    }
    if paths.count > 1, parameters[Self.combine] == .join {
      throw SeismoError.config(
        key: "source.layout", location: nil,
        message:
          "long reads one file of many symbols; \(paths.count) files are joined as wide ones: one at a time, combine: append for a long file cut by time, or layout: wide"
      )
    }
    if numbersRows {
      throw SeismoError.config(
        key: "source.layout", location: nil,
        message: "long joins the symbols on their times, and time_column none numbers the rows; name the time column")
    }
  }

  /// A source for code that reads CSV files itself (ingest, evaluate, report, bench): the
  /// plugin's defaults except for what is given here; a `symbolColumn` reads a long file.
  /// `spelling` is how its errors name these settings: `.options` where the command takes them
  /// as options.
  public init(
    paths: [String], columns: [String] = [], timeColumn: String = "auto", timeOfDayColumn: String = "none",
    timeFormat: String = "iso",
    delimiter: String = ",",
    decimal: DecimalMark = .point, missing: [String] = [], skipLines: Int = 0, skipFooter: Int = 0,
    gaps: GapPolicy = .ffill,
    duplicates: DuplicatePolicy = .error, combine: Combine = .join, symbolColumn: String? = nil, symbols: [String] = [],
    spelling: SettingSpelling = .config
  ) throws {
    var values: [String: ParameterValue] = [
      "path": .textList(paths), "columns": .textList(columns), "time_column": .text(timeColumn),
      "time_of_day_column": .text(timeOfDayColumn),
      "time_format": .text(timeFormat), "delimiter": .text(delimiter), "decimal": .text(decimal.rawValue),
      "missing": .textList(missing), "skip_lines": .text(String(skipLines)),
      "skip_footer": .text(String(skipFooter)), "gaps": .text(gaps.rawValue),
      "duplicates": .text(duplicates.rawValue), "combine": Self.combine.stored(combine), "symbols": .textList(symbols),
    ]
    if let symbolColumn {
      values["layout"] = Self.layout.stored(.long)
      values["symbol_column"] = .text(symbolColumn)
    }
    try self.init(parameters: Parameters(specs: Self.descriptor.parameters, values: values))
    self.spelling = spelling
  }

  /// This source, reading `True` and `False` (and `TRUE`, `true`, …) as 1 and 0: a labels file's
  /// boolean column, as pandas writes it.
  public func readingBooleans() -> CSVSource {
    var source = self
    source.marks += CellMark.booleans
    return source
  }

  public func load() throws -> LoadedFrame { try load(observer: nil) }

  public func load(observer: ProgressObserver?) throws -> LoadedFrame { try loaded(readTable(observer: observer)) }

  /// `load`, less the rows at the end that wait for a feature `wait_for` names (after `settled`).
  public func loadHoldingBack(after settled: Timestamp?) throws -> (LoadedFrame, WaitingRows?) {
    var source = self
    source.holdBack = HoldBack(after: settled)
    let table = try source.readTable()
    return (try loaded(table), table.waiting)
  }

  /// Rows at the end that `loadHoldingBack` leaves out: those that miss a feature `wait_for`
  /// names, after `after` (the last row already scored).
  struct HoldBack {
    var after: Timestamp?
  }

  /// Removes the rows at the end that `holdBack` leaves out from `values` (`names` the features'
  /// names as loaded, NaN a gap) and the arrays beside it; what they wait for, or nil.
  func holdingBack<Value: CSVNumber>(
    _ values: inout [Value], _ timestamps: inout [Timestamp], _ lines: inout [Int32], names: [String]
  ) throws -> WaitingRows? {
    guard let holdBack,
      let (cut, waiting) = WaitingRows.start(
        values: values, timestamps: timestamps, names: names, needing: try WaitingRows.awaited(waitFor, among: names),
        after: holdBack.after)
    else { return nil }
    let held = timestamps.count - cut
    values.removeLast(held * names.count)
    timestamps.removeLast(held)
    lines.removeLast(held)
    return waiting
  }

  /// The frame of `table`, with how it was read.
  private func loaded(_ table: CSVTable<Float>) throws -> LoadedFrame {
    let frame = try Frame(
      timestamps: table.timestamps, timeKind: table.hasTimeColumn ? .calendar : .index, featureNames: table.featureNames,
      values: table.values, source: origin)
    var loaded = LoadedFrame(
      frame: frame, origin: origin, rowsRead: table.rowsRead, cellsFilled: table.cellsFilled, rowsDropped: table.rowsDropped)
    loaded.sortedByTime = table.sortedByTime
    loaded.duplicateRowsMerged = table.duplicateRowsMerged
    loaded.duplicatePolicy = duplicates
    loaded.carriedToEnd = table.carriedToEnd
    loaded.filledAtEnd = table.filledAtEnd
    loaded.holes = table.holes
    loaded.timeColumnNotFound = timeColumnNotFound(table.hasTimeColumn)
    loaded.timesWrittenWithOffset = table.timesWrittenWithOffset
    return loaded
  }

  /// What `time_column: auto` looked for when it found no time column (nil: it found one, or
  /// the rows are numbered as asked).
  public func timeColumnNotFound(_ hasTimeColumn: Bool) -> String? {
    hasTimeColumn || request.numbersRows
      ? nil : "\(spelling.name("time_column")) auto looks for \(ColumnRequest.automaticTimeDescription)"
  }

  /// The file's rows before they become a `Frame`: sorted by time, duplicates merged, the gap
  /// policy applied. Under `gaps: keep` (`seismo ingest --gaps keep`) empty cells stay NaN.
  /// `observer` hears how many of the file's bytes have been read.
  public func readTable(observer: ProgressObserver? = nil) throws -> CSVTable<Float> {
    try read(observer: observer) { source, observer in
      let collector = try source.collect(inDoubles: false, observer: observer)
      return try source.table(of: collector, values: collector.values)
    }
  }

  /// `readTable` with the numbers in double precision, as written (`seismo ingest` stores them so).
  public func readTableInDoubles(observer: ProgressObserver? = nil) throws -> CSVTable<Double> {
    try read(observer: observer) { source, observer in
      let collector = try source.collect(inDoubles: true, observer: observer)
      return try source.table(of: collector, values: collector.doubles)
    }
  }

  /// Each feature of a long file as `narrowing` loads it alone (its symbol's rows, its value
  /// column, the policies applied to them), from one read of the file; nil for other files,
  /// which `narrowing` reads once each anyway.
  public func loadEachAlone() throws -> [String: LoadedFrame]? {
    guard !request.symbol.isEmpty, holdBack == nil else { return nil }
    let collector = try collect(inDoubles: false, observer: nil)
    let (tables, _, names) = try symbolTables(of: collector, values: collector.values)
    var frames: [String: LoadedFrame] = [:]
    var next = 0
    for table in tables {
      let f = table.featureNames.count
      for j in 0..<f {
        var one = table
        one.featureNames = [table.featureNames[j]]
        one.values = stride(from: j, to: table.values.count, by: f).map { table.values[$0] }
        var alone = try filled(one, names: [names[next]], of: collector)
        alone.featureNames = [names[next]]
        frames[names[next]] = try loaded(alone)
        next += 1
      }
    }
    return frames
  }

  /// What `readTableInDoubles` joins, each part read alone with the policies a file read alone
  /// gets, its features under the names the join gives them: each of several files, or each
  /// symbol of a long file; else the one file. How a long table stores each part's rows on its
  /// own times.
  public func readPartsInDoubles(observer: ProgressObserver? = nil) throws -> [CSVTable<Double>] {
    guard !request.symbol.isEmpty else {
      let files = try eachFile()
      let tables = try zip(files, fileObservers(observer)).map { try $0.readTableInDoubles(observer: $1) }
      if joins { try refuseOneSeriesCutByTime(tables, columns: files.map(\.request.columns)) }
      return tables
    }
    let collector = try collect(inDoubles: true, observer: observer)
    let (tables, _, names) = try symbolTables(of: collector, values: collector.doubles)
    var next = 0
    return try tables.map { table in
      let own = Array(names[next..<next + table.featureNames.count])
      next += own.count
      var part = try filled(table, names: own, of: collector)
      part.featureNames = own
      return part
    }
  }

  /// The table `readFile` reads from the one file, or the files' tables joined on time, with
  /// the features named by `as`.
  private func read<Value: CSVNumber>(
    observer: ProgressObserver?, _ readFile: (CSVSource, ProgressObserver?) throws -> CSVTable<Value>
  ) throws -> CSVTable<Value> {
    var table = try joins ? joinedTable(observer: observer, readFile) : readFile(self, observer)
    if !renames.isEmpty {
      guard renames.count == table.featureNames.count else { throw renameCountError(table.featureNames) }
      table.featureNames = renames
    }
    return table
  }

  /// `as` gives a name to each feature, in order, but `names` are what the files give.
  func renameCountError(_ names: [String]) -> SeismoError {
    .config(
      key: "source.as", location: nil,
      message:
        "names each feature, in order, but \(origin) give\(paths.count == 1 ? "s" : "") \(names.count) (\(names.joined(separator: ", "))) for \(renames.count) names; choose them with columns"
    )
  }

  /// The file read by a collector, at least a header and a data row.
  private func collect(inDoubles: Bool, observer: ProgressObserver?) throws -> ColumnCollector {
    guard !appends || paths.count == 1 else { return try collectAppended(inDoubles: inDoubles, observer: observer) }
    try checkFile()
    let collector = ColumnCollector(
      path: path, request: request, timeParser: timeParser, delimiter: delimiter, decimal: decimal,
      spelling: spelling, marks: marks, inDoubles: inDoubles)
    try recordReader.read(into: collector, progress: observer)
    guard !collector.header.isEmpty else { throw SeismoError.file(path: path, message: "the file is empty") }
    guard !collector.timestamps.isEmpty else {
      throw SeismoError.data(source: path, line: nil, column: nil, message: "has a header but no data rows")
    }
    return collector
  }

  /// The files of one series cut by time (`combine: append`), each read with its own settings,
  /// their rows as one file's; they must give the same columns.
  private func collectAppended(inDoubles: Bool, observer: ProgressObserver?) throws -> ColumnCollector {
    let observers = fileObservers(observer)
    var first: ColumnCollector?
    for (k, file) in paths.enumerated() {
      let next = try single(file).collect(inDoubles: inDoubles, observer: observers[k])
      guard let first else {
        first = next
        continue
      }
      guard next.featureNames == first.featureNames else {
        throw appendedColumnsError(file, columns: next.featureNames, first: first.featureNames)
      }
      first.append(next)
    }
    return first!
  }

  /// `file`, appended to the first file, gives other `columns` than its (`first`).
  func appendedColumnsError(_ file: String, columns: [String], first: [String]) -> SeismoError {
    .data(
      source: file, line: 1, column: nil,
      message:
        "gives the columns \(EditDistance.listing(columns)), and \(path) \(EditDistance.listing(first)): files appended (\(spelling.setting("combine", "append"))) are one series, of the same columns; choose them with \(spelling.name("columns"))"
    )
  }

  /// The collected rows, `values` being its numbers, sorted, merged and with the gap policy
  /// applied; a long file's symbols joined on time.
  private func table<Value: CSVNumber>(of collector: ColumnCollector, values: [Value]) throws -> CSVTable<Value> {
    guard request.symbol.isEmpty else {
      let (tables, parts, names) = try symbolTables(of: collector, values: values)
      return try join(tables, parts: parts, names: names)
    }
    // A column named as a symbol column is, beside repeated times: a long file read as wide.
    let long = ColumnRequest.likelySymbolColumn(in: collector.header).map {
      " (a long file, a row per symbol and time? set \(spelling.setting("layout", "long")), \(spelling.setting("symbol_column", $0)))"
    }
    let rows = try merged(values, collector.timestamps, collector.lines, of: collector, longHint: long)
    return try filled(rows, names: renames.count == rows.featureNames.count ? renames : rows.featureNames, of: collector)
  }

  /// Rows of `collector` (`values`, `timestamps` and `lines`, a file's or a long file's symbol's)
  /// sorted by time and their duplicates merged, before the gap policy. The duplicate error
  /// names `symbol`, or gives `longHint`, that the file is long.
  private func merged<Value: CSVNumber>(
    _ values: consuming [Value], _ timestamps: [Timestamp], _ lines: [Int32], of collector: ColumnCollector,
    symbol: String? = nil, longHint: String? = nil
  ) throws -> CSVTable<Value> {
    var (values, timestamps, lines) = (values, timestamps, lines)
    let f = collector.featureNames.count
    let rowsRead = timestamps.count
    var sorted = false
    var duplicateRows = 0
    if collector.hasTimeColumn {
      sorted = sortByTime(&values, &timestamps, &lines, featureCount: f)
      let (sortedLines, sortedTimes) = (lines, timestamps)
      duplicateRows = try duplicates.apply(values: &values, timestamps: &timestamps, rowLabels: &lines, featureCount: f) {
        duplicateError(
          row: $0, lines: sortedLines, timestamps: sortedTimes, fractional: collector.firstFractionalTime, symbol: symbol,
          long: longHint, place: collector.place)
      }
    }
    return CSVTable(
      timestamps: timestamps, hasTimeColumn: collector.hasTimeColumn, featureNames: collector.featureNames, values: values,
      lines: lines, rowsRead: rowsRead, cellsFilled: 0, rowsDropped: 0, sortedByTime: sorted,
      duplicateRowsMerged: duplicateRows, timesWrittenWithOffset: collector.timesWrittenWithOffset)
  }

  /// `table` (its features named by the file's columns) held back and with the gap policy applied,
  /// as one file read alone is; `names` are the features' names as loaded.
  private func filled<Value: CSVNumber>(
    _ table: consuming CSVTable<Value>, names: [String], of collector: ColumnCollector
  ) throws -> CSVTable<Value> {
    var table = table
    table.waiting = try holdingBack(&table.values, &table.timestamps, &table.lines, names: names)
    let (columns, sourceLines) = (table.featureNames, table.lines)
    let outcome = try gaps.apply(
      values: &table.values, timestamps: &table.timestamps, rowLabels: &table.lines, featureCount: columns.count
    ) {
      gapError(row: $0, feature: $1, lines: sourceLines, names: columns, place: collector.place)
    }
    guard !table.timestamps.isEmpty else {
      throw SeismoError.data(
        source: path, line: nil, column: nil,
        message: gaps.noRowsLeft(outcome, names: names, otherwise: "every row has an empty selected cell"))
    }
    table.cellsFilled = outcome.cellsFilled
    table.rowsDropped = outcome.rowsDropped
    table.carriedToEnd = outcome.carriedToEnd
    table.filledAtEnd = outcome.filledAtEnd
    table.holes = outcome.holes
    return table
  }

  /// A long file's rows (`layout: long`), `values` being their numbers, one table per symbol
  /// read (`symbols`, or every one), each sorted and merged as a wide file's rows are; with where
  /// each came from and the features' names: `as`'s, or each symbol's named for it (`AAPL`, or
  /// `AAPL_close` for several value columns).
  private func symbolTables<Value: CSVNumber>(of collector: ColumnCollector, values: [Value]) throws -> (
    [CSVTable<Value>], [JoinedPart], [String]
  ) {
    guard collector.hasTimeColumn else {
      throw SeismoError.file(
        path: path,
        message:
          "has no time column (\(timeColumnNotFound(false) ?? "")), and a long file's symbols are joined on their times; name it with \(spelling.name("time_column"))"
      )
    }
    let columns = collector.featureNames
    let f = columns.count
    let read =
      try symbolsRead.isEmpty
      ? Array(collector.symbols.indices)
      : symbolsRead.map { symbol in
        guard let k = collector.symbols.firstIndex(of: symbol) else {
          throw SeismoError.config(
            key: "source.symbols", location: nil,
            message:
              "'\(symbol)' is not in \(path)'s symbol column '\(request.symbol)'\(EditDistance.suggestion(for: symbol, among: collector.symbols)); its symbols: \(EditDistance.listing(collector.symbols))"
          )
        }
        return k
      }
    var rowsOf = [[Int]](repeating: [], count: collector.symbols.count)
    for (r, k) in collector.rowSymbols.enumerated() { rowsOf[Int(k)].append(r) }
    var tables: [CSVTable<Value>] = []
    var parts: [JoinedPart] = []
    var names: [String] = []
    for k in read {
      let symbol = collector.symbols[k]
      var own = [Value]()
      own.reserveCapacity(rowsOf[k].count * f)
      for r in rowsOf[k] { own.append(contentsOf: values[r * f..<(r + 1) * f]) }
      tables.append(
        try merged(
          own, rowsOf[k].map { collector.timestamps[$0] }, rowsOf[k].map { collector.lines[$0] }, of: collector,
          symbol: symbol))
      parts.append(JoinedPart(file: path, symbol: symbol, columns: columns, place: collector.place))
      names += f == 1 ? [symbol] : columns.map { "\(symbol)_\($0)" }
    }
    guard !renames.isEmpty else { return (tables, parts, names) }
    guard renames.count == names.count else { throw renameCountError(names) }
    return (tables, parts, renames)
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

  /// Throws, naming the file, unless `path` is a readable file.
  func checkFile() throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      // Names joined by commas are a list written as one name (`--set source.path=a.csv,b.csv`).
      let hint = EditDistance.listed(URL(fileURLWithPath: path).lastPathComponent).map {
        " (a list of files? write it [\($0.joined(separator: ", "))])"
      }
      throw SeismoError.file(path: path, message: "no such file\(hint ?? "")")
    }
    guard !isDirectory.boolValue else { throw SeismoError.file(path: path, message: "is a folder, not a CSV file") }
    guard FileManager.default.isReadableFile(atPath: path) else {
      throw SeismoError.file(path: path, message: "cannot be read (permissions?)")
    }
  }

  /// Sorts rows by timestamp (stable) if they are not already ascending; returns whether it did.
  private func sortByTime<Value>(
    _ values: inout [Value], _ timestamps: inout [Timestamp], _ lines: inout [Int32], featureCount f: Int
  ) -> Bool {
    guard zip(timestamps, timestamps.dropFirst()).contains(where: { $0 > $1 }) else { return false }
    let order = timestamps.indices.sorted { timestamps[$0] < timestamps[$1] || (timestamps[$0] == timestamps[$1] && $0 < $1) }
    values = order.flatMap { values[$0 * f..<($0 + 1) * f] }
    timestamps = order.map { timestamps[$0] }
    lines = order.map { lines[$0] }
    return true
  }
}
