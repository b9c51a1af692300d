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
  /// How a large file is cut into parts read at once (`collectInParts`).
  var parts = PartedReading.standard

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
    if parameters[Self.layout] == .long {
      request.symbol = parameters[Self.symbolColumn]
      request.timesNeeded = "a long file's symbols are joined on their times"
    } else if paths.count > 1 {
      request.timesNeeded = "several files are \(appends ? "appended" : "joined") on their times"
    }
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

  /// This source, refusing a file without a time column at its first row, before reading the
  /// rest; `why` says what needs the times (`ingest`: a table's rows). A long file and several files
  /// need them already, for their own reason.
  public func requiringTimes(because why: String) -> CSVSource {
    var source = self
    source.request.timesNeeded = request.timesNeeded ?? why
    return source
  }

  public func load() throws -> LoadedFrame { try load(observer: nil) }

  public func load(observer: ProgressObserver?) throws -> LoadedFrame { try whole(readTable(observer: observer)) }

  /// `load`, less the rows at the end that wait for a feature `wait_for` names (after `settled`).
  public func loadHoldingBack(after settled: Timestamp?) throws -> (LoadedFrame, WaitingRows?) {
    var source = self
    source.holdBack = HoldBack(after: settled)
    let table = try source.readTable()
    return (try whole(table), table.waiting)
  }

  /// The frame of `table`, the whole data, with how it was read; when the config lists no
  /// columns of a wide file, every column was read, and those that look like labels are noted.
  func whole(_ table: CSVTable<Float>) throws -> LoadedFrame {
    var loaded = try loaded(table)
    if request.columns.isEmpty, request.symbol.isEmpty { loaded.noteLabelLikeFeatures() }
    return loaded
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
  func loaded(_ table: CSVTable<Float>) throws -> LoadedFrame {
    let frame = try Frame(
      timestamps: table.timestamps, timeKind: table.hasTimeColumn ? .calendar : .index, featureNames: table.featureNames,
      values: table.values, source: origin)
    var loaded = LoadedFrame(
      frame: frame, origin: origin, rowsRead: table.rowsRead, gaps: table.gapsApplied,
      duplicateRowsMerged: table.duplicateRowsMerged, policy: duplicates)
    loaded.sortedByTime = table.sortedByTime
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
}
