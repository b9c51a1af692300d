import Foundation
import SeismoCore
import SeismoPostgres

/// Reads a time series from PostgreSQL: a wide table (one column per indicator), a long table
/// (symbol, timestamp, value) pivoted wide, or any SELECT whose first column is the time.
///
/// Table and column names are always quoted identifiers and the time range and symbols travel
/// as parameters, so names with spaces, quotes or semicolons are just names. Missing values
/// (NULL, or a symbol without a row at some time) are gaps, handled by `gaps` as in the CSV source;
/// NaN or infinite values are refused, as the CSV source refuses them. Times are whole seconds:
/// rows that share one (repeated or sub-second timestamps) follow `duplicates` as in the CSV
/// source. An infinite timestamp is refused.
public struct PostgresSource: DataSource, ConfigurablePlugin {
  public static let url = Parameter<String>("url", default: "", help: "postgresql:// URL or conninfo; empty: PG* environment")
  public static let table = Parameter<String>(
    "table", default: "",
    help: "table name, taken whole (quoted: its case and any dot kept; the schema is given apart); or use query")
  public static let schema = Parameter<String>("schema", default: "public", help: "schema of the table")
  static let timeColumn = Parameter<String>(
    "time_column", default: "auto",
    help: "timestamp or date column; auto: the column named ts, else the table's one column of a date or timestamp type")
  public static let columns = Parameter<[String]>(
    "columns", default: [], help: "wide: indicator columns; empty: every numeric column")
  static let symbolColumn = Parameter<String>("symbol_column", default: "symbol", help: "long: the symbol column")
  static let valueColumn = Parameter<String>("value_column", default: "value", help: "long: the value column")
  public static let symbols = Parameter<[String]>("symbols", default: [], help: "long: symbols to load; empty: all")
  static let from = Parameter<String>(
    "from", default: "", help: "first timestamp to load (ISO; UTC unless it has an offset), inclusive; tables only")
  static let to = Parameter<String>(
    "to", default: "", help: "last timestamp to load (ISO; UTC unless it has an offset), inclusive; tables only")
  public static let query = Parameter<String>(
    "query", default: "", help: "a SELECT instead of a table: first column the time, the others numeric features")

  public static let waitFor = WaitingRows.parameter

  public static let layout = Parameter<TableLayout>(
    "layout", default: .wide, help: "wide: a column per indicator; long: rows of (symbol, time, value)")

  public static let descriptor = PluginDescriptor(
    kind: .source, name: "postgres", summary: "time series from a PostgreSQL table (wide or long) or a SELECT",
    parameters: [
      Self.url.spec,
      Self.table.spec,
      Self.schema.spec,
      Self.layout.spec,
      Self.timeColumn.spec,
      Self.columns.spec,
      Self.symbolColumn.spec,
      Self.valueColumn.spec,
      Self.symbols.spec,
      Self.from.spec,
      Self.to.spec,
      Self.query.spec,
      GapPolicy.parameter.spec,
      DuplicatePolicy.parameter.spec,
      Self.waitFor.spec,
    ])

  let url: String
  let table: String
  let schema: String
  let layout: TableLayout
  let timeColumn: String
  let columns: [String]
  let symbolColumn: String
  let valueColumn: String
  let symbols: [String]
  let from: String
  let to: String
  /// `from` and `to` as times (UTC unless they carry an offset), parsed once; nil where unset.
  let timeBounds: (from: Timestamp?, to: Timestamp?)
  let query: String
  let gaps: GapPolicy
  let duplicates: DuplicatePolicy
  /// The features a new row must have (`["all"]`: every one), for `newRows`.
  let waitFor: [String]

  /// A long table's indicator is a symbol, a wide table's a column; a query loads what it selects.
  /// `wait_for` keeps what it names of the indicator.
  public static func narrowing(_ parameters: Parameters, to indicator: String) -> Parameters? {
    guard parameters[query].isEmpty else { return nil }
    var narrowed = parameters
    narrowed.set(parameters[layout] == .long ? symbols : columns, [indicator])
    if parameters[waitFor] != ["all"] { narrowed.set(waitFor, parameters[waitFor].filter { $0 == indicator }) }
    return narrowed
  }

  /// A long table's symbol alone has its own times; read with the others, it has theirs too.
  public static func narrowingChangesRows(_ parameters: Parameters) -> Bool {
    parameters[query].isEmpty && parameters[layout] == .long
  }

  public init(parameters: Parameters) throws {
    url = parameters[Self.url]
    table = parameters[Self.table]
    schema = parameters[Self.schema]
    layout = parameters[Self.layout]
    timeColumn = parameters[Self.timeColumn]
    columns = parameters[Self.columns]
    symbolColumn = parameters[Self.symbolColumn]
    valueColumn = parameters[Self.valueColumn]
    symbols = parameters[Self.symbols]
    from = parameters[Self.from]
    to = parameters[Self.to]
    query = Self.statement(parameters[Self.query])
    gaps = parameters[GapPolicy.parameter]
    duplicates = parameters[DuplicatePolicy.parameter]
    waitFor = parameters[Self.waitFor]
    for (key, list) in [("columns", columns), ("symbols", symbols)] {
      if let twice = list.firstRepeated {
        throw SeismoError.config(key: "source.\(key)", location: nil, message: "'\(twice)' is listed twice")
      }
    }
    try WaitingRows.check(waitFor)
    guard table.isEmpty != query.isEmpty else {
      throw SeismoError.config(key: "source.table", location: nil, message: "give either table or query (exactly one)")
    }
    timeBounds = (TimestampParser().parse(from), TimestampParser().parse(to))
    for (key, bound, time) in [("from", from, timeBounds.from), ("to", to, timeBounds.to)] where !bound.isEmpty && time == nil {
      throw SeismoError.config(key: "source.\(key)", location: nil, message: "'\(bound)' is not an ISO date")
    }
    if let first = timeBounds.from, let last = timeBounds.to, first > last {
      throw SeismoError.config(key: "source.to", location: nil, message: "'\(to)' is before from '\(from)'")
    }
    // A setting the chosen form of table would not read is refused, not ignored.
    let unread: [(key: String, isSet: Bool, reason: String)] = [
      ("from", !query.isEmpty && !from.isEmpty, "a query bounds its own rows; put the range in its WHERE"),
      ("to", !query.isEmpty && !to.isEmpty, "a query bounds its own rows; put the range in its WHERE"),
      ("columns", !query.isEmpty && !columns.isEmpty, "a query's features are the columns it selects"),
      ("columns", query.isEmpty && layout == .long && !columns.isEmpty, "a long table picks symbols, not columns"),
      ("symbols", !query.isEmpty && !symbols.isEmpty, "a query's features are the columns it selects"),
      ("symbols", query.isEmpty && layout == .wide && !symbols.isEmpty, "a wide table picks columns; symbols need layout: long"),
    ]
    if let setting = unread.first(where: \.isSet) {
      throw SeismoError.config(key: "source.\(setting.key)", location: nil, message: "not read here: \(setting.reason)")
    }
  }

  /// Beyond `init`'s checks, refuses the settings the chosen form of table would not read that
  /// differ from their defaults: a query's schema, layout, time column or `wait_for`, a wide
  /// table's symbol or value column. A config's check only: a stored run keeps what it ran with.
  public static func checkConfiguration(_ parameters: Parameters) throws {
    let source = try Self(parameters: parameters)
    let isQuery = !source.query.isEmpty
    let unread: [(parameter: String, isSet: Bool, reason: String)] = [
      (schema.name, isQuery && parameters.changesDefault(schema), "a query names its own tables (schema.table)"),
      (layout.name, isQuery && parameters.changesDefault(layout), "a query's rows are wide: the time, then a column per feature"),
      (timeColumn.name, isQuery && parameters.changesDefault(timeColumn), "a query's first column is its time"),
      (waitFor.name, isQuery && parameters.changesDefault(waitFor), "a query's rows never wait"),
      (symbolColumn.name, source.layout == .wide && parameters.changesDefault(symbolColumn), "symbol_column needs layout: long"),
      (valueColumn.name, source.layout == .wide && parameters.changesDefault(valueColumn), "value_column needs layout: long"),
    ]
    if let setting = unread.first(where: \.isSet) {
      throw SeismoError.config(key: "source.\(setting.parameter)", location: nil, message: "not read here: \(setting.reason)")
    }
  }

  /// `query` as the source runs it, inside another SELECT: without the `;` that ends a statement
  /// in psql (and the blanks around it), which there is a syntax error.
  static func statement(_ query: String) -> String {
    var text = Substring(query)
    while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
    return String(text)
  }

  /// What it reads, as messages name it: `postgres table market.daily`, or `postgres query`.
  public var origin: String {
    self.query.isEmpty ? "postgres table \(self.schema).\(self.table)" : "postgres query"
  }

  public func load() throws -> LoadedFrame { try load(observer: nil) }

  /// `observer` hears the table rows read of how many (of how many unknown for a query).
  public func load(observer: ProgressObserver?) throws -> LoadedFrame {
    try load(observer: observer, holdingBack: false).loaded
  }

  /// `load`, less the rows at the end that miss a feature `wait_for` names and come after
  /// `settled`, as `newRows` holds them back (a query's rows never wait).
  public func loadHoldingBack(after settled: Timestamp?) throws -> (LoadedFrame, WaitingRows?) {
    try load(observer: nil, holdingBack: readsNewRows, after: settled)
  }

  /// `load`; `holdingBack`, less the rows that wait for a feature after `settled`.
  private func load(observer: ProgressObserver?, holdingBack: Bool, after settled: Timestamp? = nil) throws -> (
    loaded: LoadedFrame, waiting: WaitingRows?
  ) {
    try inSnapshot { db in
      var (rows, _, time) = try read(db, observer: observer)
      let held =
        holdingBack ? rows.removeWaiting(needing: try WaitingRows.awaited(waitFor, among: rows.names), after: settled) : nil
      var carried: GapPolicy.Carrying<Float>?
      var loaded = try policiesApplied(to: rows, carrying: &carried)
      loaded.timesWrittenWithOffset = try sessionTimes(of: loaded.frame.timestamps, in: time, db)
      // Every numeric column of a wide table was read: say which look like labels.
      if query.isEmpty, layout == .wide, columns.isEmpty { loaded.noteLabelLikeFeatures() }
      return (loaded, held?.waiting)
    }
  }

  /// The first of `times` as this session shows the time column `column` (a table's, or a
  /// query's first), when it is a `timestamptz` and the session's time zone is not UTC: with its
  /// offset, as psql would show the row, where every output shows it in UTC. Then the first of 24
  /// times spread over the rest that has another offset (daylight saving), when one has. None for
  /// another type of column.
  func sessionTimes(of times: [Timestamp], in column: Column, _ db: PGConnection) throws -> [String] {
    guard !times.isEmpty, column.type == "timestamp with time zone" else { return [] }
    let sampled = Set((0...24).map { $0 * (times.count - 1) / 24 }).sorted().map { PGText.timestamp(times[$0]) }
    let shown = try db.execute(
      "SELECT t::timestamptz::text FROM unnest($1::text[]) WITH ORDINALITY AS s(t, k) ORDER BY k",
      [PGText.array(sampled)]
    ).rows.compactMap { $0.first ?? nil }
    guard let written = shown.first, let offset = TimestampParser.writtenOffset(written) else { return [] }
    let other = shown.dropFirst().first { TimestampParser.writtenOffset($0) ?? 0 != offset }
    return [written] + (other.map { [$0] } ?? [])
  }

  /// Runs `body` in one READ ONLY transaction (a `query` cannot write, even through functions it
  /// calls) with one snapshot for all its statements (REPEATABLE READ: a count agrees with the
  /// rows read), under the connection's lock and statement timeouts, on a connection of the
  /// process's pool: a worker loading one indicator per job opens no new connection per job.
  func inSnapshot<T>(_ body: (PGConnection) throws -> T) throws -> T {
    try PGConnectionPool.shared.withConnection(self.url) { db in
      try db.transaction(readOnly: true) {
        try db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return try body(db)
      }
    }
  }

  /// Two rows at `time` under `duplicates: error`; `column` names a long table's symbol.
  func twoRows(at time: Timestamp, column: String?) -> SeismoError {
    .data(
      source: origin, line: nil, column: column.map { "'\($0)'" },
      message:
        "two rows at \(CivilTime.format(time)) (times are whole seconds, so sub-second rows share one); set duplicates: first, last or mean to merge"
    )
  }

  /// `rows` with the duplicate and gap policies applied; `carried` (nil: none) holds what `ffill`
  /// carries in from the rows before, and is left holding what it carries on (unchanged when it
  /// throws). The first read of a series (`carried` nil) must find rows and, unless it is a
  /// stream's first `piece` (whose leading gaps may drop all its rows: the stream's reader says
  /// when no piece kept one), keep some.
  func policiesApplied(to rows: StoredRows, carrying carried: inout GapPolicy.Carrying<Float>?, piece: Bool = false)
    throws -> LoadedFrame
  {
    let names = rows.names
    var timestamps = rows.timestamps
    var values = rows.values
    guard !timestamps.isEmpty || carried != nil else {
      throw SeismoError.invalidInput("\(origin): no rows (check the table, symbols and time range)")
    }
    let rowsRead = timestamps.count
    var labels = (0..<rowsRead).map { Int32($0) }
    if let bad = values.firstIndex(where: \.isInfinite) {
      throw SeismoError.data(
        source: origin, line: nil, column: "'\(names[bad % names.count])'",
        message:
          "NaN or infinity at \(CivilTime.format(timestamps[bad / names.count])) is not a number Seismo can use (nor is a number beyond a 32-bit float's ±3.4e+38, read as infinity, or a non-zero one nearer 0 than its 1.4e-45: rescale such a column); store a missing value as NULL"
      )
    }
    let sorted = timestamps
    let merged = try duplicates.apply(
      values: &values, timestamps: &timestamps, rowLabels: &labels, featureCount: names.count
    ) { twoRows(at: sorted[$0], column: nil) }
    let times = timestamps
    var carry = carried ?? GapPolicy.Carrying(featureCount: names.count)
    let outcome = try gaps.apply(
      values: &values, timestamps: &timestamps, rowLabels: &labels, featureCount: names.count, carrying: &carry
    ) { row, feature in
      .data(
        source: origin, line: nil, column: "'\(names[feature])'",
        message: "NULL or missing at \(CivilTime.format(times[row])) (gaps: error)")
    }
    guard !timestamps.isEmpty || carried != nil || piece else {
      throw SeismoError.invalidInput(
        "\(origin): \(gaps.noRowsLeft(outcome, names: names, otherwise: "every row has a NULL or missing value"))")
    }
    let frame = try Frame(timestamps: timestamps, featureNames: names, values: values, source: origin)
    carried = carry  // only once the rows are taken: a read that failed is read again from the same state
    return LoadedFrame(
      frame: frame, origin: origin, rowsRead: rowsRead, gaps: outcome, duplicateRowsMerged: merged, policy: duplicates)
  }
}
