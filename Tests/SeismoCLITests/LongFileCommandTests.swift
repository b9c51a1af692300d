import Foundation
import Testing

/// A long file (`layout: long`, a row per symbol and day) end to end: one run of every symbol,
/// `--each` runs of each on its own days, and their models scoring again, whole or streamed.
@Suite struct LongFileCommandTests {
  /// The synthetic series' two columns as two symbols of one long file, `date,close,Name`; B's
  /// rows lack every 5th day, so each symbol has days of its own.
  func writeLongFile(_ scratch: Scratch) throws {
    let rows = syntheticCSV(rows: 120, spikes: [100]).split(separator: "\n").dropFirst().map {
      $0.split(separator: ",").map(String.init)
    }
    var lines = ["date,close,Name"]
    for (r, cells) in rows.enumerated() {
      lines.append("\(cells[0]),\(cells[1]),A")
      if r % 5 != 4 { lines.append("\(cells[0]),\(cells[2]),B") }
    }
    try scratch.write("long.csv", lines.joined(separator: "\n") + "\n")
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: long.csv, layout: long, symbol_column: Name }
      split: { train_fraction: 0.6 }
      detector: { plugin: rolling-zscore, window: 10 }
      threshold: { plugin: percentile, percentile: 99 }
      """)
  }

  /// Column `name` of a scores.csv, line by line.
  func column(_ csv: String, _ name: String) -> [Substring] {
    let lines = csv.split(separator: "\n")
    let index = lines[0].split(separator: ",").firstIndex(of: Substring(name))!
    return lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[index] }
  }

  @Test func aLongFilesSymbolsRunTogetherAndEachAloneAndScoreAgain() throws {
    let scratch = try Scratch()
    try writeLongFile(scratch)
    let all = try CLI.run(["detect", "run.yaml", "--out", "all", "--save-model", "all.seismo"], in: scratch.url)
    try #require(all.status == 0, "\(all.stderr)")
    #expect(all.stderr.hasPrefix("loaded 120 rows × 2 features (A, B) from "), "\(all.stderr)")
    let again = try CLI.run(["score", "--model", "all.seismo", "--out", "again", "--quiet"], in: scratch.url)
    try #require(again.status == 0, "\(again.stderr)")
    #expect(column(try scratch.read("again/scores.csv"), "score") == column(try scratch.read("all/scores.csv"), "score"))

    let each = try CLI.run(["detect", "run.yaml", "--each", "--out", "e", "--save-model", "m", "--quiet"], in: scratch.url)
    try #require(each.status == 0, "\(each.stderr)")
    // B alone has its own 96 days, not the 120 of both.
    let b = try scratch.read("e/B/scores.csv")
    #expect(b.split(separator: "\n").count == 97)
    let own = try CLI.run(["score", "--model", "m/B.seismo", "--out", "own", "--quiet"], in: scratch.url)
    try #require(own.status == 0, "\(own.stderr)")
    #expect(column(try scratch.read("own/scores.csv"), "score") == column(b, "score"))
    // A file with a column for the feature, named as it is, instead of the symbol column.
    let wide =
      ["date,B"]
      + b.split(separator: "\n").dropFirst().map { line in
        let cells = line.split(separator: ",", omittingEmptySubsequences: false)
        return "\(cells[0]),\(cells[6])"
      }
    try scratch.write("b.csv", wide.joined(separator: "\n") + "\n")
    let byName = try CLI.run(["score", "--model", "m/B.seismo", "b.csv", "--out", "wide", "--quiet"], in: scratch.url)
    try #require(byName.status == 0, "\(byName.stderr)")
    #expect(column(try scratch.read("wide/scores.csv"), "score") == column(b, "score"))
    // Streamed in pieces of 7 rows, the file (in time order) gives the scores of the run and of
    // B's, up to rounding.
    for (model, run) in [("all.seismo", "all/scores.csv"), ("m/B.seismo", "e/B/scores.csv")] {
      let stream = try CLI.run(
        ["score", "--model", model, "--stream", "--piece-rows", "7", "--out", "s-\(model)", "--quiet"], in: scratch.url)
      try #require(stream.status == 0, "\(stream.stderr)")
      let streamed = column(try scratch.read("s-\(model)/scores.csv"), "score")
      let whole = column(try scratch.read(run), "score")
      #expect(streamed.count == whole.count && streamed.count > 90, "\(model)")
      for (a, b) in zip(streamed, whole) where a != b {
        let (x, y) = (Double(a) ?? .nan, Double(b) ?? .nan)
        #expect(abs(x - y) <= 1e-5 * (1 + abs(y)), "\(model): \(a) streamed, \(b) whole")
      }
    }
    // A long file sorted by symbol cannot be streamed; the error says so.
    let lines = try scratch.read("long.csv").split(separator: "\n")
    let bySymbol = [lines[0]] + lines.dropFirst().filter { $0.hasSuffix(",A") } + lines.dropFirst().filter { $0.hasSuffix(",B") }
    try scratch.write("long.csv", bySymbol.joined(separator: "\n") + "\n")
    let sorted = try CLI.run(["score", "--model", "all.seismo", "--stream", "--out", "sorted"], in: scratch.url)
    #expect(sorted.status != 0 && sorted.stderr.contains("a long file sorted by symbol is read whole"), "\(sorted.stderr)")
  }
}
