import Foundation
import Testing

@testable import SeismoCore

/// One run-folder type: what `write` puts in scores.csv, `scores` reads back row by row.
@Suite struct RunFolderTests {
  func folder() throws -> RunFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-runfolder-\(UUID().uuidString)")
    return RunFolder(url.path)
  }

  @Test func whatIsWrittenReadsBackRowByRow() throws {
    // A feature name with a comma and a quote is quoted in the header.
    let config = try RunConfig.parse(
      yaml: #"source: { plugin: constant, series: ["1", "2", "3", "4", "50", "6"] }"#
        + "\ndetector: { plugin: absolute }\nsplit: { train_fraction: 0.5 }",
      origin: "c", registry: testRegistry)
    var run = try DetectionPipeline(registry: testRegistry, config: config).run()
    run.loaded.frame = try Frame(
      timestamps: run.frame.timestamps, featureNames: [#"vix, "close""#], values: run.frame.values)
    let folder = try folder()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    try folder.write(run)
    let summary = try folder.summary()
    let table = try folder.scores(summary)
    #expect(table.rowCount == 6 && table.timeKind == .calendar)
    #expect(table.timestamps == run.frame.timestamps)
    #expect(table.parts == ["train", "train", "train", "test", "test", "test"])
    #expect(table.column("score") == [nil] + run.scores.values.map { Optional($0) }, "warm-up rows are empty")
    #expect(table.column("is_anomaly") == [nil, 0, 0, 1, 1, 1])
    #expect(table.column(#"value_vix, "close""#) == [1, 2, 3, 4, 50, 6])
    #expect(table.column("no_such") == nil)
    #expect(throws: SeismoError.file(path: folder.scoresPath, message: "has no 'nope' column")) {
      try table.require("nope", path: folder.scoresPath)
    }
  }

  @Test func rowNumbersAndBadCellsAreClear() throws {
    let folder = try folder()
    try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    /// The table of `text`, read as the folder's scores.csv.
    func table(_ text: String, indexed: Bool) throws -> ScoresTable {
      try text.write(toFile: folder.scoresPath, atomically: true, encoding: .utf8)
      return try ScoresTable(path: folder.scoresPath, indexed: indexed)
    }
    let indexed = try table("timestamp,part,score\n7,train,\n8,test,0.5\n", indexed: true)
    #expect(indexed.timestamps == [0, 1], "row numbers by position, as a CSV without a time column reads")
    #expect(indexed.column("score") == [nil, 0.5] && indexed.parts == ["train", "test"])
    let s = folder.scoresPath
    #expect(throws: SeismoError.data(source: s, line: 3, column: "score", message: "'x' is not a finite number")) {
      try table("timestamp,part,score\n2020-01-01,train,1\n2020-01-02,test,x\n", indexed: false)
    }
    // Numbers as `Float(String)` reads them: whole, finite, no blanks inside quotes (libcsv
    // trims those around an unquoted cell).
    for cell in ["\" 1\"", "1x", "inf", "nan", "1e39"] {
      let text = cell.filter { $0 != "\"" }
      #expect(throws: SeismoError.data(source: s, line: 2, column: "score", message: "'\(text)' is not a finite number")) {
        try table("timestamp,part,score\n2020-01-01,train,\(cell)\n", indexed: false)
      }
    }
    #expect(try table("timestamp,part,score\n2020-01-01,train,-1.5e-05\n", indexed: false).column("score") == [-1.5e-05])
    #expect(throws: SeismoError.data(source: s, line: 2, column: "timestamp", message: "'2020-13-01' is not a timestamp")) {
      try table("timestamp,part,score\n2020-13-01,train,1\n", indexed: false)
    }
    #expect(throws: SeismoError.data(source: s, line: 2, column: nil, message: "2 fields where the header has 3")) {
      try table("timestamp,part,score\n2020-01-01,train\n", indexed: false)
    }
    #expect(throws: SeismoError.file(path: s, message: #"is not a Seismo scores file (its header starts ["date", "part"])"#)) {
      try table("date,part,score\n2020-01-01,train,1\n", indexed: false)
    }
    #expect(
      throws: SeismoError.file(path: "\(folder.path)/summary.json", message: "no such file; is \(folder.path) a run folder?")
    ) {
      try folder.summary()
    }
    // A path that is no folder is named for what it is.
    let missing = RunFolder(folder.path + "-missing")
    #expect(
      throws: SeismoError.file(
        path: missing.path, message: "no such folder (a run folder, as detect or score writes with --out)")
    ) {
      try missing.summary()
    }
    #expect(
      throws: SeismoError.file(
        path: folder.scoresPath,
        message: "a file, not a run folder: give the folder that detect or score wrote (--out), which holds summary.json")
    ) {
      try RunFolder(folder.scoresPath).summary()
    }
  }

  @Test func aLongScoresFileIsWrittenInPiecesAndLeavesNothingElse() throws {
    // 40,000 rows make a scores.csv of over a mebibyte, written in several pieces.
    let series = (0..<40_000).map { String($0 % 97) }
    let config = try RunConfig.parse(
      yaml: "source: { plugin: constant }\ndetector: { plugin: absolute }\nsplit: { train_fraction: 0.5 }",
      origin: "c", overrides: ["source.series=[\(series.joined(separator: ","))]"], registry: testRegistry)
    let run = try DetectionPipeline(registry: testRegistry, config: config).run()
    let folder = try folder()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    try folder.write(run)
    let size = try FileManager.default.attributesOfItem(atPath: folder.scoresPath)[.size] as? Int ?? 0
    #expect(size > 1 << 20)
    let table = try folder.scores(try folder.summary())
    #expect(table.rowCount == 40_000)
    #expect(table.column("score")?.last == Float(39_999 % 97))
    #expect(table.column("value_x")?[39_999] == Float(39_999 % 97))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["scores.csv", "summary.json"])
  }

  /// A scores.csv cut into 2 to 6 parts read at once reads as a whole read does: random rows of
  /// empty and numeric cells, on a calendar axis and by row number; a bad cell in any part is the
  /// whole read's error, on its line.
  @Test(arguments: 0..<12) func aScoresFileReadInPartsReadsAsAWholeRead(seed: UInt64) throws {
    var random = SeededGenerator(seed: seed)
    let folder = try folder()
    try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    let rows = Int.random(in: 1...400, using: &random)
    let columns = Int.random(in: 1...5, using: &random)
    var lines = ["timestamp,part," + (0..<columns).map { "c\($0)" }.joined(separator: ",")]
    for r in 0..<rows {
      let cells = (0..<columns).map { _ in
        Int.random(in: 0..<5, using: &random) == 0 ? "" : String(Float.random(in: -1e4...1e4, using: &random))
      }
      let time = Timestamp(1_600_000_000 + r * Int.random(in: 1...86_400, using: &random) / 2 + r)
      lines.append("\(CivilTime.format(time, withTime: true)),\(r < rows / 3 ? "train" : "test")," + cells.joined(separator: ","))
    }
    let whole = PartedReading(most: 1, smallest: 1)
    func read(_ text: [String], indexed: Bool, _ reading: PartedReading) -> Result<ScoresTable, SeismoError> {
      Result {
        try (text.joined(separator: "\n") + "\n").write(toFile: folder.scoresPath, atomically: true, encoding: .utf8)
        return try ScoresTable(path: folder.scoresPath, indexed: indexed, reading: reading)
      }.mapError { $0 as! SeismoError }
    }
    var bad = lines
    let badRow = Int.random(in: 1...rows, using: &random)
    bad[badRow] += "x"
    for indexed in [false, true] {
      let expected = read(lines, indexed: indexed, whole)
      #expect(try expected.get().rowCount == rows)
      let failure = read(bad, indexed: indexed, whole)
      for parts in 2...6 {
        #expect(read(lines, indexed: indexed, PartedReading(most: parts, smallest: 1)) == expected, "\(parts) parts")
        #expect(read(bad, indexed: indexed, PartedReading(most: parts, smallest: 1)) == failure, "\(parts) parts, row \(badRow)")
      }
    }
  }
}

/// The summary's flags and events as `FlagLog` builds them, and `scores.csv` written in pieces.
@Suite struct FlagLogAndPiecesTests {
  func flag(_ day: Int, _ score: Float) -> RunSummary.Flag {
    RunSummary.Flag(timestamp: "d\(day)", score: score, topFeature: "x", part: "test")
  }

  @Test func aCappedLogListsTheHighestFlagsAndEventsInTimeOrderAndCountsAll() {
    // Flags at 0, 1 (one event, peak 5), 10 (peak 9), 20 (peak 2), 30 (peak 7).
    let flags = [(0, Float(3)), (1, 5), (10, 9), (20, 2), (30, 7)]
    var capped = FlagLog(rule: EventRule(mergeGap: 2), keep: 2)
    var whole = FlagLog(rule: EventRule(mergeGap: 2))
    for (i, score) in flags {
      capped.add(flag(i, score), at: i, clearsMargin: true)
      whole.add(flag(i, score), at: i, clearsMargin: true)
    }
    let all = whole.finish()
    let listed = capped.finish()
    #expect(all.flags.map(\.timestamp) == ["d0", "d1", "d10", "d20", "d30"] && all.events.count == 4)
    #expect(all.events.map(\.peakScore) == [5, 9, 2, 7] && all.events[0].flaggedRows == 2 && all.events[0].end == "d1")
    #expect(listed.flags.map(\.timestamp) == ["d10", "d30"], "the two highest, in time order")
    #expect(listed.events.map(\.start) == ["d10", "d30"])
    #expect(capped.eventCount == 4 && capped.flagged == [0, 1, 10, 20, 30])
  }

  /// `Highest` keeps what sorting the items themselves by score kept, trim by trim, ties and
  /// all: 2,000 items of 40 distinct scores, kept 1 to 60 at a time.
  @Test func highestKeepsWhatASortOfTheItemsKept() {
    var random = SeededGenerator(seed: 5)
    let scored = (0..<2000).map { order in (order, Float(Int.random(in: 0..<40, using: &random))) }
    for keep in [1, 2, 7, 60] {
      var highest = Highest<(Int, Float)>(keep: keep) { $0.1 }
      var items: [(order: Int, item: (Int, Float))] = []  // a sort of the items, as before
      for (order, score) in scored {
        highest.add((order, score), at: order)
        items.append((order, (order, score)))
        if items.count >= 2 * keep { items = Array(items.sorted { $0.item.1 > $1.item.1 }.prefix(keep)) }
      }
      if items.count > keep { items = Array(items.sorted { $0.item.1 > $1.item.1 }.prefix(keep)) }
      let expected = items.sorted { $0.order < $1.order }.map(\.item.0)
      #expect(highest.inTimeOrder().map(\.0) == expected, "keep \(keep)")
    }
  }

  @Test func piecesPrintTimesOfDayOnceAnyRowHasOne() throws {
    func piece(_ timestamps: [Timestamp]) throws -> ScoresCSV.Rows {
      let frame = try Frame(timestamps: timestamps, featureNames: ["x"], values: timestamps.map { _ in 1 })
      return ScoresCSV.Rows(
        frame: frame, trainRows: 0,
        scores: Scores(
          firstRow: 0, values: [Float](repeating: 2, count: timestamps.count),
          featureErrors: [Float](repeating: 2, count: timestamps.count), featureCount: 1),
        cutoffs: [Float](repeating: 1, count: timestamps.count), alerts: [0])
    }
    var csv = ScoresCSV(featureNames: ["x"])
    var bytes: [UInt8] = []
    try csv.write(try piece([0, 86_400])) { bytes += $0 }
    try csv.write(try piece([2 * 86_400, 2 * 86_400 + 3_600, 3 * 86_400])) { bytes += $0 }
    try csv.finish { bytes += $0 }
    let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.prefix { $0 != "," } }
    #expect(
      lines == ["timestamp", "1970-01-01", "1970-01-02", "1970-01-03 00:00:00", "1970-01-03 01:00:00", "1970-01-04 00:00:00"])
  }
}
