import ArgumentParser
import Foundation
import SeismoCore
import SeismoPostgres

/// `seismo db …`: the PostgreSQL results schema.
struct DatabaseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "db", abstract: "Manage the PostgreSQL results schema.", subcommands: [Migrate.self, Watch.self])

  struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create or update the seismo schema (runs, scores, anomalies view, importance, models).",
      discussion: "Idempotent: applies only the migrations the database lacks, in one transaction.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
      try reportingErrors {
        let db = try PGConnection(connection.url)
        let applied = try SchemaMigrator.migrate(db)
        Console.out(
          applied.isEmpty
            ? "the seismo schema is up to date (\(db.target))"
            : "applied migration\(applied.count == 1 ? "" : "s") \(applied.map(String.init).joined(separator: ", ")) to \(db.target)"
        )
      }
    }
  }

  struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Make a market table announce new rows, for `seismo watch`.",
      discussion: """
        Attaches a trigger to the table: after every INSERT or UPDATE statement it NOTIFYs channel \
        seismo_rows with the table's name. Idempotent. `--off` removes it.
        """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Schema of the table.")
    var schema = "public"

    @Option(help: "The market table.")
    var table: String

    @Flag(help: "Remove the trigger instead.")
    var off = false

    func run() throws {
      try reportingErrors {
        let db = try SchemaMigrator.connection(connection.url)
        let target = PGConnection.qualified(schema, table)
        try db.transaction {
          try db.execute("DROP TRIGGER IF EXISTS seismo_watch ON \(target)")
          if !off {
            try db.execute(
              "CREATE TRIGGER seismo_watch AFTER INSERT OR UPDATE ON \(target) FOR EACH STATEMENT EXECUTE FUNCTION seismo.notify_new_rows()"
            )
          }
        }
        Console.out(
          off ? "\(schema).\(table) no longer announces new rows" : "\(schema).\(table) announces new rows on channel seismo_rows"
        )
      }
    }
  }
}
