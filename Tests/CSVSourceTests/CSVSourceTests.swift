import Foundation
import Testing

@testable import CSVSource
@testable import SeismoCore

/// Writes `text` to a fresh temporary file and loads it with the given parameters.
func load(_ text: String, _ extra: [String: ParameterValue] = [:], name: String = "t.csv") throws -> LoadedFrame {
  try load(bytes: Data(text.utf8), extra, name: name)
}

/// Writes `bytes` to a fresh temporary file and loads it with the given parameters.
func load(bytes: Data, _ extra: [String: ParameterValue] = [:], name: String = "t.csv") throws -> LoadedFrame {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-csv-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  let path = dir.appendingPathComponent(name).path
  try bytes.write(to: URL(fileURLWithPath: path))
  var values = extra
  values["path"] = .text(path)
  do {
    return try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values)).load()
  } catch let error as SeismoError {
    // Make messages path-independent for assertions.
    throw SeismoError.invalidInput("\(error)".replacingOccurrences(of: dir.path + "/", with: ""))
  }
}

func loadError(_ text: String, _ extra: [String: ParameterValue] = [:]) -> String {
  do {
    _ = try load(text, extra)
    return "no error"
  } catch {
    return "\(error)"
  }
}

@Suite struct CSVSourceLoadingTests {
  /// The reader tells its observer the bytes read after each mebibyte, and the file's size.
  @Test func readingReportsBytesReadOfTheFilesSize() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("big.csv").path
    let text = "t,x\n" + (0..<250_000).map { "\($0),\($0 % 97).5\n" }.joined()
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    var heard: [ProgressCount] = []
    let table = try CSVSource(paths: [path], timeColumn: "none").readTable { heard.append($0) }
    let size = text.utf8.count
    #expect(table.rowCount == 250_000 && size > 2 << 20)
    #expect(heard == [1 << 20, 2 << 20, size].map { ProgressCount($0, of: size, .bytes) }, "\(heard)")
  }

  @Test func readsDatesAndAllOtherColumns() throws {
    let loaded = try load("date,vix,gold\n2020-01-01,12.5,1500\n2020-01-02,13,1510.25\n")
    let f = loaded.frame
    #expect(f.featureNames == ["vix", "gold"])
    #expect(f.values == [12.5, 1500, 13, 1510.25])
    #expect(f.timestamps == [18_262 * 86_400, 18_263 * 86_400])
    #expect(f.timeKind == .calendar)
    #expect(loaded.rowsRead == 2)
  }

  /// Times written with an offset are read in UTC, and the load says so with the first of them;
  /// times in UTC (`Z`, or none) say nothing.
  @Test func timesWithAnOffsetAreSaidToBeShownInUTC() throws {
    let offset = try load("time,a\n2020-02-03 09:30:00-05:00,1\n2020-02-03 10:30:00-05:00,2\n")
    let halfPastTwo: Timestamp = 18_295 * 86_400 + 14 * 3_600 + 1_800
    #expect(offset.frame.timestamps.first == halfPastTwo)
    #expect(
      offset.logLine.hasSuffix("t.csv; times are shown in UTC: 2020-02-03 09:30:00-05:00 as 2020-02-03 14:30:00"),
      "\(offset.logLine)")
    // Daylight saving: the first time written with another offset is shown too.
    let saving = try load(
      "time,a\n2020-03-06 09:30:00-05:00,1\n2020-03-09 09:30:00-04:00,2\n2020-03-10 09:30:00-04:00,3\r\n")
    #expect(
      saving.logLine.hasSuffix(
        "; times are shown in UTC: 2020-03-06 09:30:00-05:00 as 2020-03-06 14:30:00, 2020-03-09 09:30:00-04:00 as 2020-03-09 13:30:00"
      ), "\(saving.logLine)")
    for utc in ["time,a\n2020-02-03T14:30:00Z,1\n", "time,a\n2020-02-03 14:30:00,1\n"] {
      #expect(!(try load(utc).logLine.contains("UTC")))
    }
  }

  @Test func selectsColumnsByNameWithSpacesAndQuotes() throws {
    let text = "Date,\"VIX Index\",\"Name, with comma\",other\n2020-01-01,1,2,x\n2020-01-02,3,4,y\n"
    let f = try load(text, ["columns": .textList(["Name, with comma", "VIX Index"]), "time_column": .text("Date")]).frame
    #expect(f.featureNames == ["Name, with comma", "VIX Index"])
    #expect(f.values == [2, 1, 4, 3])
  }

  @Test func crlfLineEndingsAndBOM() throws {
    let f = try load("\u{FEFF}date,a\r\n2020-01-01,1\r\n2020-01-02,2\r\n").frame
    #expect(f.featureNames == ["a"])
    #expect(f.values == [1, 2])
  }

  /// Cells with blanks around them, an exponent, or more digits than the fast path reads, are
  /// read as `strtof` reads them, whichever path reads each.
  @Test func numbersWithBlanksExponentsAndManyDigits() throws {
    let cells = [" 1.5 ", "\t-2.25\t", "3e2", "4.5E-3 ", "16777217", "0.1234567890123456789", "1e-40", "+.5\r"]
    let text = "a\n" + cells.map { $0 + "\n" }.joined()
    let f = try load(text, ["time_column": .text("none")]).frame
    let expected = cells.map { cell in cell.withCString { strtof($0, nil) } }
    #expect(f.values.map(\.bitPattern) == expected.map(\.bitPattern))
  }

  @Test func customTimeFormatAndNoTimeColumn() throws {
    let f = try load("day,a\n16/03/2020,1\n17/03/2020,2\n", ["time_column": .text("day"), "time_format": .text("%d/%m/%Y")]).frame
    #expect(f.timestamps == [18_337 * 86_400, 18_338 * 86_400])
    let g = try load("sinewave\n0.5\n0.25\n").frame
    #expect(g.timeKind == .index)
    #expect(g.timestamps == [0, 1])
    #expect(g.featureNames == ["sinewave"])
  }

  @Test func unsortedRowsAreSorted() throws {
    let f = try load("date,a\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n").frame
    #expect(f.values == [1, 2, 3])
  }

  @Test func gapPolicies() throws {
    let text = "date,a,b\n2020-01-01,,1\n2020-01-02,2,\n2020-01-03,3,3\n"
    let filled = try load(text)
    #expect(filled.frame.values == [2, 1, 3, 3])
    #expect(filled.cellsFilled == 1)
    #expect(filled.rowsDropped == 1)
    let dropped = try load(text, ["gaps": .text("drop")])
    #expect(dropped.frame.values == [3, 3])
    #expect(loadError(text, ["gaps": .text("error")]) == "t.csv:2 (column 'a'): empty cell (gaps: error)")
  }

  @Test func tabDelimiter() throws {
    let f = try load("date\ta\n2020-01-01\t1.5\n", ["delimiter": .text("\\t")]).frame
    #expect(f.values == [1.5])
  }

  /// A file read with the wrong separator has a one-column header; its error says which
  /// separator the header holds.
  @Test func aOneColumnHeaderHoldingAnotherSeparatorIsHinted() throws {
    let semicolons = "date;vix\n2020-01-01;10\n"
    #expect(
      loadError(semicolons)
        == "t.csv:2 (column 1 'date;vix'): '2020-01-01;10' is not a number (the header is one column, 'date;vix': for a file separated by ';', set delimiter: ';', and decimal: comma if its numbers are written 12,47)"
    )
    #expect(
      loadError(semicolons, ["columns": .textList(["vix"])]).hasSuffix(
        "unknown column 'vix'; columns are: date;vix (the header is one column, 'date;vix': for a file separated by ';', set delimiter: ';', and decimal: comma if its numbers are written 12,47)"
      ))
    #expect(try load(semicolons, ["delimiter": .text(";")]).frame.values == [10])
    #expect(loadError("date,vix\n2020-01-01,10\n", ["delimiter": .text(";")]).hasSuffix("set delimiter: ',')"))
    #expect(loadError("date\tvix\n2020-01-01\t10\n").hasSuffix("set delimiter: '\\t')"))
    #expect(loadError("date|vix\n2020-01-01|10\n").hasSuffix("set delimiter: '|')"))
    // One real column: no hint.
    #expect(loadError("vix\nabc\n") == "t.csv:2 (column 1 'vix'): 'abc' is not a number")
    // A European spreadsheet's file: separated by ';', its decimal commas split the rows.
    let european = "date;vix\n2020-01-01;12,47\n"
    #expect(
      loadError(european)
        == "t.csv:2: 2 fields, but the header (line 1, 'date;vix') has one: for a file separated by ';', set delimiter: ';', and decimal: comma if its numbers are written 12,47"
    )
    #expect(try load(european, ["delimiter": .text(";"), "decimal": .text("comma")]).frame.values == [12.47])
    #expect(
      loadError("date\tvix\n2020-01-01\t12,47\n").hasSuffix("has one: for a file separated by '\\t', set delimiter: '\\t'"))
  }

  /// A spreadsheet that quotes every field (`"date";"vix"`) read with another separator fails
  /// libcsv's quoting rules on its first line; the error names the separator between the quotes,
  /// whether the file is loaded or only its header read.
  @Test func quotedFieldsSeparatedByAnotherSeparatorAreHinted() throws {
    let quoted = "\"date\";\"vix\"\n\"2020-01-01\";\"12,47\"\n"
    #expect(
      loadError(quoted)
        == "t.csv:1: malformed quoting (a quote inside an unquoted field, text after a closing quote, or an unclosed quote) (its quoted fields are separated by ';': for a file separated by ';', set delimiter: ';', and decimal: comma if its numbers are written 12,47)"
    )
    #expect(try load(quoted, ["delimiter": .text(";"), "decimal": .text("comma")]).frame.values == [12.47])
    #expect(
      loadError("\"date\"\t\"vix\"\n").hasSuffix(
        "(its quoted fields are separated by '\\t': for a file separated by '\\t', set delimiter: '\\t')"))
    // A quote out of place in a file with the right separator: no hint.
    #expect(loadError("date,vix\n2020-01-01,1\"2\n").hasSuffix("or an unclosed quote)"))

    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("q.csv").path
    try quoted.write(toFile: path, atomically: true, encoding: .utf8)
    let source = try CSVSource(paths: [path], spelling: .options)
    #expect(throws: SeismoError.self) { try source.header() }
    do { _ = try source.header() } catch {
      #expect(
        "\(error)".hasSuffix(
          "(its quoted fields are separated by ';': for a file separated by ';', set --delimiter ';', and --decimal comma if its numbers are written 12,47)"
        ))
    }
  }

  /// A file that is not UTF-8 text is named for what it is, before any cell is read.
  @Test func aFileThatIsNotTextIsNamed() throws {
    func error(_ bytes: [UInt8], name: String = "t.csv") -> String {
      do {
        _ = try load(bytes: Data(bytes), name: name)
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    let utf16 = Array("date,vix\n2020-01-01,10\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    #expect(error([0xFF, 0xFE] + utf16).hasPrefix("t.csv: is UTF-16 text (a spreadsheet's \"Unicode text\"), not UTF-8"))
    #expect(error(utf16).hasPrefix("t.csv: holds a NUL byte on line 1: UTF-16 text without a byte-order mark"))
    #expect(error([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], name: "t.xlsx").hasPrefix("t.xlsx: is a zip archive (an Excel .xlsx"))
    #expect(error([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]).contains("is an Excel 97–2003 workbook (.xls)"))
    #expect(error([0x1F, 0x8B, 0x08, 0x00]).hasSuffix("is gzip-compressed: decompress it first (gunzip)"))
    // A UTF-8 byte-order mark is text, and skipped.
    #expect(try load(bytes: Data([0xEF, 0xBB, 0xBF] + Array("date,vix\n2020-01-01,10\n".utf8))).frame.values == [10])
  }

  /// The indicators come from the header alone: rows that would not load do not matter.
  @Test func indicatorNamesReadTheHeaderOnly() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("h.csv").path
    try Data("\u{FEFF}date, a ,b\n2020-01-01,x,\"unclosed\n".utf8).write(to: URL(fileURLWithPath: path))
    #expect(try CSVSource(paths: [path]).indicatorNames() == ["a", "b"])
    #expect(try CSVSource(paths: [path], timeColumn: "none").indicatorNames() == ["date", "a", "b"])
    #expect(try CSVSource(paths: [path], columns: ["b"]).indicatorNames() == ["b"])
    #expect(throws: SeismoError.self) { try CSVSource(paths: [path]).load() }
  }

  @Test func aDecimalCommaIsHinted() {
    #expect(
      loadError("date;vix\n2020-01-01;1,5\n", ["delimiter": .text(";")])
        == "t.csv:2 (column 2 'vix'): '1,5' is not a number (a decimal comma? set decimal: comma, or write 1.5)")
    #expect(loadError("date;vix\n2020-01-01;-1.234,5\n", ["delimiter": .text(";")]).hasSuffix("or write -1234.5)"))
    #expect(loadError("date;vix\n2020-01-01;abc,5\n", ["delimiter": .text(";")]).hasSuffix("is not a number"))
    #expect(loadError("date;vix\n2020-01-01;1,5,6\n", ["delimiter": .text(";")]).hasSuffix("is not a number"))
  }

  /// What spreadsheets export around the data: a trailing separator on every line (a column
  /// without a name) and rows of empty cells at the end are not data.
  @Test func spreadsheetLeftoversAreNotData() throws {
    let trailing = "date,a,b,\n2020-01-01,1,2,\n2020-01-02,3,4, \n"
    let loaded = try load(trailing)
    #expect(loaded.frame.featureNames == ["a", "b"] && loaded.frame.values == [1, 2, 3, 4])
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-trail-\(UUID().uuidString).csv").path
    try Data(trailing.utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(try CSVSource(paths: [path]).indicatorNames() == ["a", "b"], "--each runs the named columns")
    #expect(
      loadError("date,a,b,\n2020-01-01,1,2,\n2020-01-02,3,4,5\n")
        == "t.csv:3 (column 4 ''): '5' is in a column without a name in the header, which is not read; name the column, or remove the value"
    )
    #expect(try load("date,a,b,\n2020-01-01,1,2,9\n", ["columns": .textList(["a"])]).frame.values == [1], "listed columns")
    #expect(
      loadError(",vix\n2020-01-01,12.5\n")
        == "t.csv:2 (column 1 ''): '2020-01-01' is in a first column without a name in the header (an index written by pandas?), which is not read; name it (date, if it holds the times) or drop it"
    )
    #expect(try load(",vix\n,12.5\n,13\n", ["time_column": .text("none")]).frame.values == [12.5, 13], "an empty index")
    let blankRows = try load("date,a,b\n2020-01-01,1,2\n,,\n2020-01-02,3,4\n , ,\n,,,,\n")
    #expect(blankRows.frame.values == [1, 2, 3, 4] && blankRows.rowsRead == 2)
    #expect(
      loadError("date,a,b\n2020-01-01,1,2\n,3,4\n")
        == "t.csv:3 (column 1 'date'): the time cell is empty; every row needs its time")
  }

  /// `decimal: comma` reads European exports: a decimal comma, points between thousands only.
  @Test func aDecimalCommaIsReadWhenAsked() throws {
    let comma: [String: ParameterValue] = ["delimiter": .text(";"), "decimal": .text("comma")]
    let text = "date;vix;gold\n2020-01-01;1,5;1.234,25\n2020-01-02; -12,75 ;2.001.000\n2020-01-03;7;-0,5e1\n"
    #expect(try load(text, comma).frame.values == [1.5, 1234.25, -12.75, 2_001_000, 7, -5])
    // Quoted, a decimal comma also reads in a file separated by commas.
    #expect(try load("date,vix\n2020-01-01,\"1,5\"\n", ["decimal": .text("comma")]).frame.values == [1.5])
    // A point that does not group thousands is refused, never read as 15 or 1.5.
    for (cell, shown) in [("1.5", "1.5"), ("1,2,3", "1,2,3"), ("12.34,5", "12.34,5"), ("1234.567", "1234.567")] {
      #expect(
        loadError("date;vix\n2020-01-01;\(cell)\n", comma)
          == "t.csv:2 (column 2 'vix'): '\(shown)' is not a number with a decimal comma (1234,5 or 1.234,5)")
    }
    #expect(loadError("date;vix\n2020-01-01;1,x\n", comma) == "t.csv:2 (column 2 'vix'): '1,x' is not a number")
    #expect(loadError("date;vix\n2020-01-01;0x1,5\n", comma).hasSuffix("'0x1,5' is not a decimal number"))
  }

  /// `decimal: point_grouped` reads American exports: commas between thousands, a decimal point;
  /// unset, such a cell is refused with the hint.
  @Test func commasGroupingThousandsAreReadWhenAsked() throws {
    let grouped: [String: ParameterValue] = ["decimal": .text("point_grouped")]
    let text = "date,spx,vol\n2020-01-01,\"4,769.83\",\"1,234,567\"\n2020-01-02, -12.5 ,7\n"
    #expect(try load(text, grouped).frame.values == [4769.83, 1_234_567, -12.5, 7])
    for cell in ["1,5", "12,34.5", "1.2.3", "1,2345.6"] {
      #expect(
        loadError("date,spx\n2020-01-01,\"\(cell)\"\n", grouped)
          == "t.csv:2 (column 2 'spx'): '\(cell)' is not a number with a decimal point (1234.5 or 1,234.5)")
    }
    #expect(
      loadError(text)
        == "t.csv:2 (column 2 'spx'): '4,769.83' is not a number (commas grouping thousands? set decimal: point_grouped, or write 4769.83)"
    )
  }

  /// Units beside a number are dropped: a currency sign before or after it (Nasdaq's `$172.62`,
  /// European `1.234,50 €`), a percent sign (Investing.com's `-0.28%`, read as written) and a
  /// magnitude (`2.31B`, read as 2.31e9); parentheses make a number negative, as accounts write
  /// it. A unit alone, or twice, is no number.
  @Test func unitsBesideANumberAreDropped() throws {
    let nasdaq = "Date,Close/Last,Volume\n03/15/2024,$172.62,121136800\n03/14/2024,-$1.5,72913510\n03/13/2024, $ 2 ,3\n"
    let read = try load(nasdaq, ["time_format": .text("%m/%d/%Y")]).frame
    #expect(read.values == [2, 3, -1.5, Float(72_913_510 as Double), 172.62, 121_136_800], "sorted by date")
    let euro = "date,dax,ftse\n2024-03-15,\"1.234,50 €\",£7\n2024-03-16,€-2,\"-¥3,5\"\n"
    #expect(try load(euro, ["decimal": .text("comma")]).frame.values == [1234.5, 7, -2, -3.5])
    #expect(try load("date,a\n2024-03-15,+$4\n2024-03-16,5$\n").frame.values == [4, 5])
    // Investing.com: a date with a month's name, thousands grouped, a volume's magnitude, a change in percent.
    let investing = """
      "Date","Price","Vol.","Change %"
      "Dec 29, 2023","4,769.83","2.31B","-0.28%"
      "Dec 28, 2023","4,783.35","850.5K","0.04%"
      "Dec 27, 2023","4,781.58","1.2M","+0.14%"

      """
    let spx = try load(investing, ["time_format": .text("%b %d, %Y"), "decimal": .text("point_grouped")]).frame
    #expect(spx.featureNames == ["Price", "Vol.", "Change %"])
    #expect(spx.values == [4781.58, 1.2e6, 0.14, 4783.35, 850_500, 0.04, 4769.83, 2.31e9, -0.28])
    #expect(try load("date,m\n2024-03-15,$1.5T\n2024-03-16,3k\n").frame.values == [1.5e12, 3000])
    // A typeset export's minus sign (U+2212), before the number or its currency sign.
    #expect(try load("date,p\n2024-03-15,\u{2212}1.5\n2024-03-16,\u{2212}$2\n").frame.values == [-1.5, -2])
    // Accounts write a negative number in parentheses.
    #expect(try load("date,p\n2024-03-15,(1.50)\n2024-03-16,($2)\n2024-03-17,(2.5%)\n").frame.values == [-1.5, -2, -2.5])
    // In double precision too, as ingest reads, rounded once: 2.31B is 2310000000 exactly.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-units-\(UUID().uuidString).csv")
    try Data("date,a,v\n2024-03-15,$172.62,2.31B\n".utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    #expect(try CSVSource(paths: [file.path]).readTableInDoubles().values == [172.62, 2_310_000_000])
    for cell in [
      "$", "$$1", "1$2", "$1 €", "US$1", "(-1.50)", "()", "(1", "%", "5%%", "1.5MB", "B", "1e5K", "K5", "\u{2212}", "\u{2212}-1",
    ] {
      #expect(
        loadError("date,a\n2024-03-15,\"\(cell)\"\n") == "t.csv:2 (column 2 'a'): '\(cell)' is not a number", "\(cell)")
    }
  }

  /// A title or notes above the header are skipped with `skip_lines`; lines keep their numbers
  /// in errors. Without it, a one-column header above wider rows says so, with the count.
  @Test func linesAboveTheHeaderAreSkippedWhenAsked() throws {
    let titled = "S&P 500 Historical Data\n\ndate,a,b\n2020-01-01,1,2\n2020-01-02,3,4\n"
    #expect(
      loadError(titled)
        == "t.csv:3: 3 fields, but the header (line 1, 'S&P 500 Historical Data') has one: a title or notes above the table? skip_lines: 2 starts reading at line 3"
    )
    let read = try load(titled, ["skip_lines": .text("2")]).frame
    #expect(read.featureNames == ["a", "b"] && read.values == [1, 2, 3, 4])
    #expect(
      loadError(titled + "2020-01-03,x,5\n", ["skip_lines": .text("2")]) == "t.csv:6 (column 2 'a'): 'x' is not a number",
      "the physical line")
    #expect(
      loadError(titled, ["skip_lines": .text("2"), "columns": .textList(["c"])])
        == "t.csv:3: unknown column 'c'; columns are: date, a, b", "the header's physical line")
    // Skipped lines are not parsed: a quote there does not matter.
    #expect(try load("# \"notes\n" + titled.dropFirst(24), ["skip_lines": .text("1")]).frame.values == [1, 2, 3, 4])
    #expect(
      loadError(titled, ["skip_lines": .text("x")]) == "source.skip_lines: expected a count of lines, 0 or more, got 'x'")
    // A file of one column is no title.
    #expect(try load("date,a\n2020-01-01,1\n").frame.values == [1])
  }

  /// A source or notes below the data are skipped with `skip_footer`, blank lines aside (after
  /// and among them); without it, a time cell that is none on one of the last lines, after
  /// times that were, gets the count that skips them. Skipped lines are not parsed.
  @Test func linesBelowTheDataAreSkippedWhenAsked() throws {
    let data = "date,a,b\n2020-01-01,1,2\n2020-01-02,3,4\n"
    let noted = data + "\nSource: Bloomberg, \"2024\n\n Downloaded 2024-01-01 \r\n\n"
    #expect(
      loadError(noted)
        == "t.csv:5 (column 1 'date'): 'Source: Bloomberg' is not an ISO date (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) (a note below the data? skip_footer: 2 skips the file's last 2 lines)"
    )
    for (footer, lines) in [(noted, "2"), (data + "Total,4,6", "1"), (data, "0")] {
      let read = try load(footer, ["skip_footer": .text(lines)])
      #expect(read.frame.values == [1, 2, 3, 4] && read.rowsRead == 2, "\(lines)")
    }
    // One line too few skipped: the hint counts the lines from the bad one to the end, skipped ones too.
    #expect(
      loadError(noted, ["skip_footer": .text("1")]).hasSuffix(
        "(a note below the data? skip_footer: 2 skips the file's last 2 lines)"))
    // A bad time among many later rows, or before any good one, is no footer.
    #expect(!loadError(data + "x,1,2\n" + data.dropFirst(9)).contains("skip_footer"))
    #expect(!loadError("date,a\nx,1\n2020-01-01,2\n").contains("skip_footer"))
    #expect(loadError(noted, ["skip_footer": .text("4")]) == "t.csv: has a header but no data rows")
    #expect(loadError(noted, ["skip_footer": .text("9")]) == "t.csv: the file is empty")
    #expect(
      loadError(noted, ["skip_footer": .text("-1")]) == "source.skip_footer: expected a count of lines, 0 or more, got '-1'")
    // Ingest's double-precision read and a stream skip them too, and each file of several its own.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-footer-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let (file, plain) = (folder.appendingPathComponent("noted.csv"), folder.appendingPathComponent("plain.csv"))
    try Data(noted.utf8).write(to: file)
    try Data("date,c\n2020-01-01,5\n2020-01-02,6\n".utf8).write(to: plain)
    #expect(try CSVSource(paths: [file.path], skipFooter: 2).readTableInDoubles().values == [1, 2, 3, 4])
    var streamed: [Float] = []
    try CSVSource(paths: [file.path], skipFooter: 2).stream(rows: 1) { streamed += $0.frame.values }
    #expect(streamed == [1, 2, 3, 4])
    let parameters = Parameters(
      specs: CSVSource.descriptor.parameters,
      values: ["path": .textList([file.path, plain.path]), "skip_footer": .textList(["2", "0"])])
    #expect(try CSVSource(parameters: parameters).load().frame.values == [1, 2, 5, 3, 4, 6])
  }

  @Test func theDelimiterIsOneCharacterThatIsNotAQuoteOrALineBreak() throws {
    for bad in [";;", "", "\"", "\n", "\r", "é"] {
      #expect(
        loadError("date,a\n2020-01-01,1\n", ["delimiter": .text(bad)]).contains("source.delimiter: expected one character"),
        "\(bad)")
    }
    #expect(CSVSource.delimiterByte("\\t") == 9 && CSVSource.delimiterByte("|") == UInt8(ascii: "|"))
  }

  /// The shared datasets beside the repository (not shipped: no redistribution licence).
  static let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../shared/data").standardizedFileURL.path

  @Test(
    "the shared weekly market files load (skipped without ../shared/data beside the repository)",
    .enabled(if: FileManager.default.fileExists(atPath: sharedData + "/financial_market_weekly_all.csv")))
  func sharedWeeklyFilesLoad() throws {
    let root = Self.sharedData
    let params = { (file: String) in
      Parameters(specs: CSVSource.descriptor.parameters, values: ["path": .text(root + "/" + file)])
    }
    let all = try CSVSource(parameters: params("financial_market_weekly_all.csv")).load()
    #expect(all.frame.featureCount == 57)
    #expect(all.rowsRead == 1148)
    #expect(all.frame.featureNames.contains("VIX Index"))
    let four = try CSVSource(parameters: params("market_weekly_4.csv")).load()
    #expect(four.frame.featureNames == ["vix", "nasdaq_futures", "treasury_30y", "gold_futures"])
    #expect(four.frame.rowCount == 1140, "the 8 leading rows without Nasdaq futures are dropped by ffill")
  }
}

@Suite struct CSVSourceErrorTests {
  @Test func missingFileAndEmptyFile() throws {
    let params = Parameters(specs: CSVSource.descriptor.parameters, values: ["path": .text("/nonexistent/x.csv")])
    #expect(throws: SeismoError.file(path: "/nonexistent/x.csv", message: "no such file")) {
      try CSVSource(parameters: params).load()
    }
    #expect(loadError("") == "t.csv: the file is empty")
    #expect(loadError("date,a\n") == "t.csv: has a header but no data rows")
  }

  @Test func aColumnNamedTwiceIsRefusedInTheHeader() throws {
    #expect(loadError("date,a,a\n2020-01-01,1,2\n") == "t.csv:1: column 'a' appears 2 times in the header")
    // readTable (what ingest reads, with the gaps it keeps, never building a Frame) refuses it too.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-dup-\(UUID().uuidString).csv").path
    try Data("date,a,a\n2020-01-01,,2\n".utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: SeismoError.self) { try CSVSource(paths: [path], gaps: .keep).readTable() }
    try Data("date,a,b\n2020-01-01,,2\n".utf8).write(to: URL(fileURLWithPath: path))
    #expect(try CSVSource(paths: [path], gaps: .keep).readTable().values[0].isNaN, "a clean header keeps its gap")
  }

  /// `readTableInDoubles` (what ingest reads) keeps the digits a Float would round away,
  /// through sorting, duplicates merged by mean and forward-filled gaps.
  @Test func readTableInDoublesKeepsEveryDigit() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-dbl-\(UUID().uuidString).csv").path
    try Data("date,a\n2020-01-03,\n2020-01-02,1234567891\n2020-01-01,0.1\n2020-01-01,0.2\n".utf8)
      .write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let source = try CSVSource(
      parameters: Parameters(
        specs: CSVSource.descriptor.parameters, values: ["path": .text(path), "duplicates": .text("mean")]))
    #expect(try source.readTableInDoubles().values == [(0.1 + 0.2) / 2, 1_234_567_891, 1_234_567_891])
    #expect(try source.readTable().values == [Float((0.1 + 0.2) / 2), 1_234_567_936, 1_234_567_936])
  }

  @Test func unknownColumnSuggestsAndLists() {
    #expect(
      loadError("date,vix,gold\n2020-01-01,1,2\n", ["columns": .textList(["vixx"])])
        == "t.csv:1: unknown column 'vixx' (did you mean 'vix'?); columns are: date, vix, gold")
    #expect(
      loadError("date,vix\n2020-01-01,1\n", ["time_column": .text("when")])
        == "t.csv:1: unknown time column 'when'; columns are: date, vix")
    // A name one edit from another wanted column, or a one-letter name one edit from anything, is
    // not a typo to suggest; a difference in case is.
    #expect(
      loadError("date,a,c\n2020-01-01,1,2\n", ["columns": .textList(["a", "b"])])
        == "t.csv:1: unknown column 'b'; columns are: date, a, c")
    #expect(
      loadError("date,vix,vox\n2020-01-01,1,2\n", ["columns": .textList(["vix", "vux"])])
        == "t.csv:1: unknown column 'vux' (did you mean 'vox'?); columns are: date, vix, vox")
    // Known names joined by commas are a list written as one name (`--set source.columns=a,b`).
    #expect(
      loadError("date,vix,gold\n2020-01-01,1,2\n", ["columns": .textList(["vix, gold"])])
        == "t.csv:1: unknown column 'vix, gold' (a list? write it [vix, gold]); columns are: date, vix, gold")
    // And files: a path of names joined by commas, with a bracket or without.
    for path in ["nowhere/a.csv,b.csv", "nowhere/[a.csv, b.csv"] {
      #expect(throws: SeismoError.file(path: path, message: "no such file (a list of files? write it [a.csv, b.csv])")) {
        try CSVSource(paths: [path]).load()
      }
    }
    #expect(throws: SeismoError.file(path: "nowhere/a.csv", message: "no such file")) {
      try CSVSource(paths: ["nowhere/a.csv"]).load()
    }
    // So are they with a bracket left open (`--set 'source.columns=[vix, gold'`).
    #expect(
      loadError("date,vix,gold\n2020-01-01,1,2\n", ["columns": .textList(["[vix, gold"])])
        == "t.csv:1: unknown column '[vix, gold' (a list? write it [vix, gold]); columns are: date, vix, gold")
    #expect(
      loadError("date,vix,gold\n2020-01-01,1,2\n", ["columns": .textList(["vix,oil"])])
        == "t.csv:1: unknown column 'vix,oil'; columns are: date, vix, gold")
    #expect(
      loadError("date,A\n2020-01-01,1\n", ["columns": .textList(["a"])])
        == "t.csv:1: unknown column 'a' (did you mean 'A'?); columns are: date, A")
  }

  /// `ts` (the time column of the tables `seismo ingest` writes) is found as the time column; a
  /// time under a name auto does not look for says so, and which setting reads it.
  @Test func aTimeColumnIsFoundByNameOrNamedInTheError() throws {
    let exported = try load("ts,a\n2020-03-16 09:30:00,1\n2020-03-16 09:31:00,2\n")
    #expect(exported.frame.featureNames == ["a"] && exported.frame.timestamps == [1_584_351_000, 1_584_351_060])
    #expect(
      loadError("when,a\n2020-03-16,1\n")
        == "t.csv:2 (column 1 'when'): '2020-03-16' is not a number (a time? time_column auto looks for a column named date, timestamp, time, datetime, ts, datum or fecha, or with one of those words in its name; name this one with time_column: when)"
    )
    // A time in another format gets the time_format that reads it too.
    #expect(
      loadError("Tag;Schluss\n16.03.2020;1\n", ["delimiter": .text(";")])
        == "t.csv:2 (column 1 'Tag'): '16.03.2020' is not a number (a time? time_column auto looks for a column named date, timestamp, time, datetime, ts, datum or fecha, or with one of those words in its name; name this one with time_column: Tag, and set time_format: '%d.%m.%Y' to read it)"
    )
    #expect(loadError("Tag,a\nx1,1\n") == "t.csv:2 (column 1 'Tag'): 'x1' is not a number", "no time, no hint")
    // A German export's Datum and a Spanish one's Fecha are time columns by name.
    let german = try load(
      "Datum;Schluss\n16.03.2020;1,5\n", ["delimiter": .text(";"), "decimal": .text("comma"), "time_format": .text("%d.%m.%Y")])
    #expect(
      german.frame.featureNames == ["Schluss"] && german.frame.timestamps == [1_584_316_800] && german.frame.values == [1.5])
    #expect(
      loadError("Datum;Schluss\n16.03.2020;1\n", ["delimiter": .text(";")])
        == "t.csv:2 (column 1 'Datum'): '16.03.2020' is not an ISO date (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) (set time_format: '%d.%m.%Y' to read it)"
    )
    #expect(try load("Fecha,Cierre\n2020-03-16,1\n").frame.featureNames == ["Cierre"])
    // A number that is not one, where a time column was found, is no time.
    #expect(loadError("date,a\n2020-03-16,x1\n") == "t.csv:2 (column 2 'a'): 'x1' is not a number")
    #expect(
      loadError("date,a\n2020-03-16,2020-03-17\n") == "t.csv:2 (column 2 'a'): '2020-03-17' is not a number")
    // The day in one column and the time of day in another, as MetaTrader exports them.
    for cell in ["09:30", "9:30", "09:30:15", "09:30:15.250", "9:30 PM"] {
      #expect(
        loadError("Date,Time,Close\n2020-01-02,\(cell),1.1\n")
          == "t.csv:2 (column 2 'Time'): '\(cell)' is not a number (a time of day? time_of_day_column: Time adds it to the days of 'Date')"
      )
    }
    for cell in ["12:5", "9:30:1", "a:30", "930:00", "24:00", "09:60"] {
      #expect(loadError("Date,Time\n2020-01-02,\(cell)\n") == "t.csv:2 (column 2 'Time'): '\(cell)' is not a number", "\(cell)")
    }
  }

  /// `time_of_day_column` adds a column of times of day to the time column's days (MetaTrader's
  /// `Date,Time`): worked by hand, with the errors of a wrong or empty cell, a wrong name and a
  /// time column that numbers the rows.
  @Test func aTimeOfDayColumnIsAddedToTheDays() throws {
    let text = "Date,Time,Close\n2020-01-02,09:30,1.1\n2020-01-02,9:31:15,1.2\n2020-01-03,00:00,1.3\n"
    let loaded = try load(text, ["time_of_day_column": .text("Time")])
    // 2020-01-02 is 1,577,923,200 s after 1970.
    #expect(loaded.frame.timestamps == [1_577_923_200 + 34_200, 1_577_923_200 + 34_275, 1_578_009_600])
    #expect(loaded.frame.featureNames == ["Close"] && loaded.frame.values == [1.1, 1.2, 1.3])
    // With a day-first date format, and in another column order.
    let dayFirst = try load(
      "Time;Close;Date\n09:30;1.1;02/01/2020\n",
      [
        "time_of_day_column": .text("Time"), "time_format": .text("%d/%m/%Y"), "delimiter": .text(";"),
        "time_column": .text("Date"),
      ])
    #expect(dayFirst.frame.timestamps == [1_577_923_200 + 34_200])
    let time = ["time_of_day_column": ParameterValue.text("Time")]
    #expect(
      loadError("Date,Time,Close\n2020-01-02,25:00,1.1\n", time)
        == "t.csv:2 (column 2 'Time'): '25:00' is not a time of day (HH:MM or HH:MM:SS, 00:00 to 23:59:59; or 1:00 to 12:59 with AM or PM)"
    )
    // A 12-hour clock: 12 AM is midnight, 12 PM noon; any case, with a space or without.
    let twelveHour = try load(
      "Date,Time,Close\n2020-01-02,12:05 AM,1\n2020-01-02,9:30 am,2\n2020-01-02,12:00 PM,3\n2020-01-02,9:30:15PM,4\n",
      time)
    #expect(twelveHour.frame.timestamps == [300, 34_200, 43_200, 77_415].map { 1_577_923_200 + $0 })
    for cell in ["13:00 PM", "0:30 AM", "9:30 XM", "9:30 A", "9:30  PM", "9:30 AMX"] {
      #expect(
        loadError("Date,Time,Close\n2020-01-02,\(cell),1.1\n", time).hasSuffix(
          "'\(cell)' is not a time of day (HH:MM or HH:MM:SS, 00:00 to 23:59:59; or 1:00 to 12:59 with AM or PM)"), "\(cell)")
    }
    #expect(
      loadError("Date,Time,Close\n2020-01-02,,1.1\n", time)
        == "t.csv:2 (column 2 'Time'): the time of day is empty; every row needs one (time_of_day_column)")
    #expect(
      loadError("Date,Tim,Close\n2020-01-02,09:30,1.1\n", time)
        == "t.csv:1: unknown time-of-day column 'Time' (did you mean 'Tim'?) (time_of_day_column); columns are: Date, Tim, Close")
    #expect(
      loadError("Date,Time,Close\n2020-01-02,09:30,1.1\n", ["time_of_day_column": .text("Date")])
        == "t.csv:1: column 'Date' is the time column; the time-of-day column is another, beside it")
    #expect(
      loadError("Date,Time,Close\n2020-01-02,09:30,1.1\n", ["time_of_day_column": .text("Time"), "columns": .textList(["Time"])])
        == "t.csv:1: column 'Time' is the time-of-day column; it cannot also be a feature")
    #expect(
      loadError("Date,Time,Close\n2020-01-02,09:30,1.1\n", ["time_of_day_column": .text("Time"), "time_column": .text("none")])
        == "source.time_of_day_column: 'Time' adds times of day to the time column's days, and time_column none numbers the rows; name the column of days"
    )
  }

  /// Without a column named for time, auto takes the first with a time word in its name (an
  /// exchange's `open_time`, a vendor's `Date (UTC)`, `tradeDate`); without one, the rows are
  /// numbered and a warning says so, unless time_column: none asked for it.
  @Test func aTimeWordInAColumnsNameMakesItTheTimeColumn() throws {
    #expect(ColumnRequest.words(of: "Date (UTC)") == ["date", "utc"])
    #expect(
      ColumnRequest.words(of: "tradeDate") == ["trade", "date"] && ColumnRequest.words(of: "OPEN_TIME") == ["open", "time"])
    #expect(ColumnRequest.words(of: "update") == ["update"])
    for header in ["open_time", "Date (UTC)", "tradeDate", "ts_event", "observation_date"] {
      let loaded = try load("price,\(header.contains(" ") ? "\"\(header)\"" : header)\n1,2020-03-16\n2,2020-03-17\n")
      #expect(
        loaded.frame.featureNames == ["price"] && loaded.frame.timestamps == [18_337 * 86_400, 18_338 * 86_400], "\(header)")
      #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
    }
    // A column named for time comes first, wherever it is; `update` is no time word.
    #expect(try load("open_time,date,a\n5,2020-03-16,1\n").frame.featureNames == ["open_time", "a"])
    let untimed = try load("update,a\n5,1\n6,2\n")
    #expect(untimed.frame.timeKind == .index && untimed.frame.featureNames == ["update", "a"])
    #expect(
      untimed.warnings
        == [
          "warning: t.csv has no time column (time_column auto looks for a column named date, timestamp, time, datetime, ts, datum or fecha, or with one of those words in its name), so its rows are numbered 0, 1, 2, …; name its time column with time_column, or set time_column: none if its rows have no time"
        ].map { $0.replacingOccurrences(of: "t.csv", with: untimed.origin) })
    #expect(try load("update,a\n5,1\n6,2\n", ["time_column": .text("none")]).warnings.isEmpty)
    // Taken by its name, a column of other numbers is refused, saying how it was taken.
    #expect(
      loadError("time_to_maturity,a\n3.5,1\n")
        == "t.csv:2 (column 1 'time_to_maturity'): '3.5' is not an ISO date (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) (time_column auto took 'time_to_maturity' for the time column, by its name; name the right one with time_column, or set none to number the rows)"
    )
  }

  /// A time format with no column to read it from is refused, not ignored: the rows would be
  /// numbered and every date check skipped.
  @Test func aTimeFormatNeedsATimeColumn() {
    let format: [String: ParameterValue] = ["time_format": .text("%d/%m/%Y")]
    #expect(
      loadError("day,a\n16/03/2020,1\n", format)
        == "t.csv:1: time_format '%d/%m/%Y' is set but no column is read as time (time_column auto looks for a column named date, timestamp, time, datetime, ts, datum or fecha, or with one of those words in its name); name it with time_column"
    )
    #expect(
      loadError("a\n1\n", format.merging(["time_column": .text("none")]) { $1 })
        == "source.time_format: not read here: time_column none numbers the rows")
    #expect(loadError("a\n1\n", ["time_column": .text("none")]) == "no error")
    #expect(
      loadError("day,a\n16/03/2020,1\n", ["time_column": .text("day"), "time_format": .text("%d/%m/%J")])
        == "source.time_format: '%d/%m/%J': %J is not a directive it knows; known: %Y %y %m %d %H %I %M %S %p %b %B %s %Q %%")
    let epoch = try? load("ts,a\n1584316800,1\n1584403200.5,2\n", ["time_column": .text("ts"), "time_format": .text("%s")])
    #expect(epoch?.frame.timestamps == [18_337 * 86_400, 18_338 * 86_400], "epoch seconds")
    // Excel serial days, as a date column formatted as a number exports.
    let excel = try? load("date,a\n43831,1\n43832.5,2\n", ["time_format": .text("excel")])
    #expect(excel?.frame.timestamps == [18_262 * 86_400, 18_263 * 86_400 + 43_200], "Excel serial days")
    // Milliseconds, as exchanges export klines: read with %Q, and named when read as ISO or %s.
    let klines = "ts,a\n1584316800000,1\n1584316860000,2\n"
    let minutes = try? load(klines, ["time_column": .text("ts"), "time_format": .text("%Q")])
    #expect(minutes?.frame.timestamps == [18_337 * 86_400, 18_337 * 86_400 + 60], "epoch milliseconds")
    #expect(
      loadError(klines, ["time_column": .text("ts")])
        == "t.csv:2 (column 1 'ts'): '1584316800000' is not an ISO date (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) (set time_format: '%Q' to read it)"
    )
    #expect(
      loadError(klines, ["time_column": .text("ts"), "time_format": .text("%s")])
        == "t.csv:2 (column 1 'ts'): '1584316800000' is not a date in the format '%s' (milliseconds since 1970? set time_format: '%Q')"
    )
  }

  @Test func nonNumericCellNamesLineAndColumn() {
    #expect(
      loadError("date,vix,gold\n2020-01-01,1,2\n2020-01-02,abc,3\n")
        == "t.csv:3 (column 2 'vix'): 'abc' is not a number")
    #expect(loadError("date,a\n2020-01-01,1.5x\n") == "t.csv:2 (column 2 'a'): '1.5x' is not a number")
  }

  @Test func nanAndInfinityAreRejected() throws {
    for bad in ["nan", "NaN", "inf", "-Infinity"] {
      #expect(
        loadError("date,a\n2020-01-01,\(bad)\n").hasPrefix("t.csv:2 (column 2 'a'): '\(bad)' is not a finite number"))
    }
    // Digits beyond a Float's range are a number too large, not a mark for a missing value.
    for big in ["1e999", "-4e38", "999999999999999999999999999999999999999"] {
      #expect(
        loadError("date,a\n2020-01-01,\(big)\n")
          == "t.csv:2 (column 2 'a'): '\(big)' is beyond the largest number a 32-bit float holds (±3.4e+38): rescale the column (in thousands, say)"
      )
    }
    #expect(try load("date,a\n2020-01-01,3e38\n").frame.values == [3e38])
    // Digits nearer 0 than a Float holds would read as 0; written zeros stay 0.
    for tiny in ["1e-50", "-1.5E-46"] {
      #expect(
        loadError("date,a\n2020-01-01,\(tiny)\n")
          == "t.csv:2 (column 2 'a'): '\(tiny)' is nearer 0 than the smallest number a 32-bit float holds (1.4e-45), and would read as 0: rescale the column (in millionths, say)"
      )
    }
    #expect(try load("date,a,b,c\n2020-01-01,0,-0.000,0e-99\n").frame.values == [0, 0, 0])
    #expect(try load("date,a\n2020-01-01,1e-40\n").frame.values == [Float("1e-40")!], "a subnormal Float is kept")
    #expect(
      loadError("date,a\n2020-01-01,NaN\n").hasSuffix(
        "leave the cell empty for a gap, or set missing: ['NaN'] to read such cells as gaps)"))
  }

  /// A month without values inside a column is named: it is flat there under ffill, and its
  /// first value after may be flagged for the jump.
  @Test func aHoleInsideAColumnIsNamed() throws {
    var text = "date,a,b\n"
    for d in 0..<40 {
      let date = CivilTime.format(Timestamp(18_262 + d) * 86_400)
      text += "\(date),\(d),\((5..<25).contains(d) ? "" : String(d))\n"
    }
    let loaded = try load(text)
    #expect(
      loaded.holes == [GapPolicy.Hole(feature: 1, rows: 20, after: 18_266 * 86_400, from: 18_267 * 86_400, to: 18_286 * 86_400)])
    #expect(
      loaded.warnings == [
        "warning: b has no value from 2020-01-06 to 2020-01-25: gaps: ffill carries its value of 2020-01-05 over 20 rows, where its data has a hole; it is flat there, and its first value after may look like a jump"
      ])
    #expect(loaded.selecting(features: [1]).holes.first?.feature == 0)
  }

  /// A column without a single value leaves no row under ffill or drop: the error names it.
  @Test func aColumnWithoutAValueIsNamed() throws {
    let text = "date,a,b,c\n2020-01-01,1,,\n2020-01-02,2,,\n"
    #expect(loadError(text) == "t.csv: no rows left after the gap policy 'ffill': features 'b', 'c' have no value in any row")
    #expect(
      loadError(text, ["columns": .textList(["a", "b"]), "gaps": .text("drop")])
        == "t.csv: no rows left after the gap policy 'drop': feature 'b' has no value in any row")
    #expect(
      loadError("date,a,b\n2020-01-01,1,\n2020-01-02,,2\n", ["gaps": .text("drop")])
        == "t.csv: no rows left after the gap policy 'drop' (every row has an empty selected cell)")
  }

  /// `missing` reads marks of a missing value (FRED's `.`, Yahoo's `null`) as empty cells, which
  /// the gap policy then handles; without it they are errors that name the setting.
  @Test func missingMarksAreGapsWhenListed() throws {
    let text = "date,a,b\n2020-01-01,1,10\n2020-01-02, . ,null\n2020-01-03,3,NaN\n2020-01-04,NA,40\n"
    let marks: ParameterValue = .textList([".", "null", "NaN", "NA"])
    let filled = try load(text, ["missing": marks])
    #expect(filled.frame.values == [1, 10, 1, 10, 3, 10, 3, 40] && filled.cellsFilled == 4)
    let dropped = try load(text, ["missing": marks, "gaps": .text("drop")]).frame
    #expect(dropped.timestamps == [18_262 * 86_400] && dropped.values == [1, 10])
    #expect(
      loadError(text, ["missing": marks, "gaps": .text("error")]) == "t.csv:3 (column 'a'): empty cell (gaps: error)")
    // A mark is the whole cell: `.5` and `1.` are numbers, `..` is not a mark.
    #expect(try load("date,a\n2020-01-01,.5\n2020-01-02,1.\n", ["missing": .textList(["."])]).frame.values == [0.5, 1])
    #expect(loadError("date,a\n2020-01-01,..\n", ["missing": .textList(["."])]) == "t.csv:2 (column 2 'a'): '..' is not a number")
    // Unlisted, a common mark is an error naming the setting; other words only fail.
    #expect(
      loadError(text)
        == "t.csv:3 (column 2 'a'): '.' is not a number (a mark for a missing value? set missing: ['.'] to read such cells as gaps)"
    )
    #expect(
      loadError("date,a\n2020-01-01,#N/A\n").hasSuffix("set missing: ['#N/A'] to read such cells as gaps)"))
    #expect(loadError("date,a\n2020-01-01,abc\n") == "t.csv:2 (column 2 'a'): 'abc' is not a number")
    #expect(
      loadError("date,a\n2020-01-01,1\n", ["missing": .textList([" "])]).hasPrefix(
        "source.missing: an empty cell is a gap already"))
    // With a decimal comma, in double precision (ingest), and streamed.
    #expect(
      try load("date,a\n2020-01-01,\"1,5\"\n2020-01-02,.\n", ["missing": .textList(["."]), "decimal": .text("comma")]).frame
        .values == [1.5, 1.5])
  }

  /// Ingest's double-precision read and a stream read marks as `load` does.
  @Test func missingMarksAreGapsInDoublesAndStreams() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-missing-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: file) }
    try Data("date,a\n2020-01-01,1.25\n2020-01-02,.\n2020-01-03,3\n".utf8).write(to: file)
    let kept = try CSVSource(paths: [file.path], missing: ["."], gaps: .keep).readTableInDoubles()
    #expect(kept.values[0] == 1.25 && kept.values[1].isNaN && kept.values[2] == 3)
    var streamed: [Float] = []
    try CSVSource(paths: [file.path], missing: ["."]).stream(rows: 1) { streamed += $0.frame.values }
    #expect(streamed == [1.25, 1.25, 3])
  }

  @Test func badDatesAndDuplicates() {
    #expect(
      loadError("date,a\n2020-01-01,1\n2020-02-30,2\n")
        == "t.csv:3 (column 1 'date'): '2020-02-30' is not an ISO date (YYYY-MM-DD[ HH:MM:SS][±HH:MM])")
    #expect(
      loadError("date,a\n2020-01-01,1\n2020-01-02,2\n2020-01-01,3\n")
        == "t.csv:4: duplicate timestamp 2020-01-01 (also on line 2); set duplicates: first, last or mean to merge")
    // Ticks a fraction of a second apart share a second: the error says why, naming the file's
    // first time with a fraction (a fraction of zero, or none, says nothing of it).
    #expect(
      loadError(
        "time,a\n2020-01-01T09:30:00.000Z,1\n2020-01-01T09:30:00.750Z,2\n2020-01-01T09:30:01.250Z,3\n2020-01-01T09:30:01.500Z,4\n"
      )
        == "t.csv:3: duplicate timestamp 2020-01-01 09:30:00 (also on line 2) (times are kept to the second, and this file's have fractions, which are dropped: '2020-01-01T09:30:00.750Z' reads as 2020-01-01 09:30:00); set duplicates: first, last or mean to merge the rows of each second (mean: one bar a second)"
    )
    #expect(
      loadError("time,a\n2020-01-01 09:30:00.000,1\n2020-01-01 09:30:00.000,2\n")
        == "t.csv:3: duplicate timestamp 2020-01-01 09:30:00 (also on line 2); set duplicates: first, last or mean to merge")
  }

  @Test func duplicatePoliciesMergeRepeatedTimestamps() throws {
    // The repeated hour of a daylight-saving change, out of order, with an empty cell.
    let text =
      "timestamp,a,b\n2014-03-09 01:00:00,1,10\n2014-03-09 02:00:00,2,\n2014-03-09 02:00:00,4,40\n"
      + "2014-03-09 03:00:00,5,50\n2014-03-09 00:00:00,0,0\n"
    let first = try load(text, ["duplicates": .text("first")])
    #expect(first.frame.rowCount == 4)
    #expect(first.duplicateRowsMerged == 1 && first.sortedByTime)
    #expect(first.frame.column(0) == [0, 1, 2, 5])
    #expect(first.frame.column(1) == [0, 10, 10, 50], "the kept row's empty cell is then forward-filled")
    let last = try load(text, ["duplicates": .text("last")])
    #expect(last.frame.column(0) == [0, 1, 4, 5] && last.frame.column(1) == [0, 10, 40, 50])
    let mean = try load(text, ["duplicates": .text("mean")])
    #expect(mean.frame.column(0) == [0, 1, 3, 5])
    #expect(mean.frame.column(1) == [0, 10, 40, 50], "the mean of the group's non-empty cells")
    let ordered = try load("date,a\n2020-01-01,1\n2020-01-02,2\n")
    #expect(!ordered.sortedByTime && ordered.duplicateRowsMerged == 0)
  }

  @Test func raggedRowsAndBadQuoting() {
    #expect(loadError("date,a,b\n2020-01-01,1,2\n2020-01-02,3\n") == "t.csv:3: 2 fields, but the header has 3")
    #expect(loadError("date,a\n2020-01-01,\"1\"x\n").hasPrefix("t.csv:2: malformed quoting"))
    #expect(loadError("date,a\n2020-01-01,\"1\n").hasPrefix("t.csv:2: malformed quoting"))
  }

  @Test func quotedFieldSpanningLinesKeepsLineNumbersRight() {
    let text = "date,note,a\n2020-01-01,\"two\nlines\",1\n2020-01-02,x,oops\n"
    #expect(loadError(text, ["columns": .textList(["a"])]) == "t.csv:4 (column 3 'a'): 'oops' is not a number")
  }
}

/// Wide headers load in time linear in their width, and a runaway header is refused (issue 11,
/// item 10). In a debug build the old quadratic lookup took minutes on 20,000 columns.
@Suite struct WideHeaderTests {
  @Test func twentyThousandColumnsLoadAndSelectByName() throws {
    let n = 20_000
    let names = (0..<n).map { "c\($0)" }
    let row = (0..<n).map { String($0 % 7) }.joined(separator: ",")
    let text = "date," + names.joined(separator: ",") + "\n2020-01-01," + row + "\n2020-01-02," + row + "\n"
    let all = try load(text)
    #expect(all.frame.featureCount == n && all.frame.featureNames.last == "c19999")
    let picked = try load(text, ["columns": .textList(["c19999", "c3"])])
    #expect(picked.frame.featureNames == ["c19999", "c3"] && picked.frame.values == [0, 3, 0, 3])
    #expect(
      loadError(text.replacingOccurrences(of: ",c5,", with: ",c4,"), ["columns": .textList(["c4"])])
        == "t.csv:1: column 'c4' appears 2 times in the header")
  }

  @Test func hexadecimalFloatsAreRefused() {
    #expect(loadError("date,a\n2020-01-01,0x1p3\n") == "t.csv:2 (column 2 'a'): '0x1p3' is not a decimal number")
    #expect(loadError("date,a\n2020-01-01, -0X10\n") == "t.csv:2 (column 2 'a'): '-0X10' is not a decimal number")
  }

  @Test func aHeaderWiderThanTheCapIsRefused() {
    let header = "date," + String(repeating: "x,", count: ColumnCollector.maxColumns) + "x\n"
    #expect(
      loadError(header + "2020-01-01\n")
        == "t.csv:1: the header has more than 100000 columns; is this a CSV file with one header row?")
  }
}

/// The reader streams the file a chunk at a time (memory independent of the file's size); a
/// record, a quoted field or the byte-order mark cut by a chunk's end must read exactly as when
/// the whole file is one chunk, and errors must name the same line.
@Suite struct CSVChunkedReadingTests {
  /// Every field and record end, as "line:field:text" and "line:end:count".
  final class Recorder: CSVRecordHandler {
    var events: [String] = []
    var failure: SeismoError? { nil }
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
      events.append("\(line):\(index):\(String(decoding: bytes, as: UTF8.self))")
    }
    func endRecord(fieldCount: Int, line: Int) { events.append("\(line):end:\(fieldCount)") }
  }

  func read(_ text: String, chunkSize: Int) throws -> [String] {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-chunks-\(UUID().uuidString).csv").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let recorder = Recorder()
    var reader = CSVRecordReader(path: path, delimiter: UInt8(ascii: ","))
    reader.chunkSize = chunkSize
    try reader.read(into: recorder)
    return recorder.events
  }

  @Test func chunksOfAnySizeReadAsTheWholeFile() throws {
    let text = "\u{FEFF}date,note,a\r\n2020-01-01,\"two\nlines, quoted\",1\n2020-01-02,x,22\n\n2020-01-03,\"\",333"
    let whole = try read(text, chunkSize: 1 << 20)
    #expect(whole.first == "1:0:date", "the byte-order mark is skipped")
    #expect(whole.contains("2:1:two\nlines, quoted") && whole.contains("4:2:22") && whole.last == "6:end:3")
    for size in [3, 4, 5, 7, 11, 64] {
      #expect(try read(text, chunkSize: size) == whole, "chunk size \(size)")
    }
  }

  @Test func errorsNameTheSameLineWhateverTheChunkSize() {
    let text = "date,a\n2020-01-01,1\n2020-01-02,2\n2020-01-03,\"3\"x\n"
    for size in [3, 5, 8, 1 << 20] {
      #expect(throws: SeismoError.self, "chunk size \(size)") { try read(text, chunkSize: size) }
      do {
        _ = try read(text, chunkSize: size)
      } catch {
        #expect("\(error)".contains(":4: malformed quoting"), "chunk size \(size): \(error)")
      }
    }
  }
}

/// `stream` hands the rows over in pieces with the policies `load` applies to the whole file.
@Suite struct CSVSourceStreamingTests {
  /// The pieces of `text` streamed `rows` at a time, and what `load` gives.
  func pieces(_ text: String, rows: Int, _ extra: [String: ParameterValue] = [:]) throws -> (
    pieces: [LoadedFrame], whole: LoadedFrame
  ) {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-stream-\(UUID().uuidString).csv")
    defer { try? FileManager.default.removeItem(at: scratch) }
    try Data(text.utf8).write(to: scratch)
    var values = extra
    values["path"] = .text(scratch.path)
    let source = try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values))
    var pieces: [LoadedFrame] = []
    try source.stream(rows: rows) { pieces.append($0) }
    return (pieces, try source.load())
  }

  /// A time-of-day column read a piece at a time gives the times a whole load gives.
  @Test func aTimeOfDayColumnIsReadInPieces() throws {
    let text =
      "Date,Time,Close\n" + (0..<30).map { "2020-01-0\(2 + $0 / 10),\(9 + $0 % 10):30,\($0)" }.joined(separator: "\n") + "\n"
    let (pieces, whole) = try self.pieces(text, rows: 7, ["time_of_day_column": .text("Time")])
    #expect(pieces.flatMap(\.frame.timestamps) == whole.frame.timestamps)
    #expect(whole.frame.timestamps.count == 30 && whole.frame.timestamps[11] == 1_578_009_600 + 10 * 3600 + 1800)
  }

  /// Leading gaps, a gap at every cut, and a repeated timestamp across a cut.
  let text =
    "date,a,b\n2020-01-01,1,\n2020-01-02,,\n2020-01-03,3,30\n2020-01-04,,40\n2020-01-05,5,\n"
    + "2020-01-05,7,50\n2020-01-06,6,60\n2020-01-07,,70\n2020-01-08,8,80\n"

  @Test(arguments: [1, 2, 3, 5, 100])
  func piecesAreTheLoadedRows(rows: Int) throws {
    for policy in [["gaps": ParameterValue.text("ffill")], ["gaps": .text("drop")]] {
      var extra = policy
      extra["duplicates"] = .text("mean")
      let (pieces, whole) = try self.pieces(text, rows: rows, extra)
      #expect(pieces.flatMap(\.frame.timestamps) == whole.frame.timestamps, "\(policy), pieces of \(rows)")
      #expect(pieces.flatMap(\.frame.values) == whole.frame.values, "\(policy), pieces of \(rows)")
      #expect(pieces.map(\.rowsRead).reduce(0, +) == whole.rowsRead)
      #expect(pieces.map(\.cellsFilled).reduce(0, +) == whole.cellsFilled)
      #expect(pieces.map(\.rowsDropped).reduce(0, +) == whole.rowsDropped)
      #expect(pieces.map(\.duplicateRowsMerged).reduce(0, +) == 1)
      #expect(pieces.allSatisfy { $0.frame.rowCount <= max(rows, 2) }, "a piece holds about `rows` rows")
    }
  }

  @Test func rowNumbersContinueAcrossPiecesWithoutATimeColumn() throws {
    let (pieces, whole) = try pieces("a\n1\n2\n3\n4\n5\n", rows: 2, ["time_column": .text("none")])
    #expect(pieces.flatMap(\.frame.timestamps) == [0, 1, 2, 3, 4] && whole.frame.timestamps == [0, 1, 2, 3, 4])
  }

  @Test func rowsOutOfOrderAndDuplicatesUnderErrorAreRefused() throws {
    #expect(throws: SeismoError.self) { try pieces("date,a\n2020-01-02,1\n2020-01-01,2\n", rows: 1) }
    do {
      _ = try pieces("date,a\n2020-01-02,1\n2020-01-03,2\n2020-01-01,3\n", rows: 2)
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains(":4: comes before line 3 in time; a stream reads rows in file order and cannot sort them"))
    }
    do {
      _ = try pieces("date,a\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n", rows: 2)
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains(":4: duplicate timestamp 2020-01-02 (also on line 3)"))
    }
    do {
      _ = try pieces("time,a\n2020-01-01 09:30:00,1\n2020-01-01 09:30:01.5,2\n2020-01-01 09:30:01.7,3\n", rows: 2)
      Issue.record("no error")
    } catch {
      #expect("\(error)".contains(":4: duplicate timestamp 2020-01-01 09:30:01 (also on line 3) (times are kept to the second"))
    }
  }
}
