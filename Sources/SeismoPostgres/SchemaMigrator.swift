import SeismoCore
import SeismoSQL

/// Applies the results schema's migrations that a database does not have yet.
///
/// Everything runs in one transaction under an advisory lock, so two `seismo db migrate` at once
/// cannot interleave, and a failure leaves the database as it was. Applied versions are recorded
/// in `seismo.schema_migrations`.
public enum SchemaMigrator {
  /// - Parameter last: the last version to apply (nil: all); the upgrade tests stop early.
  /// - Returns: the versions applied now (empty when the schema was already current).
  @discardableResult
  public static func migrate(_ connection: PGConnection, through last: Int? = nil) throws -> [Int] {
    try connection.transaction {
      try connection.execute("SELECT pg_advisory_xact_lock(8117315)")
      try connection.executeScript(
        """
        CREATE SCHEMA IF NOT EXISTS seismo;
        CREATE TABLE IF NOT EXISTS seismo.schema_migrations (
          version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
        """)
      let applied = Set(
        try connection.execute("SELECT version FROM seismo.schema_migrations").rows.compactMap { $0[0].flatMap(Int.init) })
      var now: [Int] = []
      for migration in Migrations.all where !applied.contains(migration.version) && migration.version <= last ?? .max {
        try connection.executeScript(migration.sql)
        try connection.execute(
          "INSERT INTO seismo.schema_migrations (version, name) VALUES ($1, $2)", [String(migration.version), migration.name])
        now.append(migration.version)
      }
      return now
    }
  }

  /// A connection to `url` whose results schema is current; what a command that reads or writes
  /// the schema opens first.
  public static func connection(_ url: String) throws -> PGConnection {
    let db = try PGConnection(url)
    try requireCurrent(db)
    return db
  }

  /// Throws a clear error unless the schema is current (sinks call this before writing).
  public static func requireCurrent(_ connection: PGConnection) throws {
    let latest = Migrations.all.map(\.version).max() ?? 0
    var have = 0
    if try connection.execute("SELECT to_regclass('seismo.schema_migrations') IS NOT NULL").rows.first?.first == "t" {
      let cell = try connection.execute("SELECT coalesce(max(version), 0) FROM seismo.schema_migrations").rows.first?.first
      have = cell.flatMap { $0 }.flatMap { Int($0) } ?? 0
    }
    guard have >= latest else {
      throw SeismoError.database(
        "postgres: the seismo schema is not set up (version \(have) of \(latest)); run `seismo db migrate --url URL`")
    }
  }
}
