import CSVSource
import SeismoCore
import SeismoPostgres

/// The table `seismo ingest` writes, as the system catalogue describes it, with the checks made
/// before any row is written: each names the table and says what to do.
struct IngestTable {
  let schema: String
  let name: String
  private(set) var columns: [PGConnection.TableColumn]

  /// Reads the table's columns; throws when there is no such table.
  init(_ schema: String, _ name: String, on db: PGConnection) throws {
    guard let columns = try db.columns(ofTable: schema, name) else {
      throw SeismoError.invalidInput(
        "\(schema).\(name): no such table\(try db.missingTableHint(schema: schema, table: name)); --create makes it")
    }
    self.schema = schema
    self.name = name
    self.columns = columns
  }

  /// The column types that hold numbers.
  static let numeric: Set = ["double precision", "real", "numeric", "bigint", "integer", "smallint"]

  /// Whether it is a wide market table: `ts`, and numbers in every other column (a long table's
  /// text `symbol` is not).
  var isWide: Bool {
    columns.contains { $0.name == "ts" } && columns.allSatisfy { $0.name == "ts" || Self.numeric.contains($0.type) }
  }

  /// Throws when a column of `values`, which ingest writes numbers into, is not numeric: a text
  /// column takes them, and the postgres source then leaves it out as no number.
  func requireNumbers(in values: [String]) throws {
    guard let column = columns.first(where: { values.contains($0.name) && !Self.numeric.contains($0.type) }) else { return }
    let quoted = PGConnection.quote(column.name)
    throw SeismoError.invalidInput(
      "\(schema).\(name): column '\(column.name)' is \(column.type), and ingest writes numbers, which the postgres source reads from numeric columns only; make it one (ALTER TABLE \(PGConnection.qualified(schema, name)) ALTER COLUMN \(quoted) TYPE double precision USING \(quoted)::double precision), or load another table"
    )
  }

  /// The column types that hold whole numbers only.
  static let whole: Set = ["bigint", "integer", "smallint"]

  /// Throws when `csv` has a value with a fraction for a whole-number column (a wide table's
  /// feature column, or a long table's `value`), which PostgreSQL would refuse mid-COPY.
  func requireWholeNumbers(in csv: CSVTable<Double>, long: Bool) throws {
    let f = csv.featureNames.count
    for column in columns where Self.whole.contains(column.type) {
      let features =
        long
        ? (column.name == "value" ? Array(0..<f) : []) : csv.featureNames.indices.filter { csv.featureNames[$0] == column.name }
      for j in features {
        guard
          let r = (0..<csv.rowCount).first(where: {
            let v = csv.values[$0 * f + j]
            return !v.isNaN && v != v.rounded()
          })
        else { continue }
        throw SeismoError.invalidInput(
          "\(schema).\(name): column '\(column.name)' is \(column.type), and the file's \(csv.featureNames[j]) has \(csv.values[r * f + j]) at \(CivilTime.format(csv.timestamps[r])), which it cannot hold; make it double precision (ALTER TABLE \(PGConnection.qualified(schema, name)) ALTER COLUMN \(PGConnection.quote(column.name)) TYPE double precision), or load another table"
        )
      }
    }
  }

  /// Whether rows of one `key` (`ts`, or `symbol, ts`) are kept out by a primary key or unique
  /// index, as `--mode upsert` needs and `--mode append` relies on to refuse an overlap.
  func hasUniqueKey(_ key: [String], on db: PGConnection) throws -> Bool {
    try db.hasUniqueKey(ofTable: schema, name, columns: key)
  }

  /// The error for `--mode upsert` into a table without a unique `key`, which has no rows to
  /// overwrite by.
  func upsertNeedsKey(_ key: [String]) -> SeismoError {
    SeismoError.invalidInput(
      "\(schema).\(name) has no primary key or unique index on (\(key.joined(separator: ", "))), by which --mode upsert finds the rows to overwrite; add one (\(addKey(key))), or --mode replace"
    )
  }

  /// The SQL that gives the table its primary key `key`.
  func addKey(_ key: [String]) -> String {
    "ALTER TABLE \(PGConnection.qualified(schema, name)) ADD PRIMARY KEY (\(key.map(PGConnection.quote).joined(separator: ", ")))"
  }

  /// `--create` on a wide table: the table with the feature columns in `names` it lacked added
  /// (double precision), so files of one indicator each join on `ts`. Any other table is left
  /// as it is.
  func adding(featureColumns names: [String], on db: PGConnection) throws -> IngestTable {
    guard isWide else { return self }
    var added = self
    for column in names where !columns.contains(where: { $0.name == column }) {
      try db.execute(
        "ALTER TABLE \(PGConnection.qualified(schema, name)) ADD COLUMN \(PGConnection.quote(column)) double precision")
      added.columns.append(.init(name: column, type: "double precision"))
    }
    return added
  }

  /// `csv` (read keeping its empty cells) with `ffill` applied as if the table's rows up to it
  /// came first: each column's last value at or before the file's first time fills the file's
  /// first empty cells of that column, where the file alone would drop those rows (a day's file
  /// whose indicator has not come yet; under upsert, a row the table has keeps its own value). A
  /// column the table has no value of yet drops them, as before. A `long` table's columns are
  /// its symbols' values.
  /// - Throws: when no row is left, naming `origin` (the file).
  func forwardFilled(_ csv: CSVTable<Double>, long: Bool, origin: String, on db: PGConnection) throws -> CSVTable<Double> {
    var csv = csv
    let f = csv.featureNames.count
    var carrying = GapPolicy.Carrying<Double>(featureCount: f)
    let table = PGConnection.qualified(schema, name)
    if let first = csv.timestamps.first {
      for (j, column) in csv.featureNames.enumerated() where long || columns.contains(where: { $0.name == column }) {
        let (value, symbol) = long ? ("value", " AND symbol = $2") : (PGConnection.quote(column), "")
        let last = try db.execute(
          """
          SELECT extract(epoch FROM ts)::float8, \(value)::float8 FROM \(table)
          WHERE \(value) IS NOT NULL AND extract(epoch FROM ts) <= $1::float8\(symbol) ORDER BY ts DESC LIMIT 1
          """, [String(first)] + (long ? [column] : [])
        ).rows.first
        if let time = last?[0].flatMap(Double.init), let value = last?[1].flatMap(Double.init) {
          carrying.carry(value, into: j, from: Timestamp(time))
        }
      }
    }
    // Files joined on time have no line per row: labels to drop alongside, then none again.
    var lines = csv.lines.isEmpty ? [Int32](repeating: 0, count: csv.rowCount) : csv.lines
    let outcome = try GapPolicy.ffill.apply(
      values: &csv.values, timestamps: &csv.timestamps, rowLabels: &lines, featureCount: f, carrying: &carrying
    ) { _, _ in SeismoError.state("ffill fills every gap it can") }
    if !csv.lines.isEmpty { csv.lines = lines }
    guard !csv.timestamps.isEmpty else {
      throw SeismoError.data(
        source: origin, line: nil, column: nil,
        message: GapPolicy.ffill.noRowsLeft(
          outcome, names: csv.featureNames,
          otherwise: "no column has a value in every row, nor one in \(schema).\(name) before it")
          + "; --gaps keep stores the rows, with NULL where a column has no value")
    }
    csv.gapsApplied = outcome
    return csv
  }

  /// Throws unless the table has all of `written`, the columns COPY writes (a table made before,
  /// or by hand, may lack some).
  func require(columns written: [String], long: Bool) throws {
    let existing = columns.map(\.name)
    let missing = written.filter { !existing.contains($0) }
    guard let first = missing.first else { return }
    let shape =
      long ? "a long table: symbol, ts and value" : "a wide table: ts, then one column per feature of the file"
    let create = !long && isWide ? "--create adds \(missing.count == 1 ? "it" : "them")" : "--create another table"
    throw SeismoError.invalidInput(
      "\(schema).\(name) has no column\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", "))"
        + (missing.count == 1 ? EditDistance.suggestion(for: first, among: existing) : "")
        + "; its columns are: \(EditDistance.listing(existing)). ingest writes \(shape); choose the file's columns with --column (and their names with --as), or \(create)"
    )
  }

  /// Throws when the table keeps dates (`ts date`) but `csv` has times of day, which PostgreSQL
  /// would cut to their day without a word.
  func requireDates(in csv: CSVTable<Double>) throws {
    guard columns.first(where: { $0.name == "ts" })?.type == "date",
      let first = csv.timestamps.first(where: { $0 % 86_400 != 0 })
    else { return }
    throw SeismoError.invalidInput(
      "\(schema).\(name) keeps dates (ts date), but the file has times of day (\(CivilTime.format(first))), which would be cut to their day; load them into a table with a timestamptz ts (--create makes one for a file with times of day)"
    )
  }

  /// Throws, before a wide table is emptied for `--mode replace`, when it has columns besides
  /// `written`: deleting its rows would lose theirs (an indicator another file brought).
  func requireNoOtherColumns(besides written: [String]) throws {
    let others = columns.map(\.name).filter { !written.contains($0) }
    guard !others.isEmpty else { return }
    throw SeismoError.invalidInput(
      "\(schema).\(name) has columns the file does not bring (\(EditDistance.listing(others))), which --mode replace would empty too; --mode upsert keeps them, or bring them in the file"
    )
  }
}
