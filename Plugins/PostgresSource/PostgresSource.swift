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
  public static let table = Parameter<String>("table", default: "", help: "table name (exact, quoted); or use query")
  public static let schema = Parameter<String>("schema", default: "public", help: "schema of the table")
  static let timeColumn = Parameter<String>("time_column", default: "ts", help: "timestamp or date column")
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

  public static let layout = Parameter<Layout>(
    "layout", default: .wide, help: "wide: a column per indicator; long: rows of (symbol, time, value)")

  /// How the table holds its indicators.
  public enum Layout: String, CaseIterable, Sendable {
    /// A column per indicator.
    case wide
    /// Rows of (symbol, time, value).
    case long
  }

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
    ])

  let url: String
  let table: String
  let schema: String
  let layout: Layout
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

  /// A long table's indicator is a symbol, a wide table's a column; a query loads what it selects.
  public static func narrowing(_ parameters: Parameters, to indicator: String) -> Parameters? {
    guard parameters[query].isEmpty else { return nil }
    var narrowed = parameters
    narrowed.set(parameters[layout] == .long ? symbols : columns, [indicator])
    return narrowed
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
    query = parameters[Self.query]
    gaps = parameters[GapPolicy.parameter]
    duplicates = parameters[DuplicatePolicy.parameter]
    for (key, list) in [("columns", columns), ("symbols", symbols)] {
      if let twice = list.first(where: { name in list.filter { $0 == name }.count > 1 }) {
        throw SeismoError.config(key: "source.\(key)", location: nil, message: "'\(twice)' is listed twice")
      }
    }
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

  var origin: String {
    self.query.isEmpty ? "postgres table \(self.schema).\(self.table)" : "postgres query"
  }

  /// Reads in one READ ONLY transaction (a `query` cannot write, even through functions it
  /// calls) under the connection's lock and statement timeouts, on a connection of the process's
  /// pool: a worker loading one indicator per job opens no new connection per job.
  public func load() throws -> LoadedFrame {
    try PGConnectionPool.shared.withConnection(self.url) { db in
      try db.transaction(readOnly: true) { try load(from: db) }
    }
  }

  func load(from db: PGConnection) throws -> LoadedFrame {
    var carried: [Float]?
    return try policiesApplied(to: read(db), carrying: &carried)
  }

  /// Rows as they are stored: NULL (or a symbol missing at a time) is NaN, nothing merged.
  struct StoredRows {
    var names: [String]
    var timestamps: [Timestamp]
    var values: [Float]
    /// The table's rows they came from (a long table's: one a symbol and time).
    var tableRows: Int
  }

  /// Reads the stored rows of the source's own features, or of `features` when given, from
  /// `next` on when given (a long table's symbol without rows there is then a column of gaps).
  /// `catalogue`: the table's columns when the caller has them already.
  func read(
    _ db: PGConnection, features: [String]? = nil, next: Timestamp? = nil, catalogue known: TableColumns? = nil
  ) throws -> StoredRows {
    let time = PGConnection.quote(self.timeColumn)
    let table = PGConnection.qualified(self.schema, self.table)
    var names: [String]
    var timestamps: [Timestamp]
    var values: [Float]
    var tableRows: Int?
    if !self.query.isEmpty {
      let probe = try db.execute("SELECT * FROM (\(self.query)) AS q LIMIT 0")
      guard probe.columns.count >= 2 else {
        throw SeismoError.invalidInput("\(origin): the SELECT needs a time column and at least one feature column")
      }
      let types = try Self.baseTypes(ofOIDs: probe.columnTypes, db)
      let selected = zip(probe.columns, types).map { Column(name: $0, type: $1) }
      try selected.first.map(requireTime)
      try selected.dropFirst().forEach(requireNumber)
      names = Array(probe.columns.dropFirst())
      let select =
        ["extract(epoch from q.\(PGConnection.quote(probe.columns[0])))::float8"]
        + names.map { "q.\(PGConnection.quote($0))::float8" }
      (timestamps, values) = try read(
        db, "SELECT \(select.joined(separator: ", ")) FROM (\(self.query)) AS q ORDER BY 1", [])
    } else if layout == .wide {
      let catalogue = try known ?? TableColumns(self, db)
      let (range, bounds) = try timeRange(on: catalogue.named(self.timeColumn, "time column"), next: next)
      if let features {
        names = features
        try names.forEach { try requireNumber(catalogue.named($0, "column")) }
      } else if self.columns.isEmpty {
        names = catalogue.numbers(besides: self.timeColumn)
        guard !names.isEmpty else {
          throw SeismoError.invalidInput("\(origin): no numeric columns besides '\(self.timeColumn)'")
        }
      } else {
        names = self.columns
        try names.forEach { try requireNumber(catalogue.named($0, "column")) }
      }
      let select = ["extract(epoch from \(time))::float8"] + names.map { PGConnection.quote($0) + "::float8" }
      (timestamps, values) = try read(
        db, "SELECT \(select.joined(separator: ", ")) FROM \(table) WHERE \(range) ORDER BY \(time)", bounds)
    } else {
      let catalogue = try known ?? TableColumns(self, db)
      let (range, bounds) = try timeRange(on: catalogue.named(self.timeColumn, "time column"), next: next)
      _ = try catalogue.named(self.symbolColumn, "symbol column")
      try requireNumber(catalogue.named(self.valueColumn, "value column"))
      (names, timestamps, values, tableRows) = try readLong(
        db, table: table, time: time, range: range, bounds: bounds, symbols: features ?? symbols, allPresent: next == nil)
    }
    return StoredRows(names: names, timestamps: timestamps, values: values, tableRows: tableRows ?? timestamps.count)
  }

  /// `rows` with the duplicate and gap policies applied; `carried` (nil: none) holds each
  /// column's last value before the rows for `ffill` to carry in, and is left holding the last
  /// ones. The first read of a series (`carried` nil) must find rows.
  func policiesApplied(to rows: StoredRows, carrying carried: inout [Float]?) throws -> LoadedFrame {
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
          "NaN or infinity at \(CivilTime.format(timestamps[bad / names.count])) is not a number Seismo can use; store a missing value as NULL"
      )
    }
    let sorted = timestamps
    let merged = try duplicates.apply(
      values: &values, timestamps: &timestamps, rowLabels: &labels, featureCount: names.count
    ) { r in
      .data(
        source: origin, line: nil, column: nil,
        message:
          "two rows at \(CivilTime.format(sorted[r])) (times are whole seconds, so sub-second rows share one); set duplicates: first, last or mean to merge"
      )
    }
    let times = timestamps
    var carry = carried ?? [Float](repeating: .nan, count: names.count)
    defer { carried = carry }
    let outcome = try gaps.apply(
      values: &values, timestamps: &timestamps, rowLabels: &labels, featureCount: names.count, carrying: &carry
    ) { row, feature in
      .data(
        source: origin, line: nil, column: "'\(names[feature])'",
        message: "NULL or missing at \(CivilTime.format(times[row])) (gaps: error)")
    }
    let frame = try Frame(timestamps: timestamps, featureNames: names, values: values, source: origin)
    var loaded = LoadedFrame(
      frame: frame, origin: origin, rowsRead: rowsRead, cellsFilled: outcome.cellsFilled, rowsDropped: outcome.rowsDropped)
    loaded.duplicateRowsMerged = merged
    loaded.duplicatePolicy = duplicates
    return loaded
  }

  /// Epoch seconds from a time cell, refusing ±infinity.
  func seconds(_ cell: Double?) throws -> Timestamp {
    guard let t = cell else { throw SeismoError.invalidInput("\(origin): a row has no time") }
    guard t.isFinite else {
      throw SeismoError.invalidInput(
        "\(origin): a row's time is \(t > 0 ? "infinity" : "-infinity"); bound the range with from and to, or filter it out")
    }
    return Timestamp(t.rounded(.down))
  }

  /// A value cell: NULL is a gap (NaN); a stored NaN becomes infinity, which is refused with the
  /// other infinities.
  static func value(_ cell: Double?) -> Float {
    guard let cell else { return .nan }
    return cell.isNaN ? .infinity : Float(cell)
  }

  /// Runs a SELECT whose first column is epoch seconds and the rest values, all float8 (read in
  /// binary); NULL → NaN.
  func read(_ db: PGConnection, _ sql: String, _ parameters: [String?]) throws -> ([Timestamp], [Float]) {
    let result = try db.executeFloat8(sql, parameters)
    var timestamps: [Timestamp] = []
    var values: [Float] = []
    timestamps.reserveCapacity(result.rowCount)
    values.reserveCapacity(result.rowCount * max(result.columnCount - 1, 0))
    for r in 0..<result.rowCount {
      timestamps.append(try seconds(result[r, 0]))
      for c in 1..<result.columnCount { values.append(Self.value(result[r, c])) }
    }
    return (timestamps, values)
  }

  /// Reads (time, symbol, value) rows and pivots them wide: one feature per symbol.
  /// `symbols` empty: every symbol in the range. `allPresent`: each of `symbols` must have a row.
  func readLong(
    _ db: PGConnection, table: String, time: String, range: String, bounds: [String?], symbols wanted: [String],
    allPresent: Bool
  ) throws -> ([String], [Timestamp], [Float], Int) {
    let symbol = PGConnection.quote(self.symbolColumn)
    let value = PGConnection.quote(self.valueColumn)
    let names = wanted.isEmpty ? try symbols(in: range, bounds, on: db) : wanted
    // Each row's symbol as its feature's number (from 1), so that the rows read in binary.
    let result = try db.executeFloat8(
      """
      SELECT extract(epoch from \(time))::float8, array_position($4::text[], \(symbol)::text)::float8, \(value)::float8
      FROM \(table) WHERE \(range) AND \(symbol)::text = ANY($4::text[]) ORDER BY \(time)
      """, bounds + [PGText.array(names)])
    var present = [Bool](repeating: false, count: names.count)
    for r in 0..<result.rowCount { result[r, 1].map { present[Int($0) - 1] = true } }
    if allPresent, let missing = names.indices.first(where: { !present[$0] }) {
      let others = try symbols(in: range, bounds, on: db)
      throw SeismoError.invalidInput(
        "\(origin): no rows for symbol '\(names[missing])'\(EditDistance.suggestion(for: names[missing], among: others))")
    }
    var timestamps: [Timestamp] = []
    var values: [Float] = []
    var counts: [Int] = []  // rows merged into each cell (a symbol twice in one second)
    for r in 0..<result.rowCount {
      guard let feature = result[r, 1] else { continue }
      let j = Int(feature) - 1
      let t = try seconds(result[r, 0])
      if timestamps.last != t {
        timestamps.append(t)
        values += [Float](repeating: .nan, count: names.count)
        counts += [Int](repeating: 0, count: names.count)
      }
      let k = (timestamps.count - 1) * names.count + j
      let v = Self.value(result[r, 2])
      counts[k] += 1
      if counts[k] == 1 {
        values[k] = v
        continue
      }
      switch duplicates {
      case .error:
        throw SeismoError.data(
          source: origin, line: nil, column: "'\(names[j])'",
          message:
            "two rows at \(CivilTime.format(t)) (times are whole seconds, so sub-second rows share one); set duplicates: first, last or mean to merge"
        )
      case .first: break
      case .last: values[k] = v
      case .mean: values[k] += (v - values[k]) / Float(counts[k])
      }
    }
    return (names, timestamps, values, result.rowCount)
  }
}
