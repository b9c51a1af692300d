import Foundation
import SeismoSupport
import Testing

@testable import CSVSource
@testable import SeismoCore

/// The same random series written as a wide file, as one file per symbol joined on time, and as
/// a long file (in time order and shuffled) load to the same rows, and each layout's stream
/// gives, piece by piece, the rows its load gives: a check of the join, the long file's split
/// and the three streams against one another, over cases no one wrote by hand.
@Suite struct LayoutAgreementTests {
  /// One random case: symbols with their own days, some cells empty, some days written twice.
  struct Case: CustomStringConvertible {
    var symbols: [String]
    var columns: [String]
    /// Per symbol: its rows, each a day and a cell per column ("" for an empty one).
    var rows: [[(day: Int, cells: [String])]]
    var gaps: String
    var duplicates: String

    init(seed: UInt64) {
      var random = SeededGenerator(seed: seed)
      let symbolCount = Int.random(in: 1...4, using: &random)
      symbols = (0..<symbolCount).map { "S\($0)" }
      columns = Bool.random(using: &random) ? ["close"] : ["open", "close"]
      gaps = ["ffill", "drop"].randomElement(using: &random)!
      duplicates = ["error", "first", "last", "mean"].randomElement(using: &random)!
      let days = Int.random(in: 3...30, using: &random)
      let emptyChance = [0.0, 0.05, 0.2].randomElement(using: &random)!
      let repeatChance = duplicates == "error" ? 0 : [0.0, 0.1].randomElement(using: &random)!
      let columnCount = columns.count
      rows = symbols.map { _ in
        // A run of days with holes, starting in the first third and ending in the last (now
        // and then a short one anywhere, which may share no day with the others).
        let short = Double.random(in: 0..<1, using: &random) < 0.1
        let first = Int.random(in: 1...(short ? days : max(1, days / 3)), using: &random)
        let last = Int.random(in: (short ? first : max(first, 2 * days / 3))...days, using: &random)
        var own: [(day: Int, cells: [String])] = []
        for day in first...last where day == first || Double.random(in: 0..<1, using: &random) > 0.15 {
          for _ in 0..<(Double.random(in: 0..<1, using: &random) < repeatChance ? 2 : 1) {
            let cells = (0..<columnCount).map { _ in
              Double.random(in: 0..<1, using: &random) < emptyChance
                ? "" : String(Int.random(in: -50...50, using: &random)) + "." + String(Int.random(in: 0...99, using: &random))
            }
            own.append((day, cells))
          }
        }
        return own
      }
    }

    var description: String {
      "\(symbols.count) symbols, columns \(columns), gaps \(gaps), duplicates \(duplicates), rows \(rows.map(\.count))"
    }

    static func date(_ day: Int) -> String { String(format: "2020-01-%02d", day) }

    /// Each symbol's file: `date` and a column per feature, named as the long layout names them.
    func symbolFile(_ s: Int) -> String {
      let header = "date," + features(of: s).joined(separator: ",")
      return ([header] + rows[s].map { Self.date($0.day) + "," + $0.cells.joined(separator: ",") }).joined(separator: "\n")
        + "\n"
    }

    /// The long file: date, the value columns, the symbol; rows in time order (each day's
    /// symbols in a random order), or shuffled whole. A symbol's rows of one day keep their
    /// order, which `first` and `last` read.
    func longFile(shuffled: Bool, seed: UInt64) -> String {
      var random = SeededGenerator(seed: seed)
      let written = symbols.indices.flatMap { s in
        rows[s].map {
          (day: $0.day, key: "\(s) \($0.day)", text: Self.date($0.day) + "," + $0.cells.joined(separator: ",") + "," + symbols[s])
        }
      }
      var order = written.indices.shuffled(using: &random)
      if !shuffled { order.sort { written[$0].day < written[$1].day } }
      // The k-th row of a symbol's day in the new order is its k-th as written.
      let texts = Dictionary(grouping: written, by: \.key).mapValues { $0.map(\.text) }
      var taken: [String: Int] = [:]
      let lines = order.map { i in
        let key = written[i].key
        defer { taken[key, default: 0] += 1 }
        return texts[key]![taken[key, default: 0]]
      }
      return (["date," + columns.joined(separator: ",") + ",Name"] + lines).joined(separator: "\n") + "\n"
    }

    /// A wide file, a row per day any symbol has, empty where a symbol lacks the day; nil when
    /// a symbol repeats a day (a wide row cannot repeat one symbol's day alone).
    var wideFile: String? {
      guard rows.allSatisfy({ Set($0.map(\.day)).count == $0.count }) else { return nil }
      let days = Set(rows.flatMap { $0.map(\.day) }).sorted()
      let header = "date," + symbols.indices.flatMap(features(of:)).joined(separator: ",")
      let lines = days.map { day in
        Self.date(day) + ","
          + rows.map { own in
            (own.first { $0.day == day }?.cells ?? Array(repeating: "", count: columns.count)).joined(separator: ",")
          }.joined(separator: ",")
      }
      return ([header] + lines).joined(separator: "\n") + "\n"
    }

    func features(of s: Int) -> [String] { columns.count == 1 ? [symbols[s]] : columns.map { "\(symbols[s])_\($0)" } }
  }

  /// What a load gave, to compare across layouts: the rows, or the error's kind.
  struct Outcome: Equatable, CustomStringConvertible {
    var names: [String] = []
    var times: [Timestamp] = []
    /// The values' bits (NaN compares equal to NaN).
    var bits: [UInt32] = []
    var filled = 0
    var dropped = 0
    var failed: String?

    init(_ loaded: LoadedFrame) {
      names = loaded.frame.featureNames
      times = loaded.frame.timestamps
      bits = loaded.frame.values.map(\.bitPattern)
      filled = loaded.cellsFilled
      dropped = loaded.rowsDropped
    }

    init(streaming source: CSVSource, rows: Int) {
      do {
        try source.stream(rows: rows) { piece in
          #expect(piece.frame.rowCount <= rows)
          if names.isEmpty { names = piece.frame.featureNames }
          times += piece.frame.timestamps
          bits += piece.frame.values.map(\.bitPattern)
          filled += piece.cellsFilled
          dropped += piece.rowsDropped
        }
      } catch {
        self = Outcome(failure: error)
      }
    }

    init(failure: any Error) { failed = "\(failure)" }

    static func load(_ source: () throws -> CSVSource) -> Outcome {
      do { return Outcome(try source().load()) } catch { return Outcome(failure: error) }
    }

    /// Equal rows, or both failed.
    func agrees(with other: Outcome) -> Bool {
      (failed != nil && other.failed != nil) || (failed == nil && other.failed == nil && self == other)
    }

    var description: String {
      failed
        ?? "\(names) \(times.map { $0 / 86_400 - 18_261 }) \(bits.map(Float.init(bitPattern:))) filled \(filled) dropped \(dropped)"
    }
  }

  @Test(arguments: 0..<200)
  func theLayoutsOfOneSeriesLoadAndStreamAlike(seed: Int) throws {
    let series = Case(seed: UInt64(seed))
    var files = [
      "long.csv": series.longFile(shuffled: false, seed: UInt64(seed)),
      "shuffled.csv": series.longFile(shuffled: true, seed: UInt64(seed)),
    ]
    for s in series.symbols.indices { files["\(series.symbols[s]).csv"] = series.symbolFile(s) }
    if let wide = series.wideFile { files["wide.csv"] = wide }
    // The long file cut in two anywhere, a day's rows perhaps split (`combine: append`).
    let lines = files["long.csv"]!.split(separator: "\n").map(String.init)
    let cut = 2 + seed % max(1, lines.count - 2)  // a row or more in each
    files["part1.csv"] = lines[..<min(cut, lines.count)].joined(separator: "\n") + "\n"
    files["part2.csv"] = ([lines[0]] + lines[min(cut, lines.count)...]).joined(separator: "\n") + "\n"
    let folder = try JoinedFilesTests.Folder(files)
    let policies: [String: ParameterValue] = ["gaps": .text(series.gaps), "duplicates": .text(series.duplicates)]
    let long = policies.merging([
      "layout": .text("long"), "symbol_column": .text("Name"), "symbols": .textList(series.symbols),
    ]) { $1 }
    let sources: [(name: String, make: () throws -> CSVSource, streams: Bool)] =
      [
        ("joined", { try folder.source(series.symbols.map { "\($0).csv" }, policies) }, true),
        ("long", { try folder.source(["long.csv"], long) }, true),
        ("long, shuffled", { try folder.source(["shuffled.csv"], long) }, false),
      ]
      + (lines.count < 3
        ? []
        : [
          (
            "long, appended",
            { try folder.source(["part1.csv", "part2.csv"], long.merging(["combine": .text("append")]) { $1 }) }, true
          )
        ])
      + (series.wideFile == nil ? [] : [("wide", { try folder.source(["wide.csv"], policies) }, true)])
    let joined = Outcome.load(sources[0].make)
    let context = "seed \(seed): \(series)"
    for (name, make, streams) in sources {
      let loaded = Outcome.load(make)
      // A wide file has no parts to refuse for sharing no time.
      if name != "wide" || joined.failed == nil {
        #expect(loaded.agrees(with: joined), "\(context)\n\(name): \(loaded)\njoined: \(joined)")
      }
      guard streams, loaded.failed == nil else { continue }
      for rows in [1, 3, 1_000] {
        let streamed = Outcome(streaming: try make(), rows: rows)
        #expect(streamed == loaded, "\(context)\n\(name) in pieces of \(rows): \(streamed)\nloaded: \(loaded)")
      }
    }
  }
}
