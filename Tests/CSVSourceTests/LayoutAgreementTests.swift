import Foundation
import RandomSeries
import Testing

@testable import CSVSource
@testable import SeismoCore

/// The same random series written as a wide file, as one file per symbol joined on time, and as
/// a long file (in time order and shuffled) load to the same rows, and each layout's stream
/// gives, piece by piece, the rows its load gives: a check of the join, the long file's split
/// and the three streams against one another, over cases no one wrote by hand.
@Suite struct LayoutAgreementTests {
  @Test(arguments: 0..<200)
  func theLayoutsOfOneSeriesLoadAndStreamAlike(seed: Int) throws {
    let series = RandomSeries(seed: UInt64(seed))
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
    let joined = LoadOutcome.load(sources[0].make)
    let context = "seed \(seed): \(series)"
    for (name, make, streams) in sources {
      let loaded = LoadOutcome.load(make)
      // A wide file has no parts to refuse for sharing no time.
      if name != "wide" || joined.failed == nil {
        #expect(loaded.agrees(with: joined), "\(context)\n\(name): \(loaded)\njoined: \(joined)")
      }
      guard streams, loaded.failed == nil else { continue }
      for rows in [1, 3, 1_000] {
        let streamed = LoadOutcome(streaming: try make(), rows: rows)
        #expect(streamed.largestPiece <= rows)
        #expect(streamed == loaded, "\(context)\n\(name) in pieces of \(rows): \(streamed)\nloaded: \(loaded)")
      }
    }
  }
}
