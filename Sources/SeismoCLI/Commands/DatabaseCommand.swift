import ArgumentParser
import Foundation
import SeismoCore
import SeismoPostgres

/// `seismo db …`: the PostgreSQL results schema.
struct DatabaseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "db", abstract: "Manage the PostgreSQL results schema.", subcommands: [Migrate.self])

  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create or update the seismo schema (runs, scores, anomalies view, importance, models).",
      discussion: "Idempotent: applies only the migrations the database lacks, in one transaction.")

    @Option(help: "postgresql:// URL or conninfo (default: the PG* environment variables).")
    var url = ""

    func run() throws {
      try reportingErrors {
        let db = try PGConnection(url)
        let applied = try SchemaMigrator.migrate(db)
        Console.out(
          applied.isEmpty
            ? "the seismo schema is up to date (\(db.target))"
            : "applied migration\(applied.count == 1 ? "" : "s") \(applied.map(String.init).joined(separator: ", ")) to \(db.target)"
        )
      }
    }
  }
}
