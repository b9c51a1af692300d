import ArgumentParser
import Foundation
import PostgresSource
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
      abstract: "Make a market table announce new and changed rows, for `seismo watch`.",
      discussion: """
        Attaches triggers to the table: after every INSERT or UPDATE statement one NOTIFYs channel \
        seismo_rows with the table's name (new rows to score); after every UPDATE or DELETE \
        statement that changed rows, another NOTIFYs it with the earliest time changed \
        (--time-column), so a watcher warns at once of a restated row it has scored. \
        Idempotent: run it again on a table set up by an older version to add the second. \
        `--off` removes them.
        """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Schema of the table.")
    var schema = "public"

    @Option(help: "The market table.")
    var table: String

    @Option(
      help:
        "The table's time column (the postgres source's time_column); auto: the column named ts, else the table's one column of a date or timestamp type."
    )
    var timeColumn = "auto"

    @Flag(help: "Remove the triggers instead.")
    var off = false

    /// The triggers attached, by name.
    static let triggers = ["seismo_watch", "seismo_watch_updates", "seismo_watch_deletes"]

    func run() throws {
      try reportingErrors {
        let db = try SchemaMigrator.connection(connection.url)
        try DottedTableName.check(table, schema: schema, on: db)
        let target = PGConnection.qualified(schema, table)
        let timeColumn = off ? self.timeColumn : try timeColumn(on: db)
        try db.transaction {
          for name in Self.triggers { try db.execute("DROP TRIGGER IF EXISTS \(name) ON \(target)") }
          guard !off else { return }
          try db.execute(
            "CREATE TRIGGER seismo_watch AFTER INSERT OR UPDATE ON \(target) FOR EACH STATEMENT EXECUTE FUNCTION seismo.notify_new_rows()"
          )
          let time = PGText.constant(timeColumn)
          try db.execute(
            """
            CREATE TRIGGER seismo_watch_updates AFTER UPDATE ON \(target)
            REFERENCING OLD TABLE AS seismo_old_rows NEW TABLE AS seismo_new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION seismo.notify_changed_rows(\(time))
            """)
          try db.execute(
            """
            CREATE TRIGGER seismo_watch_deletes AFTER DELETE ON \(target) REFERENCING OLD TABLE AS seismo_old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION seismo.notify_changed_rows(\(time))
            """)
        }
        Console.out(
          off
            ? "\(schema).\(table) no longer announces new or changed rows"
            : "\(schema).\(table) announces new rows and changed ones (from their earliest \(timeColumn)) on channel seismo_rows"
        )
      }
    }

    /// The name of the table's time column (`auto` found); throws, naming the table's columns,
    /// unless the table has it as a date or timestamp.
    func timeColumn(on db: PGConnection) throws -> String {
      let source = try PostgresSource(
        parameters: Parameters(
          specs: PostgresSource.descriptor.parameters,
          values: ["schema": .text(schema), "table": .text(table), "time_column": .text(timeColumn)]))
      return try source.requireTimeColumn(on: db, hint: "--time-column names the table's time column")
    }
  }
}
