import Foundation

@testable import SeismoPostgres

/// A database of a test's own on the test server (`postgresURL`), for tests that act on the
/// whole `seismo` schema (workers take any job of their database); dropped with `drop`.
struct TestDatabase {
  let name = "t_db_" + UUID().uuidString.prefix(8).lowercased()
  let url: String

  /// Creates it and applies the migrations through `version` (nil: all; 0: none).
  init(server: String, migratedThrough version: Int? = nil) throws {
    try PGConnection(server).execute("CREATE DATABASE \(name)")
    url = Self.url(server, database: name)
    if version != 0 { try SchemaMigrator.migrate(PGConnection(url), through: version) }
  }

  /// `server` (a postgresql:// URL) pointing at `database`.
  static func url(_ server: String, database: String) -> String {
    let base = server.split(separator: "?", maxSplits: 1)[0]
    let slash = base.lastIndex(of: "/")!
    return base[..<slash] + "/" + database
  }

  @discardableResult
  func sql(_ statement: String, _ parameters: [String?] = []) throws -> [[String?]] {
    try PGConnection(url).execute(statement, parameters).rows
  }

  func drop(server: String) {
    _ = try? PGConnection(server).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
  }
}
