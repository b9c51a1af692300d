import Foundation
import Testing

/// Runs over several CSV files joined on time (`path: [a.csv, b.csv]` with `as`), end to end.
@Suite struct JoinedFilesCommandTests {
  /// Writes a.csv and b.csv, each a `close` column of the synthetic series (feature a, then b),
  /// on calendars of their own: a lacks every 7th day, b every 11th day and the first `bLacks`.
  /// Their first `rows` days; a spike in b at row 150.
  func writeFiles(_ scratch: Scratch, rows: Int, bLacks: Int = 3) throws {
    let lines = syntheticCSV(rows: rows, spikes: [150]).split(separator: "\n").dropFirst().map {
      $0.split(separator: ",").map(String.init)
    }
    let a = lines.enumerated().filter { $0.offset % 7 != 6 }.map { "\($0.element[0]),\($0.element[1])" }
    let b = lines.enumerated().filter { $0.offset % 11 != 10 && $0.offset >= bLacks }.map { "\($0.element[0]),\($0.element[2])" }
    try scratch.write("a.csv", (["date,close"] + a).joined(separator: "\n") + "\n")
    try scratch.write("b.csv", (["date,close"] + b).joined(separator: "\n") + "\n")
  }

  /// `writeFiles` of 200 rows with b's dates written day first, and run.yaml reading each file
  /// with its own time format. Returns b.csv's lines.
  @discardableResult
  func writeFilesWithFormats(_ scratch: Scratch) throws -> [String] {
    try writeFiles(scratch, rows: 200)
    let b = try scratch.read("b.csv").split(separator: "\n").enumerated().map { i, line -> String in
      guard i > 0 else { return String(line) }
      let cells = line.split(separator: ",")
      let ymd = cells[0].split(separator: "-")
      return "\(ymd[2])/\(ymd[1])/\(ymd[0]),\(cells[1])"
    }
    try scratch.write("b.csv", b.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml", Self.config.replacingOccurrences(of: "as: [a, b] }", with: "as: [a, b], time_format: [iso, \"%d/%m/%Y\"] }"))
    return b
  }

  static let config = """
    source: { plugin: csv, path: [a.csv, b.csv], columns: [close], as: [a, b] }
    split: { train_until: 2020-04-30 }
    detector: { plugin: rolling-zscore, window: 10 }
    threshold: { plugin: percentile, percentile: 99 }
    """

  /// Writes the joined rows a run scored (its scores.csv's `value_a`, `value_b`) as a file
  /// `date,a,b`: one file with the model's features by name.
  func writeJoinedRows(of scores: String, to name: String, in scratch: Scratch) throws {
    let joined = scores.split(separator: "\n").dropFirst().map { line in
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      return "\(cells[0]),\(cells[6]),\(cells[7])"
    }
    try scratch.write(name, (["date,a,b"] + joined).joined(separator: "\n") + "\n")
  }

  /// Column `name` of a scores.csv, keyed by timestamp.
  func column(_ csv: String, _ name: String) -> [String: String] {
    let lines = csv.split(separator: "\n")
    let header = lines[0].split(separator: ",")
    let index = header.firstIndex(of: Substring(name))!
    var byTime: [String: String] = [:]
    for line in lines.dropFirst() {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      byTime[String(cells[0])] = String(cells[index])
    }
    return byTime
  }

  @Test func aRunOverJoinedFilesIsScoredAgainByItsModelAndIsPointInTime() throws {
    let scratch = try Scratch()
    try writeFiles(scratch, rows: 200)
    try scratch.write("run.yaml", Self.config)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--save-model", "m.seismo"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    // 200 days less the 2 neither file has (days 76 and 153) and the 3 before b starts; a's 26
    // and b's 16 missing days filled.
    #expect(
      detect.stderr.contains(
        "loaded 195 rows × 2 features (a, b) from \(scratch.url.path)/a.csv + \(scratch.url.path)/b.csv (gaps: 42 cells filled, 3 rows dropped)"
      ), "\(detect.stderr)")
    let scores = try scratch.read("r/scores.csv")
    #expect(scores.hasPrefix("timestamp,part,score,threshold,is_anomaly,alert,value_a,value_b,error_a,error_b\n"))
    #expect(column(scores, "is_anomaly")[date(18_262 + 150)] == "1", "b's spike is flagged")
    // The model reads its two files again, and a file of the joined rows scores the same.
    let again = try CLI.run(["score", "--model", "m.seismo", "--out", "s", "--quiet"], in: scratch.url)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(column(try scratch.read("s/scores.csv"), "score") == column(scores, "score"))
    try writeJoinedRows(of: scores, to: "joined.csv", in: scratch)
    let file = try CLI.run(["score", "--model", "m.seismo", "joined.csv", "--out", "t", "--quiet"], in: scratch.url)
    #expect(file.status == 0, "\(file.stderr)")
    #expect(column(try scratch.read("t/scores.csv"), "score") == column(scores, "score"))
    // A stream joins them a piece at a time, to the same scores, flags and load counts.
    let stream = try CLI.run(
      ["score", "--model", "m.seismo", "--stream", "--piece-rows", "7", "--out", "st", "--quiet"], in: scratch.url)
    #expect(stream.status == 0, "\(stream.stderr)")
    let streamed = try scratch.read("st/scores.csv")
    for name in ["score", "is_anomaly", "value_a", "value_b"] {
      #expect(column(streamed, name) == column(try scratch.read("s/scores.csv"), name), "\(name)")
    }
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("st/summary.json").utf8)) as? [String: Any]
    let source = summary?["source"] as? [String: Any]
    #expect(source?["cells_filled"] as? Int == 42 && source?["rows_dropped"] as? Int == 3, "\(String(describing: source))")
    // New files, as many as the model joined, are read as it read its own: by column and `as`.
    try scratch.write("a2.csv", try scratch.read("a.csv"))
    try scratch.write("b2.csv", try scratch.read("b.csv"))
    let files = try CLI.run(["score", "--model", "m.seismo", "a2.csv", "b2.csv", "--out", "f", "--quiet"], in: scratch.url)
    #expect(files.status == 0, "\(files.stderr)")
    #expect(column(try scratch.read("f/scores.csv"), "score") == column(scores, "score"))
    let three = try CLI.run(["score", "--model", "m.seismo", "a2.csv", "b2.csv", "joined.csv"], in: scratch.url)
    #expect(
      three.status == 1
        && three.stderr.contains(
          "the model's source read 2 files, and 3 files are given: give as many, in its order, or one file with the model's features (a, b)"
        ), "\(three.stderr)")
    // Days appended to both files leave every earlier row's score, cut-off and flag as it was.
    try writeFiles(scratch, rows: 240)
    let longer = try CLI.run(["detect", "run.yaml", "--out", "u", "--quiet"], in: scratch.url)
    #expect(longer.status == 0, "\(longer.stderr)")
    let later = try scratch.read("u/scores.csv")
    for name in ["score", "threshold", "is_anomaly", "value_b"] {
      let before = column(scores, name)
      #expect(column(later, name).filter { before[$0.key] != nil } == before, "\(name)")
    }
  }

  /// Files whose columns have other names than the model's files had are read with
  /// `--set source.columns`, each file giving the listed columns it has, file by file, as the
  /// model's features in order: a column both files call `Close` is the model's two features.
  @Test func joinedFilesWithOtherColumnNamesAreReadWithSourceColumns() throws {
    let scratch = try Scratch()
    try writeFiles(scratch, rows: 200)
    try scratch.write("run.yaml", Self.config)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let scores = column(try scratch.read("r/scores.csv"), "score")
    try scratch.write("a2.csv", try scratch.read("a.csv").replacingOccurrences(of: "date,close\n", with: "date,Close\n"))
    try scratch.write("b2.csv", try scratch.read("b.csv").replacingOccurrences(of: "date,close\n", with: "Date,Last\n"))
    let score = { (columns: String, out: String) in
      try CLI.run(
        ["score", "--model", "m.seismo", "a2.csv", "b2.csv", "--out", out, "--quiet", "--set", "source.columns=\(columns)"],
        in: scratch.url)
    }
    let named = try score("[Close, Last]", "s")
    try #require(named.status == 0, "\(named.stderr)")
    #expect(column(try scratch.read("s/scores.csv"), "score") == scores)
    try scratch.write("b2.csv", try scratch.read("b.csv").replacingOccurrences(of: "date,close\n", with: "date,Close\n"))
    let shared = try score("[Close]", "t")
    try #require(shared.status == 0, "\(shared.stderr)")
    #expect(column(try scratch.read("t/scores.csv"), "score") == scores)
    // Columns that do not give one per feature are named with the file each comes from.
    let lines = try scratch.read("a.csv").split(separator: "\n").enumerated().map { i, line in
      i == 0 ? "date,Close,Open" : "\(line),\(line.split(separator: ",")[1])"
    }
    try scratch.write("a2.csv", lines.joined(separator: "\n") + "\n")
    let three = try score("[Close, Open]", "u")
    #expect(
      three.status == 1
        && three.stderr
          == "error: --set source.columns=[Close, Open]: gives 3 columns of 2 files (a2.csv: Close, a2.csv: Open, b2.csv: Close), and the model has 2 features (a, b): name the files' columns for each, in that order, file by file (each file gives the listed columns it has)\n",
      "\(three.stderr)")
  }

  /// A model of one file whose columns `as` renamed scores another file of that layout.
  /// A model of a file with the day and the time of day apart (`time_of_day_column`) keeps the
  /// setting, so `score` reads a new file of that layout, whole and streamed, as the run did.
  @Test func aModelOfDaysAndTimesOfDayApartScoresAFileOfItsLayout() throws {
    let scratch = try Scratch()
    let lines = syntheticCSV(rows: 120, spikes: [100]).split(separator: "\n").dropFirst().enumerated().map { r, line in
      let cells = line.split(separator: ",")
      return "2020-01-02,\(9 + r / 60):\(String(format: "%02d", r % 60)),\(cells[1]),\(cells[2])"
    }
    try scratch.write("ticks.csv", (["Date,Time,a,b"] + lines).joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: ticks.csv, time_of_day_column: Time }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let run = column(try scratch.read("r/scores.csv"), "score")
    #expect(run.keys.contains("2020-01-02 10:59:00"))
    try scratch.write("new.csv", try scratch.read("ticks.csv"))
    for stream in [[], ["--stream", "--piece-rows", "17"]] {
      let score = try CLI.run(
        ["score", "--model", "m.seismo", "new.csv", "--out", "s\(stream.count)", "--quiet"] + stream, in: scratch.url)
      try #require(score.status == 0, "\(score.stderr)")
      #expect(column(try scratch.read("s\(stream.count)/scores.csv"), "score") == run)
    }
  }

  @Test func aRenamedFilesModelScoresAFileOfItsLayout() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 120, spikes: [100]))
    try scratch.write(
      "run.yaml", "source: { plugin: csv, path: data.csv, as: [x, y] }\ndetector: { plugin: rolling-zscore, window: 10 }\n")
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    #expect(detect.status == 0, "\(detect.stderr)")
    try scratch.write("new.csv", try scratch.read("data.csv"))
    let score = try CLI.run(["score", "--model", "m.seismo", "new.csv", "--out", "s", "--quiet"], in: scratch.url)
    #expect(score.status == 0, "\(score.stderr)")
    #expect(column(try scratch.read("s/scores.csv"), "score") == column(try scratch.read("r/scores.csv"), "score"))
  }

  /// A model of files with a time format each scores one file of its features by name, read with
  /// the first file's format (before, the list of two formats for one file was refused).
  @Test func aModelOfFilesWithFormatsEachScoresOneFile() throws {
    let scratch = try Scratch()
    try writeFilesWithFormats(scratch)
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--save-model", "m.seismo", "--quiet"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    let scores = try scratch.read("r/scores.csv")
    try writeJoinedRows(of: scores, to: "joined.csv", in: scratch)
    let one = try CLI.run(["score", "--model", "m.seismo", "joined.csv", "--out", "s", "--quiet"], in: scratch.url)
    #expect(one.status == 0, "\(one.stderr)")
    #expect(column(try scratch.read("s/scores.csv"), "score") == column(scores, "score"))
  }

  /// An `--each` model of joined files scores a new version of its own file (b's `close`,
  /// dates day first) as that file was read: its column, under the feature's name, and its
  /// time format, not the first file's. It was refused ("unknown column 'b'"); a file with a
  /// column of the feature's name is read by name with the first file's settings, as before.
  @Test func anEachModelScoresItsOwnFileOfJoinedFiles() throws {
    let scratch = try Scratch()
    let b = try writeFilesWithFormats(scratch)
    let each = try CLI.run(["detect", "run.yaml", "--each", "--out", "e", "--save-model", "models", "--quiet"], in: scratch.url)
    try #require(each.status == 0, "\(each.stderr)")
    try scratch.write("b2.csv", try scratch.read("b.csv"))
    let own = try CLI.run(["score", "--model", "models/b.seismo", "b2.csv", "--out", "s", "--quiet"], in: scratch.url)
    try #require(own.status == 0, "\(own.stderr)")
    let run = column(try scratch.read("e/b/scores.csv"), "score")
    #expect(column(try scratch.read("s/scores.csv"), "score") == run)
    // The same rows under the feature's name, dates in ISO: read by name, with the first file's
    // format, as a file of every feature by name is.
    let named = b.enumerated().map { i, line -> String in
      guard i > 0 else { return "date,b" }
      let cells = line.split(separator: ",")
      let dmy = cells[0].split(separator: "/")
      return "\(dmy[2])-\(dmy[1])-\(dmy[0]),\(cells[1])"
    }
    try scratch.write("named.csv", named.joined(separator: "\n") + "\n")
    let byName = try CLI.run(
      ["score", "--model", "models/b.seismo", "named.csv", "--out", "n", "--quiet"], in: scratch.url)
    try #require(byName.status == 0, "\(byName.stderr)")
    #expect(column(try scratch.read("n/scores.csv"), "score") == run)
  }

  /// `path: prices/*.csv` reads every file the wildcard matches, in name order, each feature
  /// named for its file (they share the column `close`); the run keeps the files it read, so a
  /// file added later is not read by its model. A wildcard that matches nothing is named.
  @Test func aWildcardPathReadsEveryFileItMatches() throws {
    let scratch = try Scratch()
    try writeFiles(scratch, rows: 200)
    try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("prices"), withIntermediateDirectories: true)
    for name in ["a", "b"] { try scratch.write("prices/\(name).csv", try scratch.read("\(name).csv")) }
    try scratch.write("prices/notes", "not a csv")
    try scratch.write(
      "run.yaml",
      Self.config.replacingOccurrences(
        of: "path: [a.csv, b.csv], columns: [close], as: [a, b]", with: "path: prices/*.csv, columns: [close]"))
    let detect = try CLI.run(["detect", "run.yaml", "--out", "r", "--save-model", "m.seismo"], in: scratch.url)
    try #require(detect.status == 0, "\(detect.stderr)")
    #expect(
      detect.stderr.contains("2 features (a, b) from \(scratch.url.path)/prices/a.csv + \(scratch.url.path)/prices/b.csv"),
      "\(detect.stderr)")
    // The same scores as the files listed by name, with `as`.
    try scratch.write("listed.yaml", Self.config)
    let listed = try CLI.run(["detect", "listed.yaml", "--out", "l", "--quiet"], in: scratch.url)
    try #require(listed.status == 0, "\(listed.stderr)")
    #expect(try scratch.read("r/scores.csv") == scratch.read("l/scores.csv"))
    // A file added later: the model reads the files of its run.
    try scratch.write("prices/c.csv", try scratch.read("a.csv"))
    let again = try CLI.run(["score", "--model", "m.seismo", "--out", "s", "--quiet"], in: scratch.url)
    try #require(again.status == 0, "\(again.stderr)")
    #expect(column(try scratch.read("s/scores.csv"), "score") == column(try scratch.read("r/scores.csv"), "score"))
    // Two other files of that layout, named otherwise: their features take the model's names.
    for (name, from) in [("x", "a"), ("y", "b")] { try scratch.write("\(name).csv", try scratch.read("\(from).csv")) }
    let other = try CLI.run(["score", "--model", "m.seismo", "x.csv", "y.csv", "--out", "o", "--quiet"], in: scratch.url)
    try #require(other.status == 0, "\(other.stderr)")
    #expect(column(try scratch.read("o/scores.csv"), "score") == column(try scratch.read("r/scores.csv"), "score"))
    let none = try CLI.run(["detect", "run.yaml", "--set", "source.path=prices/*.txt", "--out", "n"], in: scratch.url)
    #expect(none.status == 1 && none.stderr == "error: --set: source.path: 'prices/*.txt' matches no file\n", "\(none.stderr)")
    // A wildcard that matches folders alone says how to reach their files.
    for year in ["2019", "2020"] {
      try FileManager.default.createDirectory(
        at: scratch.url.appendingPathComponent("years/\(year)"), withIntermediateDirectories: true)
    }
    let folders = try CLI.run(["detect", "run.yaml", "--set", "source.path=years/*", "--out", "n"], in: scratch.url)
    #expect(
      folders.status == 1
        && folders.stderr
          == "error: --set: source.path: 'years/*' matches folders only (2019/, 2020/); the files in them are matched by a pattern that goes on into them, as 'years/*/*.csv' does\n",
      "\(folders.stderr)")
  }

  /// `combine: append` reads files of one series cut by time (`p/*.csv`, a file a period, the
  /// day between them in both) as the one file they were cut from: the same scores, and its
  /// model scores them again. Without it, they are refused.
  @Test func filesOfOnePeriodEachAreAppended() throws {
    let scratch = try Scratch()
    try writeFiles(scratch, rows: 200)
    let lines = try scratch.read("a.csv").split(separator: "\n").map(String.init)
    try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("p"), withIntermediateDirectories: true)
    try scratch.write("p/1.csv", lines[...100].joined(separator: "\n") + "\n")
    try scratch.write("p/2.csv", ([lines[0]] + lines[100...]).joined(separator: "\n") + "\n")
    let config = Self.config.replacingOccurrences(of: "path: [a.csv, b.csv], columns: [close], as: [a, b]", with: "path: a.csv")
    try scratch.write("whole.yaml", config)
    try scratch.write(
      "cut.yaml", config.replacingOccurrences(of: "path: a.csv", with: "path: p/*.csv, combine: append, duplicates: first"))
    let whole = try CLI.run(["detect", "whole.yaml", "--out", "w", "--quiet"], in: scratch.url)
    try #require(whole.status == 0, "\(whole.stderr)")
    let cut = try CLI.run(["detect", "cut.yaml", "--out", "c", "--save-model", "c.seismo"], in: scratch.url)
    try #require(cut.status == 0, "\(cut.stderr)")
    #expect(
      cut.stderr.contains("warning: 1 rows of \(scratch.url.path)/p/1.csv + \(scratch.url.path)/p/2.csv repeated a timestamp"))
    #expect(column(try scratch.read("c/scores.csv"), "score") == column(try scratch.read("w/scores.csv"), "score"))
    let again = try CLI.run(["score", "--model", "c.seismo", "--out", "s", "--quiet"], in: scratch.url)
    try #require(again.status == 0, "\(again.stderr)")
    #expect(column(try scratch.read("s/scores.csv"), "score") == column(try scratch.read("c/scores.csv"), "score"))
    try scratch.write("joined.yaml", config.replacingOccurrences(of: "path: a.csv", with: "path: p/*.csv, duplicates: first"))
    let joined = try CLI.run(["detect", "joined.yaml", "--out", "j"], in: scratch.url)
    #expect(joined.status == 1 && joined.stderr.contains("whose rows combine: append reads as one file's"), "\(joined.stderr)")
  }

  /// `--each` runs each file's indicator on that file's own days, not on the union, even where
  /// the gap policy dropped no row of the union.
  @Test func eachIndicatorOfJoinedFilesRunsOnItsOwnDays() throws {
    let scratch = try Scratch()
    try writeFiles(scratch, rows: 200, bLacks: 0)
    try scratch.write("run.yaml", Self.config)
    let each = try CLI.run(["detect", "run.yaml", "--each", "--out", "e"], in: scratch.url)
    #expect(each.status == 0, "\(each.stderr)")
    for (name, file) in [("a", "a.csv"), ("b", "b.csv")] {
      let days = try scratch.read(file).split(separator: "\n").dropFirst().map { String($0.prefix(10)) }
      let scored = try scratch.read("e/\(name)/scores.csv").split(separator: "\n").dropFirst().map { String($0.prefix(10)) }
      #expect(scored == days, "\(name): the rows of \(file)")
    }
  }
}
