import Foundation
import Testing

@testable import CSVSource
@testable import SeismoCore

/// Several files, one indicator a file as vendors ship them, joined on time (`path: [a, b]`), and
/// features named by `as`.
@Suite struct JoinedFilesTests {
  /// A scratch folder holding `files` (name → text), removed by `close`.
  final class Folder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-join-\(UUID().uuidString)")

    init(_ files: [String: String]) throws {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The sizes in bytes of the files, in name order.
    var fileSizes: [Int] {
      ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted().map {
        (try? FileManager.default.attributesOfItem(atPath: path($0))[.size] as? Int) ?? 0
      }
    }

    /// The csv source over `names` with `extra` settings.
    func source(_ names: [String], _ extra: [String: ParameterValue] = [:]) throws -> CSVSource {
      var values = extra
      values["path"] = names.count == 1 ? .text(path(names[0])) : .textList(names.map(path))
      return try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values))
    }

    /// The error `body` throws, with this folder's path taken out.
    func error(_ body: () throws -> Void) -> String {
      do {
        try body()
        return "no error"
      } catch {
        return "\(error)".replacingOccurrences(of: url.path + "/", with: "")
      }
    }
  }

  static let day: Timestamp = 86_400
  /// 2020-01-01 … 2020-01-06.
  static func jan(_ d: Int) -> Timestamp { (18_262 + Timestamp(d - 1)) * day }

  /// vix has the 1st to the 4th, the 3rd empty; spx (written out of order) starts on the 2nd,
  /// lacks the 3rd and goes on to the 6th; both call their price `close`.
  let files = [
    "vix.csv": "date,open,close\n2020-01-01,1,10\n2020-01-02,2,11\n2020-01-03,3,\n2020-01-04,4,13\n",
    "spx.csv": "Date,close\n2020-01-04,400\n2020-01-02,200\n2020-01-05,500\n2020-01-06,600\n",
  ]

  @Test func filesAreJoinedOnTimeAndTheGapPolicyFillsWhatOneLacks() throws {
    let folder = try Folder(files)
    let loaded = try folder.source(["vix.csv", "spx.csv"], ["columns": .textList(["close"]), "as": .textList(["vix", "spx"])])
      .load()
    let f = loaded.frame
    #expect(f.featureNames == ["vix", "spx"])
    // The 1st has no spx yet (a leading gap: dropped); the 3rd carries both (vix's empty cell,
    // spx's missing row); the 5th and 6th carry vix's last value.
    #expect(f.timestamps == (2...6).map(Self.jan))
    #expect(f.values == [11, 200, 11, 200, 13, 400, 13, 500, 13, 600])
    #expect(loaded.rowsRead == 6 && loaded.rowsDropped == 1 && loaded.cellsFilled == 4)
    #expect(loaded.sortedByTime, "spx.csv was out of order")
    #expect(loaded.origin == folder.path("vix.csv") + " + " + folder.path("spx.csv"))
    // drop keeps the times both files have a value for.
    let dropped = try folder.source(
      ["vix.csv", "spx.csv"], ["columns": .textList(["close"]), "as": .textList(["vix", "spx"]), "gaps": .text("drop")]
    ).load().frame
    #expect(dropped.timestamps == [2, 4].map(Self.jan) && dropped.values == [11, 200, 13, 400])
  }

  @Test func eachFileGivesTheListedColumnsItHasOrAllOfItsOwn() throws {
    let folder = try Folder(files.merging(["gold.csv": "ts,gold,volume\n2020-01-02,1500,7\n"]) { $1 })
    // `open` is vix's only: each file gives what it has of the list.
    let listed = try folder.source(
      ["vix.csv", "spx.csv"], ["columns": .textList(["open", "close"]), "as": .textList(["o", "v", "s"])])
    #expect(try listed.featureSources().map { "\($0.column)>\($0.name)" } == ["open>o", "close>v", "close>s"])
    // Without columns, every column of each file; distinct names need no `as`.
    let all = try folder.source(["vix.csv", "gold.csv"], ["columns": .textList(["close", "gold"])]).load().frame
    #expect(all.featureNames == ["close", "gold"] && all.timestamps == (2...4).map(Self.jan))
    #expect(all.values == [11, 1500, 11, 1500, 13, 1500])
    #expect(try folder.source(["gold.csv", "vix.csv"]).indicatorNames() == ["gold", "volume", "open", "close"])
  }

  @Test func namesMustBeDistinctAndAsMustNameEachFeature() throws {
    let folder = try Folder(files)
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "spx.csv"], ["as": .textList(["a", "b"])]).load() }
        == "source.as: names each feature, in order, but vix.csv + spx.csv give 3 (open, close, close) for 2 names; choose them with columns"
    )
    #expect(
      folder.error { _ = try folder.source(["vix.csv"], ["as": .textList(["a"])]).load() }
        == "source.as: names each feature, in order, but vix.csv gives 2 (open, close) for 1 names; choose them with columns")
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "spx.csv"], ["as": .textList(["a", "a", "b"])]) }
        == "source.as: 'a' names two features")
    #expect(folder.error { _ = try folder.source(["vix.csv", "vix.csv"]) } == "source.path: vix.csv is listed twice")
  }

  /// Files that share a column's name (`close` of vix.csv and spx.csv), without `as`, name
  /// their features for the files: the file's name where each gives one column, else the file's
  /// and the column's. Files of one name in two folders need `as`, and the error lists names.
  @Test func filesSharingAColumnNameNameTheirFeaturesForTheFiles() throws {
    let folder = try Folder(files)
    let byFile = try folder.source(["vix.csv", "spx.csv"], ["columns": .textList(["close"])]).load().frame
    #expect(byFile.featureNames == ["vix", "spx"] && byFile.values == [11, 200, 11, 200, 13, 400, 13, 500, 13, 600])
    let every = try folder.source(["vix.csv", "spx.csv"])
    #expect(try every.indicatorNames() == ["vix_open", "vix_close", "spx_close"])
    #expect(try every.load().frame.featureNames == ["vix_open", "vix_close", "spx_close"])
    // An indicator named for its file is read alone from it, under that name.
    let parameters = Parameters(
      specs: CSVSource.descriptor.parameters,
      values: ["path": .textList(["vix.csv", "spx.csv"].map(folder.path)), "columns": .textList(["close"])])
    let spx = try #require(CSVSource.narrowing(parameters, to: "spx"))
    #expect(spx[CSVSource.path] == [folder.path("spx.csv")] && spx[CSVSource.renames] == ["spx"])
    #expect(try CSVSource(parameters: spx).load().frame.featureNames == ["spx"])

    try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("old"), withIntermediateDirectories: true)
    try Data(files["vix.csv"]!.utf8).write(to: folder.url.appendingPathComponent("old/vix.csv"))
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "old/vix.csv"], ["columns": .textList(["close"])]).load() }
        == "source.as: 'close' is a column of both vix.csv and old/vix.csv, files of one name; name the 2 features with as, in this order: as: [vix, vix_2]"
    )
  }

  /// Files of one series cut by time (a file a year, as forex vendors ship them) are refused:
  /// joined, each would be a feature of its own year. Indicators on the same days, or named
  /// by `as`, are joined.
  @Test func filesOfOneSeriesCutByTimeAreRefused() throws {
    let folder = try Folder([
      "2019.csv": "date,close\n2019-12-30,1\n2019-12-31,2\n2020-01-02,3\n",
      "2020.csv": "date,close\n2020-01-02,3\n2020-01-03,4\n2020-01-06,5\n",
    ])
    #expect(
      folder.error { _ = try folder.source(["2019.csv", "2020.csv"]).load() }
        == "source.path: the files have the same columns (close) and follow one another in time (2019.csv: 2019-12-30 … 2020-01-02; 2020.csv: 2020-01-02 … 2020-01-06): files are joined side by side, each a feature of its own stretch of time; a file a period is one series, whose rows combine: append reads as one file's; or name the features with as if they are indicators"
    )
    let named = try folder.source(["2019.csv", "2020.csv"], ["as": .textList(["a", "b"])]).load().frame
    #expect(named.featureNames == ["a", "b"] && named.timestamps.first == Self.jan(2), "b starts on the 2nd")
    let indicators = try Folder(files)
    #expect(try indicators.source(["vix.csv", "spx.csv"], ["columns": .textList(["close"])]).load().frame.rowCount == 5)
  }

  /// `combine: append`: files of one series cut by time read as one file, each with its own
  /// settings; a time in two files is a duplicate, named in both; their columns must agree.
  @Test func appendedFilesAreOneSeries() throws {
    let folder = try Folder([
      "2019.csv": "date,close\n2019-12-30,1\n2019-12-31,2\n",
      "2020.csv": "date;close\n02/01/2020;3\n31/12/2019;9\n03/01/2020;\n",
      "other.csv": "date,open\n2020-01-06,5\n",
    ])
    let append: [String: ParameterValue] = [
      "combine": .text("append"), "delimiter": .textList([",", ";"]), "time_format": .textList(["iso", "%d/%m/%Y"]),
    ]
    let both = try folder.source(["2019.csv", "2020.csv"], append)
    #expect(
      folder.error { _ = try both.load() }
        == "2020.csv:3: duplicate timestamp 2019-12-31 (also on 2019.csv:3); set duplicates: first, last or mean to merge")
    let lastSource = try folder.source(["2019.csv", "2020.csv"], append.merging(["duplicates": .text("last")]) { $1 })
    let last = try lastSource.load()
    #expect(last.frame.featureNames == ["close"] && last.frame.timestamps == [-1, 0, 2, 3].map { Self.jan($0) })
    #expect(last.frame.values == [1, 9, 3, 3] && last.cellsFilled == 1 && last.duplicateRowsMerged == 1)
    #expect(
      folder.error {
        _ = try folder.source(
          ["2019.csv", "2020.csv"], append.merging(["duplicates": .text("last"), "gaps": .text("error")]) { $1 }
        )
        .load()
      } == "2020.csv:4 (column 'close'): empty cell (gaps: error)")
    #expect(
      folder.error { _ = try folder.source(["2019.csv", "other.csv"], ["combine": .text("append")]).load() }
        == "other.csv:1: gives the columns open, and 2019.csv close: files appended (combine: append) are one series, of the same columns; choose them with columns"
    )
    // Its features are the first file's, as `as` names them; `--each` cuts them from one load.
    let renamed = try folder.source(["2019.csv", "2020.csv"], append.merging(["as": .textList(["eurusd"])]) { $1 })
    #expect(try renamed.indicatorNames() == ["eurusd"])
    let parameters = Parameters(
      specs: CSVSource.descriptor.parameters,
      values: append.merging(["path": .textList(["2019.csv", "2020.csv"].map(folder.path))]) { $1 })
    #expect(!CSVSource.narrowingChangesRows(parameters))
    #expect(try lastSource.readPartsInDoubles().map(\.rowCount) == [4])
    // A stream reads them one after the other; it cannot sort 2020.csv's 31/12/2019.
    #expect(
      folder.error { try lastSource.stream(rows: 1) { _ in } }
        == "2020.csv:3: comes before line 2 in time; a stream reads rows in file order and cannot sort them: sort the file, or score without --stream"
    )
  }

  /// Appended files in time order stream as they load, a piece at a time, whatever the piece
  /// size: the day in both files merged across the cut, errors naming each file's line.
  @Test func appendedFilesStreamAsTheyLoad() throws {
    let folder = try Folder([
      "1.csv": "date,close\n2020-01-01,1\n2020-01-02,2\n2020-01-03,\n",
      "2.csv": "date,close\n2020-01-03,3\n2020-01-04,4\n2020-01-05,5\n",
      "3.csv": "date,open\n2020-01-06,6\n",
    ])
    let append: [String: ParameterValue] = ["combine": .text("append"), "duplicates": .text("last")]
    let source = try folder.source(["1.csv", "2.csv"], append)
    let loaded = try source.load().frame
    #expect(loaded.values == [1, 2, 3, 4, 5])
    for rows in [1, 2, 10] {
      var values: [Float] = []
      var times: [Timestamp] = []
      try source.stream(rows: rows) {
        values += $0.frame.values
        times += $0.frame.timestamps
      }
      #expect(values == loaded.values && times == loaded.timestamps, "pieces of \(rows)")
    }
    #expect(
      folder.error { try folder.source(["1.csv", "2.csv"], ["combine": .text("append")]).stream(rows: 1) { _ in } }
        == "2.csv:2: duplicate timestamp 2020-01-03 (also on 1.csv:4); set duplicates: first, last or mean to merge")
    #expect(
      folder.error { try folder.source(["1.csv", "3.csv"], append).stream(rows: 1) { _ in } }
        == "3.csv:1: gives the columns open, and 1.csv close: files appended (combine: append) are one series, of the same columns; choose them with columns"
    )
    #expect(
      folder.error { try folder.source(["2.csv", "1.csv"], append).stream(rows: 1) { _ in } }
        == "1.csv:2: comes before 2.csv:4 in time; a stream reads rows in file order and cannot sort them: sort the file, or score without --stream"
    )
  }

  @Test func aColumnInNoFileOrAFileWithNoneIsNamed() throws {
    let folder = try Folder(files)
    let unknown = folder.error {
      _ = try folder.source(["vix.csv", "spx.csv"], ["columns": .textList(["close", "opne"])]).load()
    }
    #expect(
      unknown
        == "source.columns: unknown column 'opne' (did you mean 'open'?): none of the files has it; their columns: vix.csv (date, open, close); spx.csv (Date, close)",
      "\(unknown)")
    let none = folder.error { _ = try folder.source(["vix.csv", "spx.csv"], ["columns": .textList(["open"])]).load() }
    #expect(none.hasPrefix("spx.csv:1: has none of the columns open; its columns are: Date, close"), "\(none)")
    // A file whose column has no value leaves no row; the error names the feature by its name.
    let blank = try Folder([
      "a.csv": "date,close\n2020-01-01,1\n2020-01-02,2\n", "b.csv": "date,close\n2020-01-01,\n2020-01-02,\n",
    ])
    #expect(
      blank.error { _ = try blank.source(["a.csv", "b.csv"], ["as": .textList(["a", "b"])]).load() }
        == "a.csv + b.csv: no rows left after the gap policy 'ffill': feature 'b' has no value in any row")
  }

  @Test func theGapErrorNamesTheFileAndItsLineOrTheMissingRow() throws {
    let folder = try Folder(files)
    let extra: [String: ParameterValue] = [
      "columns": .textList(["close"]), "as": .textList(["vix", "spx"]), "gaps": .text("error"),
    ]
    // The first gap, in time then feature order, is spx's missing row for the 1st.
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "spx.csv"], extra).load() }
        == "spx.csv: has no row for 2020-01-01, which another file has (gaps: error)")
    // With vix alone on the 1st and the 3rd: vix's empty cell on line 4 comes first.
    let cut = try Folder([
      "vix.csv": files["vix.csv"]!, "spx.csv": "date,close\n2020-01-01,100\n2020-01-02,200\n2020-01-03,300\n2020-01-04,400\n",
    ])
    #expect(
      cut.error { _ = try cut.source(["vix.csv", "spx.csv"], extra).load() }
        == "vix.csv:4 (column 'close'): empty cell (gaps: error)")
  }

  /// A file without a time column is refused at its first row, before the rest is read (its
  /// third line is short), whether the files are loaded, streamed or appended.
  @Test func joinedFilesNeedTimesToJoinOn() throws {
    let folder = try Folder(files.merging(["rows.csv": "x,y\n1,2\n3\n"]) { $1 })
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "spx.csv"], ["time_column": .text("none")]) }
        == "source.time_column: several files are joined on their times, so each needs a time column; time_column none numbers the rows"
    )
    let untimed = "rows.csv:1: has no time column (time_column auto looks for \(ColumnRequest.automaticTimeDescription)), and"
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "rows.csv"]).load() }
        == "\(untimed) several files are joined on their times; name it with time_column")
    #expect(
      folder.error { try folder.source(["vix.csv", "rows.csv"]).stream(rows: 1) { _ in } }
        == "\(untimed) several files are joined on their times; name it with time_column")
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "rows.csv"], ["combine": .text("append")]).load() }
        == "\(untimed) several files are appended on their times; name it with time_column")
  }

  /// Rows join on exact times: a file of times of day beside one of dates, or years that do not
  /// overlap, is refused rather than joined into rows that each hold one file's value.
  @Test func aFileThatSharesNoTimeIsNamed() throws {
    let folder = try Folder(files.merging(["close.csv": "date,spx\n2020-01-02 16:00,200\n2020-01-03 16:00,300\n"]) { $1 })
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "close.csv"], ["columns": .textList(["close", "spx"])]).load() }
        == "vix.csv: shares no time with the other files (its rows: 2020-01-01 … 2020-01-04; close.csv's: 2020-01-02 16:00:00 … 2020-01-03 16:00:00); rows are joined on exact times, so the files must overlap in time, and dates never meet times of day"
    )
  }

  /// Incremental scoring holds back the rows at the end that miss a feature `wait_for` names,
  /// after the last scored row; a plain load fills them.
  @Test func rowsAtTheEndWaitForALateFile() throws {
    let folder = try Folder(files)
    let extra: [String: ParameterValue] = ["columns": .textList(["close"]), "as": .textList(["vix", "spx"])]
    // vix stops on the 4th; spx goes on to the 6th: the 5th and 6th wait for vix.
    let (loaded, waiting) = try folder.source(["vix.csv", "spx.csv"], extra).loadHoldingBack(after: Self.jan(3))
    #expect(loaded.frame.timestamps == (2...4).map(Self.jan))
    #expect(waiting == WaitingRows(rows: 2, since: Self.jan(5), missing: ["vix"]))
    #expect(try folder.source(["vix.csv", "spx.csv"], extra).load().frame.rowCount == 5, "a plain load fills them")
    // Rows already scored never wait; wait_for names what to wait for.
    #expect(try folder.source(["vix.csv", "spx.csv"], extra).loadHoldingBack(after: Self.jan(6)).1 == nil)
    let spxOnly = extra.merging(["wait_for": .textList(["spx"])]) { $1 }
    #expect(try folder.source(["vix.csv", "spx.csv"], spxOnly).loadHoldingBack(after: nil).1 == nil)
    let typo = extra.merging(["wait_for": .textList(["spy"])]) { $1 }
    #expect(
      folder.error { _ = try folder.source(["vix.csv", "spx.csv"], typo).loadHoldingBack(after: nil) }
        == "source.wait_for: 'spy' is not a feature read (did you mean 'spx'?); the features are: vix, spx")
    // One file: an empty cell at the end waits too.
    let single = try Folder(["a.csv": "date,a,b\n2020-01-01,1,2\n2020-01-02,3,\n"])
    let (one, held) = try single.source(["a.csv"]).loadHoldingBack(after: nil)
    #expect(one.frame.rowCount == 1 && held?.missing == ["b"])
    // --each keeps an indicator's own wait.
    let narrowed = CSVSource.narrowing(
      Parameters(
        specs: CSVSource.descriptor.parameters,
        values: ["path": .textList(["vix.csv", "spx.csv"].map(folder.path)), "wait_for": .textList(["vix", "spx"])]
          .merging(extra) { $1 }), to: "spx")
    #expect(narrowed?[WaitingRows.parameter] == ["spx"])
  }

  /// Files from vendors that write them differently: a time column, a time format, a separator
  /// and a decimal mark for each.
  @Test func eachFileHasItsOwnFormatAndSeparatorWhenListed() throws {
    let folder = try Folder([
      "us.csv": "date,close\n2020-01-02,\"1,010.5\"\n2020-01-03,11\n2020-01-04,12\n",
      "eu.csv": "DAX Historische Daten\nDatum;dax\n02/01/2020;13000,5\n04/01/2020;13100\n",
    ])
    let extra: [String: ParameterValue] = [
      "time_column": .textList(["auto", "Datum"]), "time_format": .textList(["iso", "%d/%m/%Y"]),
      "delimiter": .textList([",", ";"]), "decimal": .textList(["point_grouped", "comma"]),
      "skip_lines": .textList(["0", "1"]),
    ]
    let frame = try folder.source(["us.csv", "eu.csv"], extra).load().frame
    #expect(frame.featureNames == ["close", "dax"] && frame.timestamps == (2...4).map(Self.jan))
    #expect(frame.values == [1010.5, 13000.5, 11, 13000.5, 12, 13100])
    #expect(
      folder.error {
        _ = try folder.source(["us.csv", "eu.csv"], extra.merging(["decimal": .textList(["point", "koma"])]) { $1 })
      }
        == "source.decimal: expected one of point, comma, point_grouped, got 'koma'")
    #expect(
      folder.error {
        _ = try folder.source(["us.csv", "eu.csv"], extra.merging(["time_column": .textList(["auto", "none"])]) { $1 })
      }
        == "source.time_column: several files are joined on their times, so each needs a time column; time_column none numbers the rows"
    )
    // --each reads eu.csv alone, with its own format and separator.
    let parameters = Parameters(
      specs: CSVSource.descriptor.parameters,
      values: extra.merging(["path": .textList(["us.csv", "eu.csv"].map(folder.path))]) { $1 })
    let dax = try #require(CSVSource.narrowing(parameters, to: "dax"))
    #expect(dax[CSVSource.timeFormat] == ["%d/%m/%Y"] && dax[CSVSource.delimiter] == [";"])
    #expect(dax[CSVSource.decimal] == ["comma"] && dax[CSVSource.timeColumn] == ["Datum"])
    #expect(dax[CSVSource.skipLines] == ["1"])
    #expect(try CSVSource(parameters: dax).load().frame.values == [13000.5, 13100])
    #expect(
      folder.error { _ = try folder.source(["us.csv", "eu.csv", "us2.csv"], extra) }
        == "source.time_column: give one for every file, or a list with one per file: 3 files, 2 given")
    // One format for both reads eu.csv's dates as ISO, and fails there.
    let oneFormat = extra.merging(["time_format": .text("iso")]) { $1 }
    #expect(
      folder.error { _ = try folder.source(["us.csv", "eu.csv"], oneFormat).load() }.hasPrefix(
        "eu.csv:3 (column 1 'Datum'): '02/01/2020' is not an ISO date"), "the physical line, below the skipped title")
  }

  /// Duplicates are merged in each file by its policy before the join.
  @Test func eachFileMergesItsDuplicatesBeforeTheJoin() throws {
    let folder = try Folder([
      "a.csv": "date,a\n2020-01-01,1\n2020-01-01,3\n2020-01-02,5\n", "b.csv": "date,b\n2020-01-01,10\n2020-01-02,20\n",
    ])
    let loaded = try folder.source(["a.csv", "b.csv"], ["duplicates": .text("mean")]).load()
    #expect(loaded.frame.values == [2, 10, 5, 20] && loaded.duplicateRowsMerged == 1)
    #expect(
      folder.error { _ = try folder.source(["a.csv", "b.csv"]).load() }.hasPrefix("a.csv:3: duplicate timestamp 2020-01-01"))
  }

  /// Progress counts the bytes of all the files, against their sum.
  @Test func progressCountsEveryFilesBytes() throws {
    let folder = try Folder(files)
    var heard: [ProgressCount] = []
    _ = try folder.source(["vix.csv", "spx.csv"], ["columns": .textList(["close"]), "as": .textList(["v", "s"])])
      .readTable { heard.append($0) }
    let sizes = ["vix.csv", "spx.csv"].map { files[$0]!.utf8.count }
    let total = sizes.reduce(0, +)
    #expect(heard == [sizes[0], total].map { ProgressCount($0, of: total, .bytes) }, "\(heard)")
    // Read file by file (`seismo ingest --long`), likewise.
    heard = []
    _ = try folder.source(["vix.csv", "spx.csv"], ["columns": .textList(["close"])]).readPartsInDoubles { heard.append($0) }
    #expect(heard == [sizes[0], total].map { ProgressCount($0, of: total, .bytes) }, "\(heard)")
  }

  /// `as` renames one file's columns too, when loaded and when streamed.
  @Test func asRenamesOneFilesColumns() throws {
    let folder = try Folder(files)
    let source = try folder.source(["vix.csv"], ["as": .textList(["o", "c"])])
    #expect(try source.load().frame.featureNames == ["o", "c"])
    var streamed: [String] = []
    try source.stream(rows: 2) { streamed = $0.frame.featureNames }
    #expect(streamed == ["o", "c"])
    #expect(try source.indicatorNames() == ["o", "c"])
  }

  /// Joined files stream as they load: each read a chunk at a time as the join needs it, the
  /// pieces give the load's rows, values and gap counts, whatever their size, under ffill and
  /// drop, with a file's duplicates merged across the cut; what a stream cannot do, or the
  /// load refuses, is refused in the load's words.
  @Test func joinedFilesStreamAsTheyLoad() throws {
    let folder = try Folder(
      files.merging([
        // Weekly, with a duplicate day (merged by `last`) and an empty cell.
        "gold.csv":
          "date,gold\n2020-01-01,1500\n2020-01-02,1505\n2020-01-03,1510\n2020-01-03,1511\n2020-01-04,1520\n2020-01-05,\n2020-01-07,1530\n",
        "sorted.csv": "Date,close\n2020-01-02,200\n2020-01-04,400\n2020-01-05,500\n2020-01-06,600\n",
        "late.csv": "date,close\n2020-02-01,1\n2020-02-02,2\n",
        "numbered.csv": "close\n1\n2\n",
      ]) { $1 })
    let names = ["vix.csv", "sorted.csv", "gold.csv"]
    for gaps in ["ffill", "drop"] {
      let source = try folder.source(names, ["gaps": .text(gaps), "duplicates": .text("last")])
      let loaded = try source.load()
      #expect(loaded.frame.featureNames == ["vix_open", "vix_close", "sorted_close", "gold_gold"])
      #expect(loaded.frame.rowCount == (gaps == "ffill" ? 6 : 2))
      for rows in [1, 2, 3, 10, 1000] {
        var (values, times, filled, dropped, read) = ([Float](), [Timestamp](), 0, 0, 0)
        try source.stream(rows: rows) {
          #expect($0.frame.rowCount <= rows, "at most a piece")
          (values, times) = (values + $0.frame.values, times + $0.frame.timestamps)
          (filled, dropped, read) = (filled + $0.cellsFilled, dropped + $0.rowsDropped, read + $0.rowsRead)
        }
        #expect(values == loaded.frame.values && times == loaded.frame.timestamps, "\(gaps), pieces of \(rows)")
        #expect(
          (filled, dropped, read) == (loaded.cellsFilled, loaded.rowsDropped, loaded.rowsRead), "\(gaps), pieces of \(rows)")
      }
    }
    // Memory holds a piece of each file: the first piece comes when a chunk (1 MiB) of each has
    // been read, of files of 3 MiB each.
    let minutes = (0..<120_000).map { 1_577_836_800 + 60 * $0 }
    let big = try Folder([
      "a.csv": "date,a\n" + minutes.map { "\($0),1234.\($0 % 97)\n" }.joined(),
      "b.csv": "date,b\n" + minutes.map { "\($0),5678.\($0 % 89)\n" }.joined(),
    ])
    var read = 0
    var (readAtFirstPiece, pieces) = (0, 0)
    let heard: ProgressObserver = { read = $0.done }
    try big.source(["a.csv", "b.csv"], ["time_format": .text("%s")]).stream(rows: 1000, observer: heard) { _ in
      if pieces == 0 { readAtFirstPiece = read }
      pieces += 1
    }
    let total = big.fileSizes.reduce(0, +)
    #expect(
      total > 4_000_000 && readAtFirstPiece <= total / 2 && read == total && pieces == 120, "\(readAtFirstPiece) of \(total)")
    func streamError(_ names: [String], _ extra: [String: ParameterValue] = [:]) -> String {
      folder.error { try folder.source(names, extra).stream(rows: 2) { _ in } }
    }
    func loadError(_ names: [String], _ extra: [String: ParameterValue] = [:]) -> String {
      folder.error { _ = try folder.source(names, extra).load() }
    }
    // Refused as the load refuses: a gap under `error`, a file sharing no time, no time column.
    let error: [String: ParameterValue] = ["gaps": .text("error"), "duplicates": .text("last")]
    #expect(streamError(names, error) == loadError(names, error))
    #expect(
      streamError(["vix.csv", "sorted.csv"], error)
        == "sorted.csv: has no row for 2020-01-01, which another file has (gaps: error)")
    #expect(streamError(["vix.csv", "gold.csv"], error) == "vix.csv:4 (column 'close'): empty cell (gaps: error)")
    #expect(streamError(["vix.csv", "gold.csv"], error) == loadError(["vix.csv", "gold.csv"], error))
    #expect(streamError(["vix.csv", "late.csv"]) == loadError(["vix.csv", "late.csv"]))
    #expect(streamError(["vix.csv", "late.csv"]).hasPrefix("vix.csv: shares no time with the other files"))
    #expect(streamError(["vix.csv", "numbered.csv"]) == loadError(["vix.csv", "numbered.csv"]))
    // What only a stream refuses: rows it cannot sort, named by file and line.
    #expect(
      streamError(["vix.csv", "spx.csv"])
        == "spx.csv:3: comes before line 2 in time; a stream reads rows in file order and cannot sort them: sort the file, or score without --stream"
    )
  }

  /// An indicator of joined files is narrowed to its file, column and name, and keeps its own
  /// times (`--each`, a queued job).
  @Test func anIndicatorIsNarrowedToItsOwnFile() throws {
    let folder = try Folder(files)
    let parameters = Parameters(
      specs: CSVSource.descriptor.parameters,
      values: [
        "path": .textList(["vix.csv", "spx.csv"].map(folder.path)), "columns": .textList(["close"]),
        "as": .textList(["vix", "spx"]),
      ])
    #expect(CSVSource.narrowingChangesRows(parameters))
    let spx = try #require(CSVSource.narrowing(parameters, to: "spx"))
    #expect(
      spx[CSVSource.path] == [folder.path("spx.csv")] && spx[CSVSource.columns] == ["close"] && spx[CSVSource.renames] == ["spx"])
    let alone = try CSVSource(parameters: spx).load().frame
    #expect(alone.featureNames == ["spx"] && alone.timestamps == [2, 4, 5, 6].map(Self.jan))
    #expect(CSVSource.narrowing(parameters, to: "gold") == nil)
    // One file without `as`: the column, as before.
    let one = Parameters(specs: CSVSource.descriptor.parameters, values: ["path": .text(folder.path("vix.csv"))])
    #expect(!CSVSource.narrowingChangesRows(one) && CSVSource.narrowing(one, to: "open")?[CSVSource.columns] == ["open"])
  }

  /// Every indicator of joined files read alone at once (`--each`), from one read of each file,
  /// is what its narrowed read gives: its file's own rows, settings and policies, applied to it
  /// alone (vix's empty close on the 3rd drops that row from vix_close, not from vix_open).
  @Test func everyIndicatorOfJoinedFilesIsReadAloneFromOneReadOfEachFile() throws {
    let folder = try Folder([
      "vix.csv": "date,open,close\n2020-01-01,1,10\n2020-01-02,2,11\n2020-01-02,4,15\n2020-01-03,3,\n2020-01-04,4,13\n",
      "spx.csv": "Date,close\n2020-01-04,400\n2020-01-02,200\n2020-01-05,500\n2020-01-06,600\n",
      "eu.csv": "Datum;dax\n02/01/2020;13000\n04/01/2020;13100\n",
    ])
    for (gaps, duplicates) in [("ffill", "first"), ("drop", "mean"), ("drop", "last")] {
      let parameters = Parameters(
        specs: CSVSource.descriptor.parameters,
        values: [
          "path": .textList(["vix.csv", "spx.csv", "eu.csv"].map(folder.path)),
          "time_column": .textList(["auto", "auto", "Datum"]), "time_format": .textList(["iso", "iso", "%d/%m/%Y"]),
          "delimiter": .textList([",", ",", ";"]), "gaps": .text(gaps), "duplicates": .text(duplicates),
        ])
      let alone = try #require(try CSVSource(parameters: parameters).loadEachAlone())
      #expect(alone.keys.sorted() == ["eu_dax", "spx_close", "vix_close", "vix_open"])
      for (name, loaded) in alone {
        let narrowed = try CSVSource(parameters: try #require(CSVSource.narrowing(parameters, to: name))).load()
        #expect(loaded.frame == narrowed.frame, "\(name), \(gaps), \(duplicates)")
        #expect(
          loaded.rowsRead == narrowed.rowsRead && loaded.rowsDropped == narrowed.rowsDropped
            && loaded.cellsFilled == narrowed.cellsFilled && loaded.duplicateRowsMerged == narrowed.duplicateRowsMerged
            && loaded.sortedByTime == narrowed.sortedByTime && loaded.origin == narrowed.origin,
          "\(name), \(gaps), \(duplicates)")
      }
      #expect(alone["vix_open"]?.frame.timestamps == (1...4).map(Self.jan))
      #expect(alone["vix_close"]?.frame.timestamps == (gaps == "drop" ? [1, 2, 4] : [1, 2, 3, 4]).map(Self.jan))
      #expect(alone["spx_close"]?.sortedByTime == true && alone["eu_dax"]?.frame.values == [13000, 13100])
      #expect(alone["vix_close"]?.frame.values[1] == ["first": 11, "mean": 13, "last": 15][duplicates])
    }
  }
}
