import Foundation
import RandomSeries
import Testing

@testable import CSVSource
@testable import PostgresSource
@testable import SeismoCore

/// The postgres source against the csv source, over random series no one wrote by hand.
extension PostgresTests {
  /// A random series stored as a long table and as a wide one loads as its long and wide CSV
  /// files load: the same rows and values, gaps filled or dropped alike, a day a symbol repeats
  /// merged alike; and each table's stream gives its load's rows.
  @Test(arguments: 0..<40)
  func tablesLoadAsTheirFilesDo(seed: Int) throws {
    // Stored rows of one time have no order, so `first` and `last` are left to the files.
    let series = RandomSeries(seed: UInt64(seed), valueColumns: 1, duplicates: ["error", "mean"])
    let scratch = try Scratch()
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).long (ts date, symbol text, value float8)")
    let stored: [[String?]] = series.symbols.indices.flatMap { s in
      series.rows[s].map { [RandomSeries.date($0.day), series.symbols[s], $0.cells[0].isEmpty ? nil : $0.cells[0]] }
    }
    for row in stored { try sql("INSERT INTO \(schema).long VALUES ($1::date, $2, $3::float8)", row) }
    let policies: [String: ParameterValue] = ["gaps": .text(series.gaps), "duplicates": .text(series.duplicates)]
    func csv(_ name: String, _ text: String, _ extra: [String: ParameterValue]) throws -> CSVSource {
      let values = policies.merging(extra) { $1 }.merging(["path": .text(try scratch.write(name, text))]) { $1 }
      return try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values))
    }
    let symbols: [String: ParameterValue] = ["symbols": .textList(series.symbols)]
    var pairs: [(name: String, table: () throws -> PostgresSource, file: () throws -> CSVSource)] = [
      (
        "long",
        { try source(policies.merging(symbols) { $1 }.merging(["table": .text("long"), "layout": .text("long")]) { $1 }) },
        {
          try csv(
            "long.csv", series.longFile(shuffled: false, seed: UInt64(seed)),
            symbols.merging(["layout": .text("long"), "symbol_column": .text("Name")]) { $1 })
        }
      )
    ]
    if let wide = series.wideFile {
      let features = series.symbols.indices.flatMap(series.features(of:))
      try sql("CREATE TABLE \(schema).wide (ts date, \(features.map { "\"\($0)\" float8" }.joined(separator: ", ")))")
      for line in wide.split(separator: "\n").dropFirst() {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.isEmpty ? nil : String($0) }
        let placeholders = cells.indices.map { "$\($0 + 1)" + ($0 == 0 ? "::date" : "::float8") }
        try sql("INSERT INTO \(schema).wide VALUES (\(placeholders.joined(separator: ", ")))", cells)
      }
      pairs.append(
        ("wide", { try source(policies.merging(["table": .text("wide")]) { $1 }) }, { try csv("wide.csv", wide, [:]) }))
    }
    for (name, table, file) in pairs {
      let loaded = LoadOutcome.load(table)
      let read = LoadOutcome.load(file)
      #expect(loaded.agrees(with: read), "seed \(seed): \(series)\n\(name) table: \(loaded)\n\(name) file: \(read)")
      guard loaded.failed == nil else { continue }
      for rows in [1, 3, 1_000] {
        let streamed = LoadOutcome(streaming: try table(), rows: rows)
        #expect(streamed == loaded && streamed.largestPiece <= rows, "seed \(seed), \(name) in pieces of \(rows): \(streamed)")
      }
    }
  }

  /// The same tables filled a few days at a time, read after each with `newRows` (as `watch`
  /// and `score --new-rows` read them), give the rows one load of the full table gives: the gap
  /// policy carried from read to read, a late-starting symbol's leading gaps dropped, a day a
  /// symbol repeats merged.
  @Test(arguments: 0..<40)
  func tablesReadAsTheyGrowGiveTheirLoad(seed: Int) throws {
    let series = RandomSeries(seed: UInt64(seed) &+ 1_000, valueColumns: 1, duplicates: ["error", "mean"])
    try sql("CREATE SCHEMA \(schema)")
    try sql("CREATE TABLE \(schema).long (ts date, symbol text, value float8)")
    try sql("CREATE TABLE \(schema).wide (ts date, \(series.symbols.map { "\"\($0)\" float8" }.joined(separator: ", ")))")
    let days = Set(series.rows.flatMap { $0.map(\.day) }).sorted()
    let policies: [String: ParameterValue] = [
      "gaps": .text(series.gaps), "duplicates": .text(series.duplicates), "wait_for": .textList([]),
    ]
    let readers = [
      try source(
        policies.merging(["table": .text("long"), "layout": .text("long"), "symbols": .textList(series.symbols)]) { $1 }),
      try source(policies.merging(["table": .text("wide")]) { $1 }),
    ]
    var positions = readers.map { _ in PostgresSource.ReadPosition(features: series.symbols) }
    var read = readers.map { _ in LoadOutcome(failure: SeismoError.state("nothing read")) }
    var next = 0
    var random = UInt64(seed)
    while next < days.count {
      random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let batch = days[next..<min(days.count, next + 1 + Int(random >> 61))]  // 1 to 8 days
      next = batch.endIndex
      for day in batch {
        var wide: [String?] = [RandomSeries.date(day)]
        for s in series.symbols.indices {
          let own = series.rows[s].filter { $0.day == day }
          for row in own {
            try sql(
              "INSERT INTO \(schema).long VALUES ($1::date, $2, $3::float8)",
              [RandomSeries.date(day), series.symbols[s], row.cells[0].isEmpty ? nil : row.cells[0]])
          }
          wide.append(own.first.flatMap { $0.cells[0].isEmpty ? nil : $0.cells[0] })
        }
        if series.wideFile != nil {
          let placeholders = wide.indices.map { "$\($0 + 1)" + ($0 == 0 ? "::date" : "::float8") }
          try sql("INSERT INTO \(schema).wide VALUES (\(placeholders.joined(separator: ", ")))", wide)
        }
      }
      for k in readers.indices where k == 0 || series.wideFile != nil {
        do {
          let piece = LoadOutcome(try readers[k].newRows(after: &positions[k]))
          read[k] = read[k].failed == nil ? read[k].adding(piece) : piece
        } catch {
          read[k] = LoadOutcome(failure: error)
        }
      }
    }
    for k in readers.indices where k == 0 || series.wideFile != nil {
      let loaded = LoadOutcome.load { readers[k] }
      // No row left at the end: the load says so; the reads, each after the first, found none.
      let noRows = loaded.failed?.contains("no rows left") == true && read[k].failed == nil && read[k].times.isEmpty
      #expect(
        read[k].agrees(with: loaded) || noRows,
        "seed \(seed): \(series)\n\(k == 0 ? "long" : "wide") read as it grew: \(read[k])\nloaded: \(loaded)")
    }
  }
}
