import ArgumentParser
import CSVSource
import Foundation
import SeismoCore
import SeismoPostgres

extension GapPolicy: ExpressibleByArgument {}

/// `seismo ingest FILE.csv --table NAME`: load a CSV into a market table with COPY.
struct IngestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ingest",
    abstract: "Load a CSV file into a PostgreSQL market table (COPY, one transaction).",
    discussion: """
      Wide (default): a time column `ts` plus one double-precision column per feature. Long \
      (--long): rows of (symbol, ts, value), one symbol per feature. --create makes the schema and \
      table if they are missing. The CSV is read as the csv source reads it (header, ISO dates, gaps \
      forward-filled unless --gaps says otherwise).

      Example: seismo ingest ../shared/data/market_weekly_4.csv --url $URL --schema market --table weekly --create
      """)

  @Argument(help: "The CSV file.")
  var file: String

  @Option(help: "postgresql:// URL or conninfo (default: the PG* environment variables).")
  var url = ""

  @Option(help: "Schema of the table.")
  var schema = "public"

  @Option(help: "Table name.")
  var table: String

  @Flag(help: "Create the schema and table when missing.")
  var create = false

  @Flag(help: "Write a long table (symbol, ts, value) instead of a wide one.")
  var long = false

  @Option(help: "Feature columns to load (repeatable; default: all but the time column).")
  var column: [String] = []

  @Option(help: "Time column of the CSV (default: auto).")
  var timeColumn = "auto"

  @Option(help: "Gap policy: ffill, drop or error.")
  var gaps = GapPolicy.ffill

  func run() throws {
    try reportingErrors {
      try PGConnection.requireIdentifier(schema, "schema")
      try PGConnection.requireIdentifier(table, "table")
      let frame = try CSVSource(path: file, columns: column, timeColumn: timeColumn, gaps: gaps).load().frame
      if !long { try frame.featureNames.forEach { try PGConnection.requireIdentifier($0, "column") } }
      let started = Date()
      let db = try PGConnection(url)
      let target = PGConnection.qualified(schema, table)
      let rows = try db.transaction { () -> Int in
        if create {
          try db.execute("CREATE SCHEMA IF NOT EXISTS \(PGConnection.quote(schema))")
          let columns =
            long
            ? "symbol text NOT NULL, ts timestamptz NOT NULL, value double precision, PRIMARY KEY (symbol, ts)"
            : (["ts timestamptz PRIMARY KEY"] + frame.featureNames.map { PGConnection.quote($0) + " double precision" })
              .joined(separator: ", ")
          try db.execute("CREATE TABLE IF NOT EXISTS \(target) (\(columns))")
        }
        let columns = long ? "symbol, ts, value" : (["ts"] + frame.featureNames.map(PGConnection.quote)).joined(separator: ", ")
        return try db.copy("COPY \(target) (\(columns)) FROM STDIN", chunks: Self.chunks(frame, long: long))
      }
      let seconds = Date().timeIntervalSince(started)
      Console.out(
        "wrote \(rows) rows to \(schema).\(table) in \(String(format: "%.2f", seconds)) s (\(Int(Double(rows) / max(seconds, 1e-9))) rows/s)"
      )
    }
  }

  /// COPY text rows, 10,000 input rows per chunk. Names are escaped for COPY's text format.
  static func chunks(_ frame: Frame, long: Bool) -> AnySequence<String> {
    let f = frame.featureCount
    func escape(_ s: String) -> String {
      s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
        .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }
    let symbols = frame.featureNames.map(escape)
    return AnySequence(
      stride(from: 0, to: frame.rowCount, by: 10_000).lazy.map { start in
        var text = ""
        for r in start..<min(start + 10_000, frame.rowCount) {
          let ts = PGText.timestamp(frame.timestamps[r])
          if long {
            for j in 0..<f { text += "\(symbols[j])\t\(ts)\t\(frame[r, j])\n" }
          } else {
            text += ts
            for j in 0..<f { text += "\t\(frame[r, j])" }
            text += "\n"
          }
        }
        return text
      })
  }
}
