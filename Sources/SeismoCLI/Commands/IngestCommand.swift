import ArgumentParser
import CSVSource
import Foundation
import SeismoCore
import SeismoPostgres

extension GapPolicy: ExpressibleByArgument {}
extension DecimalMark: ExpressibleByArgument {}
extension DuplicatePolicy: ExpressibleByArgument {}
extension CSVSource.Combine: ExpressibleByArgument {}

/// How `ingest` treats rows the table already has.
enum IngestMode: String, ExpressibleByArgument, CaseIterable {
  /// Add the rows; a time (or symbol and time) already present is an error and nothing is written.
  case append
  /// Add new rows and overwrite the values of rows already present (needs the primary key
  /// `--create` makes).
  case upsert
  /// Delete the rows the file replaces first, then add them: a wide table's every row (it
  /// refuses when the table has columns the file does not bring), a long table's rows of the
  /// file's symbols.
  case replace
}

/// `seismo ingest FILE.csv --table NAME`: load a CSV into a market table with COPY.
struct IngestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ingest",
    abstract: "Load CSV files into a PostgreSQL market table (COPY, one transaction).",
    discussion: """
      Wide (default): a time column `ts` plus one double-precision column per feature. Long \
      (--long): rows of (symbol, ts, value), one symbol per feature. --create makes the schema and \
      table if they are missing; a daily series gets a `date` column, so it reads back as the same \
      day in any session time zone, and anything finer a `timestamptz`. The CSV is read as the csv \
      source reads it (header, ISO dates unless --time-format, commas unless --delimiter, decimal points unless --decimal comma or point_grouped, \
      no missing-value marks unless --missing, gaps \
      forward-filled unless --gaps says otherwise, the table's last values carried into an \
      appended file's first empty cells; --gaps keep stores empty cells as NULL, for the \
      postgres source's own gap policy when the table is read); rows the gap policy dropped and \
      cells it filled or kept are counted in the output. --mode says what \
      happens to rows already in the table: append (default; an overlap is an error), upsert \
      (overwrite them) or replace (delete the rows first: a wide table's all, which it refuses \
      when the table has columns the file does not bring; a long table's of the file's symbols \
      only). Everything runs in one transaction.

      --as stores each --column under another name: a wide table's column, a long table's \
      symbol. It joins files that each hold one indicator, all with a column called close, \
      say: in a long table (each file's rows are its symbol's), or in a wide one (--create adds \
      a missing feature column, and --mode upsert fills it on the times already there). The \
      postgres source then reads the indicators side by side, its gap policy filling the days \
      one file has and another lacks. Several files load at once, in one transaction: a long \
      table gets each file's rows on its own times, a wide one the files joined on time; where \
      they share a column's name, each is named for its file (spx.csv's close: spx), unless --as \
      names every column loaded, file by file. A long CSV, a row per symbol and time, loads \
      with --symbol-column: each symbol's values are a feature.

      Examples:
        seismo ingest ../shared/data/market_weekly_4.csv --url "$URL" --schema market --table weekly --create
        seismo ingest vix_daily.csv --url "$URL" --table prices --long --column close --as vix --create
        seismo ingest spx.csv --url "$URL" --table prices --long --column close --as spx
        seismo ingest prices/*.csv --url "$URL" --table prices --long --column close --create
        seismo ingest all_stocks.csv --url "$URL" --table prices --long --column close --symbol-column Name
      """)

  @Argument(
    help: ArgumentHelp(
      "The CSV file, or several (prices/*.csv): joined on time into a wide table, each file's rows its own in a long one.",
      valueName: "file"))
  var files: [String]

  @OptionGroup var connection: ConnectionOptions

  @Option(help: "Schema of the table.")
  var schema = "public"

  @Option(help: "Table name.")
  var table: String

  @Flag(help: "Create the schema and table when missing, and a wide table's missing feature columns.")
  var create = false

  @Flag(help: "Write a long table (symbol, ts, value) instead of a wide one.")
  var long = false

  @Option(help: "Feature columns to load (repeatable; default: all but the time column).")
  var column: [String] = []

  @Option(
    name: .customLong("as"),
    help: ArgumentHelp(
      "The name to store each --column under (each column loaded, without --column), in their order: a wide table's column, a long table's symbol (repeatable; default: the CSV's header names).",
      valueName: "name"))
  var storedNames: [String] = []

  @Option(help: "Time column of the CSV: auto (date, timestamp, time, datetime, ts, Datum or Fecha) or a header name.")
  var timeColumn = "auto"

  @Option(
    help:
      "A column of times of day (09:30, 09:30:15, 9:30 PM) added to the time column's days, where the CSV keeps them apart (MetaTrader's Date,Time)."
  )
  var timeOfDayColumn = "none"

  @OptionGroup var format: CSVFormatOptions

  @Option(
    help: "Decimal mark of the CSV's numbers: point (1234.5), comma (1234,5 or 1.234,5) or point_grouped (1,234.5).")
  var decimal = DecimalMark.point

  @Option(
    help: ArgumentHelp(
      "A text that marks a missing value, read as an empty cell: . (FRED), null (Yahoo), NA (repeatable).",
      valueName: "mark"))
  var missing: [String] = []

  @Option(help: "Lines above the header row to skip: a title or notes an export writes first.")
  var skipLines = 0

  @Option(help: "Lines below the data to skip: a source or notes an export writes last (blank lines aside).")
  var skipFooter = 0

  @Option(help: "Empty cells: ffill (carry the last value forward), drop (the row), error, or keep (store NULL).")
  var gaps = GapPolicy.ffill

  @Option(help: "Rows of the file with the same time: error, or keep the first, the last or the mean of each group.")
  var duplicates = DuplicatePolicy.error

  @Option(help: "Rows already in the table: append (an overlap is an error), upsert or replace.")
  var mode = IngestMode.append

  @Option(
    help:
      "Several files: join (indicators side by side) or append (one series cut by time, a file a year or a month: their rows as one file's)."
  )
  var combine = CSVSource.Combine.join

  @Option(
    help: ArgumentHelp(
      "The CSV is long, a row per symbol and time: the column naming each row's symbol (Name, ticker); its values are each symbol's.",
      valueName: "column"))
  var symbolColumn: String?

  @Option(help: "With --symbol-column: a symbol to load (repeatable; default: every one).")
  var symbol: [String] = []

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give the CSV file to load (or several)") }
    for (option, lines) in [("--skip-lines", skipLines), ("--skip-footer", skipFooter)] where lines < 0 {
      throw ValidationError("\(option) \(lines): give a count of lines, 0 or more")
    }
    if !symbol.isEmpty, symbolColumn == nil {
      throw ValidationError("--symbol picks symbols of a long CSV (a row per symbol and time): name its --symbol-column")
    }
    if ["", "none"].contains(timeColumn) {
      throw ValidationError(
        "--time-column \(timeColumn.isEmpty ? "\"\"" : timeColumn): a table's rows need times, and numbered rows would be stored as seconds after 1970; name the time column"
      )
    }
    guard storedNames.isEmpty || column.isEmpty || storedNames.count == column.count else {
      throw ValidationError(
        "--as names each --column in order: give as many (\(column.count) --column, \(storedNames.count) --as)")
    }
    if let twice = storedNames.firstRepeated {
      throw ValidationError("--as '\(twice)' is given twice; each column needs a name of its own")
    }
  }

  func run() throws {
    try reportingErrors {
      try PGConnection.requireIdentifier(schema, "schema")
      try PGConnection.requireIdentifier(table, "table")
      let reading = CountProgress("reading")
      defer { reading.finish() }
      // ffill carries the table's last values into the file's first empty cells: the file is
      // read keeping them, and filled once the table is open.
      let fillsFromTable = gaps == .ffill && mode != .replace
      let source = try CSVSource(
        paths: files, columns: column, timeColumn: timeColumn, timeOfDayColumn: timeOfDayColumn,
        timeFormat: format.timeFormat, delimiter: format.delimiter, decimal: decimal, missing: missing, skipLines: skipLines,
        skipFooter: skipFooter,
        gaps: fillsFromTable ? .keep : gaps, duplicates: duplicates, combine: combine, symbolColumn: symbolColumn,
        symbols: symbol, spelling: .options
      ).requiringTimes(because: "a table's rows need times")
      // A wide table holds the files joined on time; a long table each file's rows, on its own
      // times. The numbers as written, not rounded to a detector's Float.
      var tables: [CSVTable<Double>]
      do {
        tables =
          long
          ? try source.readPartsInDoubles(observer: reading.update) : [try source.readTableInDoubles(observer: reading.update)]
      } catch SeismoError.data(let path, nil, nil, let message)
        where gaps != .keep && message.hasPrefix("no rows left after the gap policy")
      {
        // A day's file whose column has not come yet, appended: the table may have its history.
        throw SeismoError.data(
          source: path, line: nil, column: nil,
          message:
            "\(message); --gaps keep stores the rows, with NULL where a column has no value (a postgres source's gaps: ffill then carries the table's last value into them)"
        )
      }
      reading.finish()
      if !storedNames.isEmpty {
        let loaded = tables.flatMap(\.featureNames)
        guard storedNames.count == loaded.count else {
          throw SeismoError.invalidInput(
            "--as names each column loaded, in order, but \(files.joined(separator: " + ")) \(files.count == 1 ? "has" : "have") \(loaded.count) (\(loaded.joined(separator: ", "))) for \(storedNames.count) --as; choose them with --column"
          )
        }
        var next = 0
        for k in tables.indices {
          let n = tables[k].featureNames.count
          tables[k].featureNames = Array(storedNames[next..<next + n])
          next += n
        }
      }
      let names = tables.flatMap(\.featureNames)
      if !long { for name in names { try PGConnection.requireIdentifier(name, "column") } }
      let started = Date()
      let db = try PGConnection(connection.url)
      try DottedTableName.check(table, schema: schema, on: db)  // before --create makes it
      let target = PGConnection.qualified(schema, table)
      let daily = tables.allSatisfy { $0.timestamps.allSatisfy { $0 % 86_400 == 0 } }
      let key = long ? ["symbol", "ts"] : ["ts"]
      let valueColumns = long ? ["value"] : names
      let progress = CountProgress("writing")
      defer { progress.finish() }  // an error's line too starts on a clean line
      let rows = try Self.explainingOverlaps {
        try db.transaction { () -> Int in
          if create {
            try db.execute("CREATE SCHEMA IF NOT EXISTS \(PGConnection.quote(schema))")
            let time = daily ? "ts date NOT NULL" : "ts timestamptz NOT NULL"
            let columns =
              long
              ? "symbol text NOT NULL, \(time), value double precision, PRIMARY KEY (symbol, ts)"
              : ([time + " PRIMARY KEY"] + names.map { PGConnection.quote($0) + " double precision" })
                .joined(separator: ", ")
            try db.execute("CREATE TABLE IF NOT EXISTS \(target) (\(columns))")
          }
          var catalogued = try IngestTable(schema, table, on: db)
          if create, !long { catalogued = try catalogued.adding(featureColumns: names, on: db) }
          try catalogued.require(columns: key + valueColumns, long: long)
          try catalogued.requireNumbers(in: valueColumns)
          if fillsFromTable {
            tables = try tables.map {
              try catalogued.forwardFilled($0, long: long, origin: files.joined(separator: " + "), on: db)
            }
          }
          for csv in tables {
            try catalogued.requireWholeNumbers(in: csv, long: long)
            try catalogued.requireDates(in: csv)
          }
          let columns = (key + valueColumns).map(PGConnection.quote).joined(separator: ", ")
          let keyed = try catalogued.hasUniqueKey(key, on: db)
          switch mode {
          case .append where keyed:
            return try db.copy(
              "COPY \(target) (\(columns)) FROM STDIN", chunks: Self.chunks(tables, long: long, progress: progress))
          case .append:
            // No key refuses an overlap: the rows go through a temporary table, checked first.
            try db.execute("CREATE TEMPORARY TABLE seismo_ingest (LIKE \(target) INCLUDING DEFAULTS) ON COMMIT DROP")
            try db.copy("COPY seismo_ingest (\(columns)) FROM STDIN", chunks: Self.chunks(tables, long: long, progress: progress))
            try Self.refuseOverlap(of: catalogued, key: key, on: db)
            return try db.execute("INSERT INTO \(target) (\(columns)) SELECT \(columns) FROM seismo_ingest").affectedRows
          case .replace:
            if long {
              try db.execute("DELETE FROM \(target) WHERE symbol = ANY($1::text[])", [PGText.array(names)])
            } else {
              try catalogued.requireNoOtherColumns(besides: key + valueColumns)
              try db.execute("DELETE FROM \(target)")
            }
            return try db.copy(
              "COPY \(target) (\(columns)) FROM STDIN", chunks: Self.chunks(tables, long: long, progress: progress))
          case .upsert:
            guard keyed else { throw catalogued.upsertNeedsKey(key) }
            // Into a temporary copy of the table's shape, then merged on the key.
            try db.execute("CREATE TEMPORARY TABLE seismo_ingest (LIKE \(target) INCLUDING DEFAULTS) ON COMMIT DROP")
            try db.copy("COPY seismo_ingest (\(columns)) FROM STDIN", chunks: Self.chunks(tables, long: long, progress: progress))
            let updates = valueColumns.map { "\(PGConnection.quote($0)) = EXCLUDED.\(PGConnection.quote($0))" }
            return try db.execute(
              "INSERT INTO \(target) (\(columns)) SELECT \(columns) FROM seismo_ingest ON CONFLICT (\(key.map(PGConnection.quote).joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
            ).affectedRows
          }
        }
      }
      progress.finish()  // before the closing line
      // Filled cells are stored as data: say where a column's data stopped or has a hole, and
      // which column's late start (or early stop, under drop) left out every column's rows.
      for csv in tables {
        func warn<C: GapPolicy.Cut>(_ cuts: [C]) {
          guard
            let (cutting, _) = GapPolicy.worthAWord(cuts, features: csv.featureNames.count, rowsRead: csv.rowsRead),
            let cut = cutting.first
          else { return }
          let (noValue, dropped) = GapPolicy.phrases(cut) { CivilTime.format($0) }
          Console.err(
            "warning: \(EditDistance.listing(cutting.map { csv.featureNames[$0.feature] })) \(cutting.count == 1 ? "has" : "have") no value \(noValue): --gaps \(gaps.rawValue) left out the \(dropped) for every column; --gaps keep stores them, with NULL where a column has no value, so that a source reading the others, or detect --each, has their history"
          )
        }
        warn(csv.gapsApplied.lateStarts)
        warn(csv.gapsApplied.earlyEnds)
        for carry in csv.gapsApplied.filledAtEnd {
          Console.err(
            "warning: \(csv.featureNames[carry.feature]) has no value after \(CivilTime.format(carry.after)): --gaps ffill stored that value in its last \(carry.rows) row\(carry.rows == 1 ? "" : "s") (from \(CivilTime.format(carry.from)) on); --gaps keep stores NULL there, for a later --mode upsert to fill"
          )
        }
        for hole in csv.gapsApplied.holes {
          Console.err(
            "warning: \(csv.featureNames[hole.feature]) has no value from \(CivilTime.format(hole.from)) to \(CivilTime.format(hole.to)): --gaps ffill stored its value of \(CivilTime.format(hole.after)) in those \(hole.rows) rows"
          )
        }
      }
      let seconds = Date().timeIntervalSince(started)
      func total(_ count: (CSVTable<Double>) -> Int) -> Int { tables.reduce(0) { $0 + count($1) } }
      var notes: [String] = []
      if total(\.gapsApplied.rowsDropped) > 0 {
        notes.append("\(total(\.gapsApplied.rowsDropped)) rows dropped by --gaps \(gaps.rawValue)")
      }
      if total(\.duplicateRowsMerged) > 0 {
        notes.append("\(total(\.duplicateRowsMerged)) rows sharing a time merged by --duplicates \(duplicates.rawValue)")
      }
      if total(\.gapsApplied.cellsFilled) > 0 { notes.append("\(total(\.gapsApplied.cellsFilled)) empty cells forward-filled") }
      let kept = total { $0.values.lazy.filter(\.isNaN).count }
      if kept > 0 { notes.append("\(kept) empty cells stored as NULL") }
      Console.out(
        "wrote \(rows) rows to \(schema).\(table) (\(mode.rawValue)) in \(String(format: "%.2f", seconds)) s (\(Int(Double(rows) / max(seconds, 1e-9))) rows/s)"
          + (notes.isEmpty ? "" : "; " + notes.joined(separator: ", "))
      )
    }
  }

  /// Runs `body`, adding to a duplicate-key error what to do about it.
  static func explainingOverlaps<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch SeismoError.database(let message) where message.contains("duplicate key") {
      throw SeismoError.database(
        message
          + "; the table already has some of these rows: --mode upsert overwrites them, --mode replace deletes the old ones first"
      )
    }
  }

  /// Throws when rows of `seismo_ingest` share their `key` with rows of `table`, which has no
  /// unique key to refuse them: appended, they would be stored twice.
  static func refuseOverlap(of table: IngestTable, key: [String], on db: PGConnection) throws {
    let target = PGConnection.qualified(table.schema, table.name)
    let matching = key.map { "t.\(PGConnection.quote($0)) = s.\(PGConnection.quote($0))" }.joined(separator: " AND ")
    let found = try db.execute(
      "SELECT count(*), extract(epoch FROM min(s.ts))::float8, extract(epoch FROM max(s.ts))::float8 FROM seismo_ingest s JOIN \(target) t ON \(matching)"
    ).rows.first
    guard let count = found?[0].flatMap({ Int($0) }), count > 0, let first = found?[1].flatMap({ Double($0) }),
      let last = found?[2].flatMap({ Double($0) })
    else { return }
    let span =
      first == last ? CivilTime.format(Int64(first)) : "\(CivilTime.format(Int64(first))) – \(CivilTime.format(Int64(last)))"
    throw SeismoError.database(
      "\(table.schema).\(table.name) already has \(count) of these rows (\(span)), which appending would store twice: it has no primary key on (\(key.joined(separator: ", "))) to refuse them. --mode replace deletes the old ones first; with a key (\(table.addKey(key))), --mode upsert overwrites them"
    )
  }

  /// COPY text rows of `tables`, one after another, 10,000 input rows per chunk, built as they
  /// are sent (`progress` counts them); an empty cell (NaN) is NULL. Names are escaped for COPY's
  /// text format.
  static func chunks(_ tables: [CSVTable<Double>], long: Bool, progress: CountProgress? = nil) -> AnySequence<String> {
    let before = tables.reduce(into: [0]) { $0.append($0.last! + $1.rowCount) }
    return AnySequence(
      tables.indices.lazy.flatMap { k in
        chunks(tables[k], long: long, rowsBefore: before[k], of: before.last!, progress: progress)
      })
  }

  /// `csv`'s COPY rows, in chunks; `progress` hears `rowsBefore` plus the rows built, of `total`.
  private static func chunks(
    _ csv: CSVTable<Double>, long: Bool, rowsBefore: Int, of total: Int, progress: CountProgress?
  ) -> AnySequence<String> {
    let f = csv.featureNames.count
    // A whole number is written without a fraction (5, not 5.0), which an integer column takes.
    func cell(_ value: Double) -> String {
      value.isNaN ? "\\N" : value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
    func escape(_ s: String) -> String {
      s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
        .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
    let symbols = csv.featureNames.map(escape)
    return AnySequence(
      stride(from: 0, to: csv.rowCount, by: 10_000).lazy.map { start in
        var text = ""
        let end = min(start + 10_000, csv.rowCount)
        defer { progress?.update(ProgressCount(rowsBefore + end, of: total, .rows)) }
        for r in start..<end {
          let ts = PGText.timestamp(csv.timestamps[r])
          if long {
            for j in 0..<f { text += "\(symbols[j])\t\(ts)\t\(cell(csv[r, j]))\n" }
          } else {
            text += ts
            for j in 0..<f { text += "\t" + cell(csv[r, j]) }
            text += "\n"
          }
        }
        return text
      })
  }
}
