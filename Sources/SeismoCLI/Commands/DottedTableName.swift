import SeismoCore
import SeismoPostgres

/// `--table market.daily`: a table named as SQL names it with its schema. Names are taken whole
/// (quoted), so that is a table called "market.daily" in `--schema`, which is rarely meant.
enum DottedTableName {
  /// Throws when `table` has a dot and `schema` has no table of that whole name, naming the
  /// options for the schema and table it means; a table whose name holds a dot, and exists, passes.
  static func check(_ table: String, schema: String, on db: PGConnection) throws {
    guard let meant = PGConnection.schemaAndTable(in: table), try db.columns(ofTable: schema, table) == nil else {
      return
    }
    throw SeismoError.invalidInput(
      "--table \(table): a name is taken whole, dots included, and \(schema) has no table '\(table)'; for table '\(meant.table)' of schema '\(meant.schema)' give --schema \(meant.schema) --table \(meant.table)"
    )
  }
}
