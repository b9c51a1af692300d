import SeismoCore

/// What the system catalogue says about a table's columns, for checks made before any row is
/// read or written.
extension PGConnection {
  /// A table column: its name and its type as PostgreSQL names it (a domain's base type, without
  /// modifiers: `numeric`, `timestamp with time zone`).
  public struct TableColumn: Sendable, Equatable {
    public let name: String
    public let type: String

    public init(name: String, type: String) {
      self.name = name
      self.type = type
    }
  }

  /// The base type name of a `pg_type` row aliased `t` (a domain's base type), as SQL.
  public static let baseTypeName = "format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END, NULL)"

  /// The columns of `schema.table` in table order; nil when there is no such table (or view).
  public func columns(ofTable schema: String, _ table: String) throws -> [TableColumn]? {
    let relation = Self.qualified(schema, table)
    let columns = try execute(
      """
      SELECT a.attname, \(Self.baseTypeName) FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
      """, [relation]
    ).rows.map { TableColumn(name: $0[0] ?? "", type: $0[1] ?? "") }
    // No columns: no such table, or a table without any.
    if columns.isEmpty, try execute("SELECT to_regclass($1) IS NULL", [relation]).rows.first?.first == "t" { return nil }
    return columns
  }

  /// Whether `schema.table` has a primary key or unique index on exactly `columns` (in any
  /// order, no expression, no predicate): what keeps two rows of one key out, and what `INSERT …
  /// ON CONFLICT (columns)` needs.
  public func hasUniqueKey(ofTable schema: String, _ table: String, columns: [String]) throws -> Bool {
    try execute(
      """
      SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL
        AND i.indexprs IS NULL AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text COLLATE "C") FROM pg_attribute a
          WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = $2::text[]
        AND cardinality(i.indkey::int2[]) = cardinality($2::text[]))
      """, [Self.qualified(schema, table), PGText.array(columns.sorted())]
    ).rows.first?.first == "t"
  }

  /// The schema and table a name with a dot (`market.daily`) means as SQL would read it,
  /// split at its first dot; nil without one. Names are taken whole, dots included, so such a
  /// name is one table's, which is rarely what was meant.
  public static func schemaAndTable(in name: String) -> (schema: String, table: String)? {
    guard let dot = name.firstIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else {
      return nil
    }
    return (String(name[..<dot]), String(name[name.index(after: dot)...]))
  }

  /// What follows "no such table" for `schema.table`: the schema's closest table or view
  /// (` (did you mean 'vix'?)`: names are quoted, so `VIX` is not `vix`), or, when the schema
  /// does not exist, that and its closest schema; empty when nothing is close.
  public func missingTableHint(schema: String, table: String) throws -> String {
    let schemas = try execute(
      "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
    ).rows.compactMap { $0.first ?? nil }
    guard schemas.contains(schema) else {
      return "; there is no schema '\(schema)'\(EditDistance.suggestion(for: schema, among: schemas))"
    }
    let tables = try execute(
      """
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      """, [schema]
    ).rows.compactMap { $0.first ?? nil }
    return EditDistance.suggestion(for: table, among: tables)
  }
}
