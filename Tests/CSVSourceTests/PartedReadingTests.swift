import Foundation
import RandomSeries
import Testing

@testable import CSVSource
@testable import SeismoCore

/// A large file is read in parts at once (`CSVFileParts`, `collectInParts`): cut anywhere, it
/// collects and loads what a whole read does, and where a part meets an error, the whole read's
/// error is the one given. Parts here are forced on small files (`smallest: 1`).
@Suite struct PartedReadingTests {
  /// What a collector holds that a load goes on to use.
  struct Collected: Equatable, CustomStringConvertible {
    var header: [String]
    var features: [String]
    var bits: [UInt32]
    var doubleBits: [UInt64]
    var times: [Timestamp]
    var lines: [Int32]
    var symbols: [String]
    var rowSymbols: [String]
    var fraction: String?
    var offsets: [String]

    init(_ c: ColumnCollector) {
      (header, features, times, lines) = (c.header, c.featureNames, c.timestamps, c.lines)
      bits = c.values.map(\.bitPattern)
      doubleBits = c.doubles.map(\.bitPattern)
      symbols = c.symbols
      rowSymbols = c.rowSymbols.map { c.symbols[Int($0)] }
      fraction = c.firstFractionalTime.map { "\($0.cell) \($0.time)" }
      offsets = c.timesWrittenWithOffset
    }

    var description: String { "\(times) lines \(lines) \(rowSymbols) \(fraction ?? "-") \(offsets)" }
  }

  /// `source` cut into 2 to 7 parts: each time collected as whole and loaded alike; returns how
  /// many of the cuts were read in parts (the others fell back to a whole read).
  @discardableResult
  func expectPartsReadAsWhole(_ source: CSVSource, _ context: String, inDoubles: Bool = false) -> Int {
    var whole = source
    whole.parts = .init(most: 1, smallest: 1)
    let collected = Result { Collected(try whole.collect(inDoubles: inDoubles, observer: nil)) }
    let loaded = LoadOutcome.load { whole }
    var read = 0
    for parts in 2...7 {
      var parted = source
      parted.parts = .init(most: parts, smallest: 1)
      if parted.collectInParts(inDoubles: inDoubles, observer: nil) != nil { read += 1 }
      let partedCollected = Result { Collected(try parted.collect(inDoubles: inDoubles, observer: nil)) }
      switch (collected, partedCollected) {
      case (.success(let a), .success(let b)): #expect(a == b, "\(context), \(parts) parts:\n\(b)\nwhole:\n\(a)")
      case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)", "\(context), \(parts) parts")
      default: Issue.record("\(context), \(parts) parts: \(partedCollected), whole: \(collected)")
      }
      let partedLoaded = LoadOutcome.load { parted }
      #expect(partedLoaded == loaded, "\(context), \(parts) parts: \(partedLoaded)\nwhole: \(loaded)")
    }
    return read
  }

  @Test(arguments: 0..<60)
  func randomFilesReadInPartsAsWhole(seed: Int) throws {
    let series = RandomSeries(seed: UInt64(seed))
    var files = ["long.csv": series.longFile(shuffled: true, seed: UInt64(seed))]
    if let wide = series.wideFile { files["wide.csv"] = wide }
    let folder = try JoinedFilesTests.Folder(files)
    let policies: [String: ParameterValue] = ["gaps": .text(series.gaps), "duplicates": .text(series.duplicates)]
    let long = policies.merging(["layout": .text("long"), "symbol_column": .text("Name")]) { $1 }
    let read = expectPartsReadAsWhole(try folder.source(["long.csv"], long), "seed \(seed), long: \(series)")
    // Read in parts unless it has one data line, or a quote where the parts start.
    let longLines = files["long.csv"]!.split(separator: "\n")
    #expect(read > 0 || longLines.count < 3 || longLines[..<2].contains { $0.contains("\"") }, "seed \(seed)")
    if files["wide.csv"] != nil {
      expectPartsReadAsWhole(try folder.source(["wide.csv"], policies), "seed \(seed), wide: \(series)")
    }
  }

  /// A file of `rows` rows of `header`'s columns, each line made by `line`.
  func file(_ header: String, rows: Int, lineEnd: String = "\n", _ line: (Int) -> String) -> String {
    ([header] + (0..<rows).map(line)).joined(separator: lineEnd) + lineEnd
  }

  @Test func whatLaterRowsTellIsKeptAsAWholeReadKeepsIt() throws {
    let folder = try JoinedFilesTests.Folder([
      // Times written with an offset that changes (daylight saving) only far into the file.
      "offsets.csv": file("time,x", rows: 60) {
        "2021-03-\(10 + $0 / 10)T0\($0 % 10):00:00\($0 < 45 ? "-05:00" : "-04:00"),\($0)"
      },
      // A first fraction of a second late in the file.
      "fraction.csv": file("time,x", rows: 60) { "2021-03-01T00:\(String(format: "%02d", $0)):00\($0 == 50 ? ".5" : ""),\($0)" },
      // No time column: rows are numbered on across the parts.
      "numbered.csv": file("x,y", rows: 60) { "\($0),\($0 * 2)" },
      // A title above the header, a byte-order mark, CRLF line ends, blank lines and rows of
      // empty cells among the rows.
      "title.csv": "\u{FEFF}Prices, daily\r\n"
        + file("date,x", rows: 60, lineEnd: "\r\n") {
          $0 % 7 == 3 ? "\r\n,," : "2020-01-01T00:\(String(format: "%02d", $0)):00Z,\($0)"
        },
      // A long file whose symbols appear one after another.
      "long.csv": file("date,Name,close", rows: 60) { "2020-01-\(String(format: "%02d", 1 + $0 % 20)),S\($0 / 20),\($0)" },
    ])
    for (name, extra): (String, [String: ParameterValue]) in [
      ("offsets.csv", [:]), ("fraction.csv", [:]), ("numbered.csv", ["time_column": .textList(["none"])]),
      ("title.csv", ["skip_lines": .text("1")]), ("long.csv", ["layout": .text("long"), "symbol_column": .text("Name")]),
    ] {
      let read = expectPartsReadAsWhole(try folder.source([name], extra), name)
      #expect(read == 6, "\(name): every cut read in parts")
    }
    // Read in doubles, as `seismo ingest` reads.
    #expect(
      expectPartsReadAsWhole(
        try folder.source(["numbered.csv"], ["time_column": .textList(["none"])]), "doubles", inDoubles: true) == 6)
    var offsets = try folder.source(["offsets.csv"])
    offsets.parts = .init(most: 4, smallest: 1)
    let collected = try offsets.collect(inDoubles: false, observer: nil)
    #expect(collected.timesWrittenWithOffset == ["2021-03-10T00:00:00-05:00", "2021-03-14T05:00:00-04:00"])
  }

  @Test func aPartsErrorIsTheWholeReadsError() throws {
    let folder = try JoinedFilesTests.Folder([
      "bad.csv": file("date,x", rows: 60) { "2020-01-01T00:\(String(format: "%02d", $0)):00Z,\($0 == 47 ? "n/a?" : "\($0)")" },
      "twice.csv": file("date,x", rows: 60) { "2020-01-01T00:\(String(format: "%02d", $0 == 52 ? 3 : $0)):00Z,\($0)" },
      // A quoted cell over two lines: a cut inside it leaves a part in a quote.
      "quoted.csv": file("date,x,note", rows: 60) {
        "2020-01-01T00:\(String(format: "%02d", $0)):00Z,\($0),\($0 % 9 == 4 ? "\"two\nlines\"" : "one")"
      },
    ])
    for name in ["bad.csv", "twice.csv", "quoted.csv"] {
      expectPartsReadAsWhole(try folder.source([name], ["columns": .textList(["x"])]), name)
    }
    var bad = try folder.source(["bad.csv"])
    bad.parts = .init(most: 3, smallest: 1)
    #expect(folder.error { _ = try bad.load() }.hasPrefix("bad.csv:49 "))
  }

  @Test func smallFilesAndQuotedHeadersAreReadWhole() throws {
    let folder = try JoinedFilesTests.Folder([
      "small.csv": file("date,x", rows: 60) { "2020-01-01T00:\(String(format: "%02d", $0)):00Z,\($0)" },
      "quoted header.csv": file("date,\"x, y\"", rows: 60) { "2020-01-01T00:\(String(format: "%02d", $0)):00Z,\($0)" },
    ])
    var small = try folder.source(["small.csv"])
    #expect(small.collectInParts(inDoubles: false, observer: nil) == nil, "under the standard 8 MiB")
    small.parts = .init(most: 2, smallest: 1)
    #expect(small.collectInParts(inDoubles: false, observer: nil) != nil)
    var quoted = try folder.source(["quoted header.csv"])
    quoted.parts = .init(most: 2, smallest: 1)
    #expect(quoted.collectInParts(inDoubles: false, observer: nil) == nil)
  }

  @Test func theBytesReadAreHeardOfTheWholeFile() throws {
    let text = file("date,x", rows: 200) {
      "2020-01-01T\(String(format: "%02d", $0 / 60)):\(String(format: "%02d", $0 % 60)):00Z,\($0)"
    }
    let folder = try JoinedFilesTests.Folder(["f.csv": text])
    var source = try folder.source(["f.csv"])
    source.parts = .init(most: 3, smallest: 1)
    var heard: [ProgressCount] = []
    #expect(source.collectInParts(inDoubles: false, observer: { heard.append($0) }) != nil)
    #expect(heard.last == ProgressCount(text.utf8.count, of: text.utf8.count, .bytes))
    #expect(heard.allSatisfy { $0.total == text.utf8.count && $0.done <= text.utf8.count })
  }
}
