import SeismoCore
import SeismoPostgres

/// The columns a postgres source reads, checked against their types before any row is read: a
/// missing column is named with the table's columns, and a text column or a time column that
/// is not a date says so, instead of failing inside a cast.
extension PostgresSource {
  /// A column of the table or the query, with its type as PostgreSQL names it.
  typealias Column = PGConnection.TableColumn

  /// The table's columns in table order, looked up by name with a suggestion when one is missing.
  struct TableColumns {
    let all: [Column]
    let origin: String

    init(_ source: PostgresSource, _ db: PGConnection) throws {
      origin = source.origin
      guard let all = try db.columns(ofTable: source.schema, source.table) else {
        // `table: market.daily` names schema market to anyone who writes SQL.
        let hint =
          try PGConnection.schemaAndTable(in: source.table).map {
            "; a name is taken whole, dots included: for table '\($0.table)' of schema '\($0.schema)', give schema: \($0.schema) and table: \($0.table)"
          } ?? db.missingTableHint(schema: source.schema, table: source.table)
        throw SeismoError.invalidInput("\(origin): no such table\(hint)")
      }
      self.all = all
    }

    /// The numeric columns other than `time`, in table order: a wide table's indicators.
    func numbers(besides time: String) -> [String] { all.filter { $0.name != time && $0.isNumber }.map(\.name) }

    /// The time column `name`; `auto`: the column named `ts`, else the table's one column of a
    /// date or timestamp type. When the table has none of that name, nor one spelled alike, the
    /// error names the ones it has of a date or timestamp type too, before `hint` (or how a
    /// config names one).
    func time(_ name: String, hint: String? = nil) throws -> Column {
      let times = all.filter(\.isTime).map { "'\($0.name)'" }
      if name == "auto", !all.isEmpty {  // an empty table's error is `named`'s
        if let ts = all.first(where: { $0.name == "ts" }) { return ts }
        if times.count == 1, let only = all.first(where: \.isTime) { return only }
        let names = EditDistance.listing(all.map(\.name))
        throw SeismoError.invalidInput(
          times.isEmpty
            ? "\(origin): no time column: none named ts, nor of a date or timestamp type; columns are: \(names) (\(hint ?? "name it with time_column"))"
            : "\(origin): no column named ts, and several of a date or timestamp type: \(times.joined(separator: ", ")) (\(hint ?? "name the time column with time_column"))"
        )
      }
      guard !times.isEmpty, !all.contains(where: { $0.name == name }),
        EditDistance.suggestion(for: name, among: all.map(\.name)).isEmpty
      else {
        return try named(name, "time column", hint: hint)
      }
      let these =
        times.count == 1
        ? "its date or timestamp column is \(times[0])" : "its date or timestamp columns are \(times.joined(separator: ", "))"
      return try named(name, "time column", hint: "\(these): \(hint ?? "name it with time_column")")
    }

    /// The column `name`, which the source calls its `role`; an error for a missing one ends with
    /// `hint`, in parentheses, when given.
    func named(_ name: String, _ role: String, hint: String? = nil) throws -> Column {
      if let column = all.first(where: { $0.name == name }) { return column }
      guard !all.isEmpty else { throw SeismoError.invalidInput("\(origin): the table has no columns") }
      let names = all.map(\.name)
      throw SeismoError.invalidInput(
        "\(origin): no \(role) '\(name)'\(EditDistance.suggestion(for: name, among: names)); columns are: \(EditDistance.listing(names))"
          + (hint.map { " (\($0))" } ?? ""))
    }
  }

  /// The base type names of a result's columns, from their type OIDs.
  static func baseTypes(ofOIDs oids: [UInt32], _ db: PGConnection) throws -> [String] {
    let rows = try db.execute(
      """
      SELECT \(PGConnection.baseTypeName) FROM unnest($1::oid[]) WITH ORDINALITY AS u(type, position)
      JOIN pg_type t ON t.oid = u.type ORDER BY u.position
      """, [PGText.array(oids.map(String.init))]
    ).rows
    return rows.map { $0[0] ?? "" }
  }

  /// The name of the table's `time_column` (`auto` found), which must be a date or timestamp
  /// (`seismo db watch` checks the column its triggers announce times of); else throws, naming
  /// the table's columns. An error about the column ends with `hint`, in parentheses: which
  /// option names it.
  public func requireTimeColumn(on db: PGConnection, hint: String) throws -> String {
    let column = try TableColumns(self, db).time(timeColumn, hint: hint)
    try requireTime(column, hint: hint)
    return column.name
  }

  /// Throws unless `column` is a date or timestamp, ending the error with `hint` in parentheses;
  /// nil: the query that converts what the column holds.
  func requireTime(_ column: Column, hint: String? = nil) throws {
    guard column.isTime else {
      let name = PGConnection.quote(column.name)
      let conversion =
        column.isNumber
        ? casting("seconds since 1970?", "to_timestamp(\(name)) AS \(name)")
        : casting("times written as text?", "\(name)::timestamptz AS \(name)")
      throw SeismoError.invalidInput(
        "\(origin): the time column '\(column.name)' is \(column.type), not a date or timestamp (\(hint ?? conversion))")
    }
  }

  /// A hint that `guess` is what a column holds, and that a query converts it with `select`
  /// (the column's conversion, as that query's select list would write it).
  func casting(_ guess: String, _ select: String) -> String {
    query.isEmpty
      ? "\(guess) read the table with a query that converts it: SELECT \(select), … FROM \(PGConnection.qualified(schema, table))"
      : "\(guess) convert it in the query: SELECT \(select), …"
  }

  /// The WHERE condition for `from` and `to` on the time column `column` (which must be a date
  /// or timestamp), with its parameters `$1` and `$2`, and for `$3`: rows at or after `next`
  /// (nil: any), or before it when `before`. A bound is read as Seismo reads every time, UTC
  /// unless it carries an offset, and compared as the column stores time: with a `timestamptz`
  /// as an instant, with a `date` or `timestamp` as a UTC wall clock, as `load` reads them. The
  /// session's TimeZone plays no part. `unbounded` leaves `from` and `to` out.
  func timeRange(on column: Column, next: Timestamp? = nil, before: Bool = false, unbounded: Bool = false) throws
    -> (condition: String, parameters: [String?])
  {
    try requireTime(column)
    let instant = column.type == "timestamp with time zone"
    let type = instant ? "timestamptz" : "timestamp"
    let time = PGConnection.quote(column.name)
    let bounds = (unbounded ? [nil, nil, next] : [timeBounds.from, timeBounds.to, next]).map { time in
      time.map { instant ? PGText.timestamp($0) : CivilTime.format($0, withTime: true) }
    }
    return (
      "($1::\(type) IS NULL OR \(time) >= $1::\(type)) AND ($2::\(type) IS NULL OR \(time) <= $2::\(type))"
        + " AND ($3::\(type) IS NULL OR \(time) \(before ? "<" : ">=") $3::\(type))", bounds
    )
  }

  func requireNumber(_ column: Column) throws {
    guard column.isNumber else {
      let name = PGConnection.quote(column.name)
      let conversion = ["money": "numeric", "boolean": "int"][column.type] ?? "float8"
      // A long table's values are its rows, which a query would have to pivot.
      let hint = query.isEmpty && layout == .long ? "" : " (\(casting("numbers?", "\(name)::\(conversion) AS \(name)")))"
      throw SeismoError.invalidInput("\(origin): column '\(column.name)' is \(column.type), not a number\(hint)")
    }
  }

  /// The indicators `load` would read, without pivoting rows: a wide table's `columns` or
  /// numeric columns (from the catalogue), a long table's `symbols` or the distinct symbols in the
  /// time range, sorted as `load` sorts them; nil for a query, or a long table without any symbol.
  public func indicatorNames() throws -> [String]? {
    guard query.isEmpty else { return nil }
    if layout == .long, !symbols.isEmpty { return symbols }
    if layout == .wide, !columns.isEmpty { return columns }
    return try PGConnectionPool.shared.withConnection(url) { db in
      try db.transaction(readOnly: true) {
        let catalogue = try TableColumns(self, db)
        let time = try catalogue.time(timeColumn)
        guard layout == .long else { return catalogue.numbers(besides: time.name) }
        let (range, bounds) = try timeRange(on: time)
        _ = try catalogue.named(symbolColumn, "symbol column")
        let names = try symbols(in: range, bounds, on: db)
        return names.isEmpty ? nil : names
      }
    }
  }

  /// The distinct symbols of a long table in `range` (a `timeRange` condition), sorted as `load`
  /// orders its features.
  func symbols(in range: String, _ bounds: [String?], on db: PGConnection) throws -> [String] {
    let symbol = PGConnection.quote(symbolColumn)
    return try db.execute(
      "SELECT DISTINCT \(symbol)::text FROM \(PGConnection.qualified(schema, table)) WHERE \(range) AND \(symbol) IS NOT NULL",
      bounds
    ).rows.compactMap { $0[0] }.sorted()
  }
}

/// The types `load` reads as numbers and as times.
extension PGConnection.TableColumn {
  static let numberTypes: Set = ["double precision", "real", "numeric", "integer", "bigint", "smallint"]
  static let timeTypes: Set = ["date", "timestamp without time zone", "timestamp with time zone"]

  var isNumber: Bool { Self.numberTypes.contains(type) }
  var isTime: Bool { Self.timeTypes.contains(type) }
}
