import Foundation
import Testing

@testable import CSVSource
@testable import SeismoCore

/// A long file (`layout: long`): a row per symbol and time, as one file of many tickers is
/// shipped; each symbol's values become features, joined on time as files are.
@Suite struct LongFileTests {
  /// 2020-01-01 … 2020-01-04.
  static func jan(_ d: Int) -> Timestamp { (18_262 + Timestamp(d - 1)) * 86_400 }

  /// AAPL has the 1st to the 3rd (written out of order), MSFT the 1st, 2nd and 4th; `Name` is
  /// the symbol column, as Kaggle's S&P 500 file names it.
  static let text = """
    date,open,close,Name
    2020-01-02,2,20,AAPL
    2020-01-01,1,10,AAPL
    2020-01-01,5,50,MSFT
    2020-01-02,6,60,MSFT
    2020-01-03,3,30,AAPL
    2020-01-04,8,80,MSFT

    """
  static let long: [String: ParameterValue] = ["layout": .text("long"), "symbol_column": .text("Name")]

  func long(_ extra: [String: ParameterValue]) -> [String: ParameterValue] { Self.long.merging(extra) { $1 } }

  @Test func eachSymbolsValuesAreFeaturesJoinedOnTime() throws {
    // One value column: a feature per symbol, named for it. MSFT lacks the 3rd, AAPL the 4th:
    // ffill carries each one's last value.
    let close = try load(Self.text, long(["columns": .textList(["close"])])).frame
    #expect(close.featureNames == ["AAPL", "MSFT"])
    #expect(close.timestamps == (1...4).map(Self.jan))
    #expect(close.values == [10, 50, 20, 60, 30, 60, 30, 80])
    // Several: each symbol's, named for the symbol and the column; `drop` keeps the days of both.
    let both = try load(Self.text, long(["gaps": .text("drop")])).frame
    #expect(both.featureNames == ["AAPL_open", "AAPL_close", "MSFT_open", "MSFT_close"])
    #expect(both.timestamps == [1, 2].map(Self.jan) && both.values == [1, 10, 5, 50, 2, 20, 6, 60])
    // `symbols` picks and orders them.
    let picked = try load(Self.text, long(["columns": .textList(["close"]), "symbols": .textList(["MSFT"])])).frame
    #expect(picked.featureNames == ["MSFT"] && picked.timestamps == [1, 2, 4].map(Self.jan) && picked.values == [50, 60, 80])
    let ordered = try load(Self.text, long(["columns": .textList(["close"]), "symbols": .textList(["MSFT", "AAPL"])]))
    #expect(ordered.frame.featureNames == ["MSFT", "AAPL"] && ordered.sortedByTime, "AAPL's rows were out of order")
    // `as` names the features, in order.
    let named = try load(Self.text, long(["columns": .textList(["close"]), "as": .textList(["apple", "microsoft"])]))
    #expect(named.frame.featureNames == ["apple", "microsoft"])
  }

  /// A symbol is its cell without the blanks around it: spaces, tabs, a carriage return (quoted,
  /// or it ends the line), a no-break space.
  @Test func symbolsAreTheirCellsWithoutTheBlanksAround() throws {
    let text =
      "date,close,Name\n2020-01-01,1, AAPL\n2020-01-01,5,MSFT\t\n2020-01-01,9,MSF T\n"
      + "2020-01-02,2,\u{A0}AAPL\u{A0}\n2020-01-02,6,\tMSFT\n2020-01-02,8,MSF T \n"
      + "2020-01-03,3,\"AAPL\r\"\n2020-01-03,7,\"\rMSFT\"\n2020-01-03,10,MSF T\n"
    let frame = try load(text, Self.long).frame
    #expect(frame.featureNames == ["AAPL", "MSFT", "MSF T"] && frame.values == [1, 5, 9, 2, 6, 8, 3, 7, 10])
  }

  /// A long file cut by time (`combine: append`, a file a period) reads as the one it was cut
  /// from; a symbol first seen in the second file is one of the symbols.
  @Test func aLongFileCutByTimeIsAppended() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-long-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let lines = Self.text.split(separator: "\n").map(String.init)
    let cuts = [[lines[0]] + lines[1...4], [lines[0]] + lines[5...] + ["2020-01-04,9,90,IBM"]]
    let paths = cuts.enumerated().map { k, cut in dir.appendingPathComponent("\(k).csv").path }
    for (path, cut) in zip(paths, cuts) {
      try (cut.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
    let values = long(["path": .textList(paths), "combine": .text("append"), "columns": .textList(["close"])])
    let appended = try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values)).load().frame
    let whole = try load(Self.text + "2020-01-04,9,90,IBM\n", long(["columns": .textList(["close"])])).frame
    #expect(appended.featureNames == ["AAPL", "MSFT", "IBM"] && appended.values == whole.values)
    #expect(appended.timestamps == whole.timestamps)
  }

  @Test func aLongFilesErrorsNameTheSymbol() throws {
    #expect(
      loadError(Self.text, long(["symbols": .textList(["MSFTT"])]))
        == "source.symbols: 'MSFTT' is not in t.csv's symbol column 'Name' (did you mean 'MSFT'?); its symbols: AAPL, MSFT")
    #expect(
      loadError(Self.text, ["layout": .text("long")])
        == "t.csv:1: unknown symbol column 'symbol' (did you mean 'Name'?) (symbol_column); columns are: date, open, close, Name"
    )
    #expect(
      loadError(Self.text, long(["columns": .textList(["close", "Name"])]))
        == "t.csv:1: column 'Name' is the symbol column; it cannot also be a feature")
    #expect(
      loadError("date,close,Name\n2020-01-01,1,AAPL\n2020-01-01,2,\n", Self.long)
        == "t.csv:3 (column 3 'Name'): the symbol is empty; every row of a long file needs one (symbol_column)")
    #expect(
      loadError("date,close,Name\n2020-01-01,1,AAPL\n2020-01-01,2,AAPL\n", Self.long)
        == "t.csv:3: duplicate timestamp 2020-01-01 of symbol AAPL (also on line 2); set duplicates: first, last or mean to merge"
    )
    #expect(
      loadError(Self.text, long(["columns": .textList(["close"]), "gaps": .text("error")]))
        == "t.csv: symbol MSFT has no row for 2020-01-03, which another symbol has (gaps: error)")
    #expect(
      loadError("date,close,Name\n2020-01-01,1,AAPL\n2020-01-02,2,MSFT\n", Self.long)
        .hasPrefix("t.csv: symbol AAPL shares no time with the other symbols (its rows: 2020-01-01 … 2020-01-01; symbol MSFT's:"))
    // Settings of a long file without one, and a long file that cannot be joined.
    #expect(
      loadError(Self.text, ["symbols": .textList(["AAPL"])])
        == "source.symbols: reads a long file (a row per symbol and time); set layout: long")
    #expect(
      loadError(Self.text, ["symbol_column": .text("Name")])
        == "source.symbol_column: reads a long file (a row per symbol and time); set layout: long")
    #expect(
      loadError(Self.text, long(["time_column": .text("none")]))
        == "source.layout: long joins the symbols on their times, and time_column none numbers the rows; name the time column")
    // Without a time column, refused at the first row, before the rest is read (line 3 is short).
    #expect(
      loadError("open,close,Name\n1,10,AAPL\n2\n", Self.long)
        == "t.csv:1: has no time column (time_column auto looks for \(ColumnRequest.automaticTimeDescription)), and a long file's symbols are joined on their times; name it with time_column"
    )
  }

  /// A long file read as wide says what it is: the times repeat, and the symbols are no numbers.
  @Test func aLongFileReadAsWideIsNamed() throws {
    #expect(
      loadError(Self.text, ["columns": .textList(["close"])])
        == "t.csv:4: duplicate timestamp 2020-01-01 (also on line 3) (a long file, a row per symbol and time? set layout: long, symbol_column: Name); set duplicates: first, last or mean to merge"
    )
    #expect(
      loadError(Self.text)
        == "t.csv:2 (column 4 'Name'): 'AAPL' is not a number (a symbol? a file of a row per symbol and time is long: set layout: long, symbol_column: Name)"
    )
    #expect(
      loadError("date,close,ticker_id\n2020-01-01,1,BRK.B\n").hasSuffix(
        "'BRK.B' is not a number (a symbol? a file of a row per symbol and time is long: set layout: long, symbol_column: ticker_id)"
      ))
    // A column of words that read as no ticker: text, read because no columns are listed.
    #expect(
      loadError("date,close,Adj Close,note\n2020-01-01,1,1,big day\n")
        == "t.csv:2 (column 4 'note'): 'big day' is not a number (a column of text? the source lists no columns, so every one is read as a feature: list the features, columns: [close, Adj Close])"
    )
    #expect(
      loadError("date,close,note\n2020-01-01,1,big day\n", ["columns": .textList(["close", "note"])])
        == "t.csv:2 (column 3 'note'): 'big day' is not a number", "a listed column is meant")
    #expect(loadError("date,close,note\n2020-01-01,1,n/a 3\n").hasSuffix("'n/a 3' is not a number"), "digits: no word")
    // A mark for a missing value in capitals is no ticker.
    for mark in ["NA", "NULL", "ND"] {
      #expect(
        loadError("date,close,other\n2020-01-01,1,\(mark)\n").hasSuffix(
          "'\(mark)' is not a number (a mark for a missing value? set missing: ['\(mark)'] to read such cells as gaps)"))
    }
    // ingest reads a long file with --symbol-column (it has no --layout), and lists --column.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-long-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    func ingestError(_ text: String) throws -> String {
      let path = dir.appendingPathComponent("i.csv").path
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      do {
        _ = try CSVSource(paths: [path], spelling: .options).load()
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    #expect(
      try ingestError(Self.text).hasSuffix(
        "'AAPL' is not a number (a symbol? a file of a row per symbol and time is long: give --symbol-column Name)"))
    #expect(
      try ingestError("date,close,note\n2020-01-01,1,big day\n").hasSuffix(
        "(a column of text? the command names no columns, so every one is read as a feature: list the features, --column 'close')"
      ))
  }

  /// `--each` reads a symbol alone, on its own times; `AAPL_close` is AAPL's close, named so.
  @Test func anIndicatorIsNarrowedToItsSymbol() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-long-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("long.csv").path
    try Self.text.write(toFile: path, atomically: true, encoding: .utf8)
    let parameters = Parameters(specs: CSVSource.descriptor.parameters, values: long(["path": .text(path)]))
    #expect(CSVSource.narrowingChangesRows(parameters))
    let msft = try #require(CSVSource.narrowing(parameters, to: "MSFT_close"))
    #expect(
      msft[CSVSource.symbols] == ["MSFT"] && msft[CSVSource.columns] == ["close"] && msft[CSVSource.renames] == ["MSFT_close"])
    let alone = try CSVSource(parameters: msft).load().frame
    #expect(alone.featureNames == ["MSFT_close"] && alone.timestamps == [1, 2, 4].map(Self.jan) && alone.values == [50, 60, 80])
    #expect(CSVSource.narrowing(parameters, to: "MSFT_volume") == nil, "no such column")
    var close = parameters
    close.set(CSVSource.columns, ["close"])
    #expect(CSVSource.narrowing(close, to: "AAPL")?[CSVSource.symbols] == ["AAPL"])
    // Its names without reading the rows: only when `symbols` lists them.
    #expect(try CSVSource(parameters: close).indicatorNames() == nil)
    close.set(CSVSource.symbols, ["MSFT", "AAPL"])
    #expect(try CSVSource(parameters: close).indicatorNames() == ["MSFT", "AAPL"])

    // Every feature read alone at once (`--each`) is what its narrowed read gives, rows and all.
    let text = Self.text.replacingOccurrences(of: "2020-01-02,6,60,MSFT", with: "2020-01-02,,60,MSFT")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    for gaps in ["ffill", "drop"] {
      var every = parameters
      every.set(GapPolicy.parameter, try #require(GapPolicy(rawValue: gaps)))
      let alone = try #require(try CSVSource(parameters: every).loadEachAlone())
      #expect(alone.keys.sorted() == ["AAPL_close", "AAPL_open", "MSFT_close", "MSFT_open"])
      for (name, frame) in alone {
        let narrowed = try CSVSource(parameters: try #require(CSVSource.narrowing(every, to: name))).load()
        #expect(frame.frame == narrowed.frame && frame.rowsDropped == narrowed.rowsDropped, "\(name), gaps: \(gaps)")
      }
      #expect(alone["MSFT_open"]?.frame.timestamps == (gaps == "drop" ? [1, 4] : [1, 2, 4]).map(Self.jan))
    }
    #expect(
      try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: ["path": .text(path)])).loadEachAlone()
        == nil)
  }

  /// A long file in time order streams a piece at a time (`score --stream`), each time's symbols
  /// in any order, and its pieces give the rows the load gives; what the load refuses, the stream
  /// refuses alike, once every row is read.
  @Test func aLongFileInTimeOrderStreamsAsItLoads() throws {
    // IBM's rows come before or after the others'; MSFT starts late and has an empty cell; AAPL
    // has two rows on the 3rd (merged by `last`: line order) and none on the 5th.
    let text = """
      date,open,close,Name
      2020-01-01,1,10,AAPL
      2020-01-01,7,70,IBM
      2020-01-02,6,60,MSFT
      2020-01-02,2,20,AAPL
      2020-01-02,7,71,IBM
      2020-01-03,3,30,AAPL
      2020-01-03,,61,MSFT
      2020-01-03,4,31,AAPL
      2020-01-04,7,72,IBM
      2020-01-04,8,80,MSFT
      2020-01-04,5,50,AAPL
      2020-01-05,9,90,MSFT

      """
    let lines = text.split(separator: "\n").map(String.init)
    let folder = try JoinedFilesTests.Folder([
      "long.csv": text,
      // The same rows cut in two within the 2nd (`combine: append`).
      "a.csv": (lines[0...4] + [""]).joined(separator: "\n"),
      "b.csv": ([lines[0]] + lines[5...] + [""]).joined(separator: "\n"),
      "bysymbol.csv": Self.text,
      "numbered.csv": "close,Name\n1,AAPL\n",
      "apart.csv": "date,close,Name\n2020-01-01,1,AAPL\n2020-01-02,2,MSFT\n",
    ])
    let cases: [(files: [String], extra: [String: ParameterValue])] = [
      (["long.csv"], [:]),
      (["long.csv"], ["columns": .textList(["close"]), "symbols": .textList(["MSFT", "AAPL"])]),
      (["long.csv"], ["columns": .textList(["close"]), "as": .textList(["apple", "microsoft", "ibm"])]),
      (["a.csv", "b.csv"], ["combine": .text("append"), "symbols": .textList(["AAPL", "MSFT", "IBM"])]),
    ]
    for (files, extra) in cases {
      for gaps in ["ffill", "drop"] {
        let source = try folder.source(files, long(extra).merging(["gaps": .text(gaps), "duplicates": .text("last")]) { $1 })
        let loaded = try source.load()
        for rows in [1, 2, 3, 10, 1000] {
          var (values, times, filled, dropped, read, merged) = ([Float](), [Timestamp](), 0, 0, 0, 0)
          try source.stream(rows: rows) {
            #expect($0.frame.featureNames == loaded.frame.featureNames && $0.frame.rowCount <= rows)
            (values, times) = (values + $0.frame.values, times + $0.frame.timestamps)
            (filled, dropped, read) = (filled + $0.cellsFilled, dropped + $0.rowsDropped, read + $0.rowsRead)
            merged += $0.duplicateRowsMerged
          }
          let context = "\(files) \(extra), \(gaps), pieces of \(rows)"
          #expect(values == loaded.frame.values && times == loaded.frame.timestamps, "\(context)")
          #expect((filled, dropped, read) == (loaded.cellsFilled, loaded.rowsDropped, loaded.rowsRead), "\(context)")
          #expect(merged == loaded.duplicateRowsMerged && merged == 1, "\(context)")
        }
      }
    }
    // Worked by hand: the closes of AAPL, IBM and MSFT, as they first appear; the 1st has no
    // MSFT to carry (dropped), the 3rd AAPL's later row and IBM's carried, the 5th AAPL's and
    // IBM's carried.
    let closes = try folder.source(["long.csv"], long(["columns": .textList(["close"]), "duplicates": .text("last")]))
    var streamed: [Float] = []
    try closes.stream(rows: 2) {
      #expect($0.frame.featureNames == ["AAPL", "IBM", "MSFT"])
      streamed += $0.frame.values
    }
    #expect(streamed == [20, 71, 60, 31, 71, 61, 50, 72, 80, 50, 72, 90])
    // The files are read twice without `symbols` (for them, then for the rows), once with them.
    for (extra, passes) in [([String: ParameterValue](), 2), (["symbols": .textList(["AAPL"])], 1)] {
      var heard: [ProgressCount] = []
      let hear: ProgressObserver = { heard.append($0) }
      let source = try folder.source(["long.csv"], long(extra).merging(["duplicates": .text("last")]) { $1 })
      try source.stream(rows: 2, observer: hear) { _ in }
      #expect(heard.last?.done == passes * text.utf8.count && heard.last?.total == heard.last?.done, "\(extra)")
    }

    func streamError(_ files: [String], _ extra: [String: ParameterValue] = [:]) -> String {
      folder.error { try folder.source(files, long(extra)).stream(rows: 2) { _ in } }
    }
    func loadError(_ files: [String], _ extra: [String: ParameterValue] = [:]) -> String {
      folder.error { _ = try folder.source(files, long(extra)).load() }
    }
    // Refused as the load refuses: duplicates, a gap under `error`, an unknown symbol, no time
    // column, symbols that share no time, `as` of another count.
    let refused: [([String], [String: ParameterValue])] = [
      (["long.csv"], [:]),
      (["long.csv"], ["duplicates": .text("first"), "gaps": .text("error")]),
      (["long.csv"], ["symbols": .textList(["MSFT", "APPL"])]),
      (["numbered.csv"], [:]),
      (["apart.csv"], [:]),
      (["long.csv"], ["duplicates": .text("first"), "as": .textList(["a", "b"])]),
    ]
    for (files, extra) in refused {
      #expect(streamError(files, extra) == loadError(files, extra), "\(files) \(extra)")
      #expect(streamError(files, extra) != "no error", "\(files) \(extra)")
    }
    #expect(
      streamError(["long.csv"])
        == "long.csv:9: duplicate timestamp 2020-01-03 of symbol AAPL (also on line 7); set duplicates: first, last or mean to merge"
    )
    // What only a stream refuses: a file sorted by symbol, which it cannot join.
    #expect(
      streamError(["bysymbol.csv"])
        == "bysymbol.csv:3: comes before line 2 in time; a stream reads rows in file order and cannot sort them: sort the file by time (a long file sorted by symbol is read whole), or score without --stream"
    )
  }
}
