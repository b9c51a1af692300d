import SeismoCore
import SeismoPostgres

/// Reading the stored rows a row at a time as the server sends them: `load` keeps the rows but
/// never the whole result, and `stream` keeps neither.
extension PostgresSource {
  /// Table rows read between two progress reports, and the most a stream's cursor fetches at a
  /// time.
  static let batchRows = 50_000

  /// What a read runs: a SELECT whose first column is epoch seconds and the others the features'
  /// values (a long table's: each row's feature number from 1, then its value), all float8, and
  /// for a table the condition its rows meet.
  struct ReadPlan {
    var names: [String]
    var select: String
    var parameters: [String?]
    /// The condition on the table's rows it reads, to count them; nil for a query, which would
    /// have to run twice to be counted.
    var filter: String?
    var isLong: Bool
    /// The time column as it is read (a query's first column), for its type.
    var time: Column
  }

  /// Reads the stored rows of the source's own features, or of `features` when given, from
  /// `next` on when given (a long table's symbol without rows there is then a column of gaps).
  /// `catalogue`: the table's columns when the caller has them already; `observer` hears the
  /// table rows read of how many.
  /// - Returns: the rows, the table rows they came from (a long table's: one a symbol and
  ///   time), and the time column they were read from.
  func read(
    _ db: PGConnection, features: [String]? = nil, next: Timestamp? = nil, catalogue: TableColumns? = nil,
    observer: ProgressObserver? = nil
  ) throws -> (rows: StoredRows, tableRows: Int, time: Column) {
    let plan = try self.plan(db, features: features, next: next, catalogue: catalogue)
    var rows = StoredRows(names: plan.names, isLong: plan.isLong)
    let tableRows = try fetch(plan, on: db, cursor: false, observer: observer) { try rows.append($0, from: self) }
    if plan.isLong, next == nil {
      try requireEverySymbol(rows.names, present: rows.present, db)
      try requireSharedTimes(rows)
    }
    return (rows, tableRows, plan.time)
  }

  /// Runs `plan`, handing `body` its rows one at a time: as the server sends them, or through a
  /// `cursor` fetched 50,000 rows or 4 MiB at a time when `body` may be slow (a stream scoring
  /// as it reads), so that the statement timeout bounds each fetch, not the whole read. `observer`
  /// hears the rows read of how many (counted first, when it listens and the plan can count)
  /// every `batchRows` rows and at the end.
  /// - Returns: the rows read.
  func fetch(
    _ plan: ReadPlan, on db: PGConnection, cursor: Bool, observer: ProgressObserver?,
    _ body: (PGFloat8Row) throws -> Void
  ) throws -> Int {
    var total: Int?
    if observer != nil, let filter = plan.filter { total = try count(db, where: filter, plan.parameters) }
    var done = 0
    func each(_ row: PGFloat8Row) throws {
      try body(row)
      done += 1
      if done % Self.batchRows == 0 { observer?(ProgressCount(done, of: total, .rows)) }
    }
    if cursor {
      // 50,000 rows or 4 MiB a fetch, whichever is less: a float8 cell is 12 bytes on the wire,
      // a row's header 7.
      let rowBytes = 7 + 12 * (plan.isLong ? 3 : plan.names.count + 1)
      try db.forEachFloat8Row(
        plan.select, plan.parameters, fetching: min(Self.batchRows, max(1_000, (4 << 20) / rowBytes)), each)
    } else {
      try db.forEachFloat8Row(plan.select, plan.parameters, each)
    }
    observer?(ProgressCount(done, of: total, .rows))
    return done
  }

  /// The SQL for the epoch seconds of `time` (a date or timestamp column, quoted), as float8:
  /// `date_part`, which gives the float8 itself. `extract` gives a numeric (PostgreSQL 14 on),
  /// whose cast to float8 cost the server 2.5 times what `date_part` does, per row.
  static func epochSeconds(_ time: String) -> String { "date_part('epoch', \(time))" }

  /// The statements that read the source's features (or `features`) from `next` on.
  func plan(_ db: PGConnection, features: [String]?, next: Timestamp?, catalogue known: TableColumns?) throws -> ReadPlan {
    if !self.query.isEmpty {
      let probe: PGResult
      do {
        probe = try db.execute("SELECT * FROM (\(self.query)) AS q LIMIT 0")
      } catch SeismoError.database(let message) where self.query.contains(";") && message.contains("at or near \";\"") {
        throw SeismoError.config(
          key: "source.query", location: nil,
          message: "one SELECT, which the source reads inside another: a ';' there ends it; keep one statement")
      }
      guard probe.columns.count >= 2 else {
        throw SeismoError.invalidInput("\(origin): the SELECT needs a time column and at least one feature column")
      }
      let types = try Self.baseTypes(ofOIDs: probe.columnTypes, db)
      let selected = zip(probe.columns, types).map { Column(name: $0, type: $1) }
      try selected.first.map { try requireTime($0) }
      try selected.dropFirst().forEach(requireNumber)
      let names = Array(probe.columns.dropFirst())
      let select =
        [Self.epochSeconds("q.\(PGConnection.quote(probe.columns[0]))")]
        + names.map { "q.\(PGConnection.quote($0))::float8" }
      return ReadPlan(
        names: names, select: "SELECT \(select.joined(separator: ", ")) FROM (\(self.query)) AS q ORDER BY 1",
        parameters: [], filter: nil, isLong: false, time: selected[0])
    }
    let table = PGConnection.qualified(self.schema, self.table)
    let catalogue = try known ?? TableColumns(self, db)
    let timeRead = try catalogue.time(self.timeColumn)
    let time = PGConnection.quote(timeRead.name)
    let (range, bounds) = try timeRange(on: timeRead, next: next)
    if layout == .wide {
      var names = features ?? self.columns
      if names.isEmpty {
        names = catalogue.numbers(besides: timeRead.name)
        guard !names.isEmpty else {
          throw SeismoError.invalidInput("\(origin): no numeric columns besides '\(timeRead.name)'")
        }
      } else {
        for name in names { try requireNumber(catalogue.named(name, "column")) }
      }
      let select = [Self.epochSeconds(time)] + names.map { PGConnection.quote($0) + "::float8" }
      return ReadPlan(
        names: names, select: "SELECT \(select.joined(separator: ", ")) FROM \(table) WHERE \(range) ORDER BY \(time)",
        parameters: bounds, filter: rows(in: range), isLong: false, time: timeRead)
    }
    _ = try catalogue.named(self.symbolColumn, "symbol column")
    try requireNumber(catalogue.named(self.valueColumn, "value column"))
    let symbol = PGConnection.quote(self.symbolColumn)
    let value = PGConnection.quote(self.valueColumn)
    let wanted = features ?? self.symbols
    let names = wanted.isEmpty ? try symbols(in: range, bounds, on: db) : wanted
    let filter = rows(in: range)
    // Each row's symbol as its feature's number (from 1), so that the rows read in binary.
    return ReadPlan(
      names: names,
      select: """
        SELECT \(Self.epochSeconds(time)), array_position($4::text[], \(symbol)::text)::float8, \(value)::float8
        FROM \(table) WHERE \(filter) ORDER BY \(time)
        """,
      parameters: bounds + [PGText.array(names)], filter: filter, isLong: true, time: timeRead)
  }

  /// The condition on the table's rows within `range` (a `timeRange` condition); a long table's
  /// are also of the symbols in `$4`.
  func rows(in range: String) -> String {
    layout == .wide ? range : "\(range) AND \(PGConnection.quote(symbolColumn))::text = ANY($4::text[])"
  }

  /// The table's rows that meet `condition`, with its `parameters`.
  func count(_ db: PGConnection, where condition: String, _ parameters: [String?]) throws -> Int {
    let table = PGConnection.qualified(schema, self.table)
    let cell = try db.execute("SELECT count(*) FROM \(table) WHERE \(condition)", parameters).rows.first?.first ?? nil
    return cell.flatMap { Int($0) } ?? 0
  }

  /// Throws, naming the first, when a long table's symbol among `names` has no row within from
  /// and to (`present` false).
  func requireEverySymbol(_ names: [String], present: [Bool], _ db: PGConnection) throws {
    guard let missing = names.indices.first(where: { !present[$0] }) else { return }
    throw SeismoError.invalidInput(
      "\(origin): no rows for symbol '\(names[missing])'\(EditDistance.suggestion(for: names[missing], among: try storedSymbols(db)))"
    )
  }

  /// Throws, naming it, when a long table's symbol among `rows` shares no time with any other:
  /// rows join on exact times, so dates beside times of day, or years that do not overlap,
  /// would give rows that each hold one symbol's value (as a long file's symbols are checked).
  func requireSharedTimes(_ rows: StoredRows) throws {
    let read = rows.names.indices.filter { rows.spans[$0] != nil }
    guard read.count > 1, let k = read.first(where: { !rows.sharing[$0] }), let other = read.first(where: { $0 != k })
    else { return }
    func span(_ j: Int) -> String {
      rows.spans[j].map { "\(CivilTime.format($0.lowerBound)) … \(CivilTime.format($0.upperBound))" }!
    }
    throw SeismoError.invalidInput(
      "\(origin): symbol '\(rows.names[k])' shares no time with the other symbols (its rows: \(span(k)); symbol '\(rows.names[other])''s: \(span(other))); rows are joined on exact times, so the symbols must overlap in time, and dates never meet times of day"
    )
  }

  /// A long table's symbols within from and to.
  func storedSymbols(_ db: PGConnection) throws -> [String] {
    let catalogue = try TableColumns(self, db)
    let (range, bounds) = try timeRange(on: catalogue.time(self.timeColumn))
    return try symbols(in: range, bounds, on: db)
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
}
