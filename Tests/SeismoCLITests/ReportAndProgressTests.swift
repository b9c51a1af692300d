import Foundation
import SeismoCore
import Testing

@testable import SeismoCLI

@Suite struct ReportAndProgressTests {
  let config = """
    source: { plugin: csv, path: data.csv }
    split: { train_fraction: 0.7 }
    detector: { plugin: lstm-autoencoder, window: 5, units: 4, epochs: 3 }
    threshold: { plugin: percentile, percentile: 97 }
    """

  @Test func detectWritesTheReportAndReportRebuildsItIdentically() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 150, spikes: [120]))
    try scratch.write("run.yaml", config)
    let result = try CLI.run(["detect", "run.yaml", "--out", "r"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("r/report.html"))
    let first = try scratch.read("r/report.html")
    #expect(first.contains("data-chart=\"loss\""))
    try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("r/report.html"))
    let rebuild = try CLI.run(["report", "r"], in: scratch.url)
    #expect(rebuild.status == 0, "\(rebuild.stderr)")
    #expect(try scratch.read("r/report.html") == first)
    // Scores are contiguous after the warm-up: a blanked score in the middle is named, not drawn as 0.
    var lines = try scratch.read("r/scores.csv").components(separatedBy: "\n")
    var cells = lines[100].components(separatedBy: ",")
    cells[2] = ""
    lines[100] = cells.joined(separator: ",")
    try scratch.write("r/scores.csv", lines.joined(separator: "\n"))
    let gap = try CLI.run(["report", "r"], in: scratch.url)
    #expect(gap.status == 1 && gap.stderr.contains("scores.csv:101 (column score): the score is missing"), "\(gap.stderr)")
    let missing = try CLI.run(["report", "nowhere"], in: scratch.url)
    #expect(missing.status == 1 && missing.stderr.hasPrefix("error: nowhere: no such folder"))
    // A config given where the run folder goes is named as a file.
    try scratch.write("run.yaml", "source: {plugin: csv}\n")
    let config = try CLI.run(["report", "run.yaml"], in: scratch.url)
    #expect(config.status == 1 && config.stderr.hasPrefix("error: run.yaml: a file, not a run folder"), "\(config.stderr)")
    // A damaged summary.json is named with what is wrong in it.
    let summary = try scratch.read("r/summary.json")
    for (text, reason) in [
      ("{\"broken\": ", "not valid JSON"), (summary.replacingOccurrences(of: "\"run_id\"", with: "\"run\""), "no 'run_id'"),
    ] {
      try scratch.write("r/summary.json", text)
      let damaged = try CLI.run(["report", "r"], in: scratch.url)
      #expect(damaged.status == 1)
      #expect(damaged.stderr == "error: r/summary.json: not a Seismo run summary (\(reason))\n")
    }
  }

  /// A row's top feature read back from scores.csv: the first of its largest errors, an empty
  /// cell counted as 0, as the run found it.
  @Test func aRowsTopFeatureReadBackIsTheFirstLargestError() {
    let errors: [[Float?]] = [[1, nil, 2, -1], [3, 0, 2, nil], [3, nil, 5, nil]]
    #expect((0..<4).map { ReportCommand.topFeature(errors, row: $0) } == [1, 0, 2, 1])
  }

  @Test func walkForwardFoldsInProgressSummaryAndReport() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 400, spikes: [300]))
    try scratch.write(
      "run.yaml",
      """
      source: { plugin: csv, path: data.csv }
      split: { train_fraction: 0.5, refit_every: 50 }
      detector: { plugin: rolling-zscore, window: 20 }
      threshold: { plugin: likelihood, min_history: 50, long_window: 150 }
      events: { merge_gap: 3 }
      """)
    let result = try CLI.run(["detect", "run.yaml", "--out", "r"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("fold 4 of 4: trained rolling-zscore on rows 1–350, scoring rows 351–400"), "\(result.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(try scratch.read("r/summary.json").utf8)) as! [String: Any]
    let folds = summary["folds"] as! [[String: Any]]
    #expect(folds.map { $0["train_end_row"] as! Int } == [200, 250, 300, 350])
    #expect((summary["threshold"] as! [String: Any])["constant"] as? Bool == false, "likelihood cut-offs move")
    #expect((summary["causality"] as! [String: Any])["point_in_time"] as? Bool == true)
    let report = try scratch.read("r/report.html")
    #expect(report.contains("data-fold-count=\"4\""))
    #expect(report.contains("class=\"threshold adaptive\""), "the per-row cut-off is drawn")
    try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("r/report.html"))
    #expect(try CLI.run(["report", "r"], in: scratch.url).status == 0)
    #expect(try scratch.read("r/report.html") == report, "rebuilt from summary.json and scores.csv alone")
  }

  @Test func plainProgressLinesWhenStderrIsNotATerminal() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 100, spikes: []))
    try scratch.write("run.yaml", config)
    let result = try CLI.run(["detect", "run.yaml", "--out", "r"], in: scratch.url)
    let epochs = result.stderr.split(separator: "\n").filter { $0.hasPrefix("epoch ") }
    #expect(epochs.count == 3)
    #expect(epochs[2].hasPrefix("epoch 3/3  loss "))
    #expect(epochs[2].contains("val_loss ") && epochs[2].hasSuffix("ETA 0.0s"))
    #expect(!result.stderr.contains("\r"))
    let quiet = try CLI.run(["detect", "run.yaml", "--out", "q", "--quiet"], in: scratch.url)
    #expect(quiet.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("warning: ") }, "only warnings: \(quiet.stderr)")
  }

  /// Each fit's line counts its own epochs' time: a second fold's (or member's, or refit's)
  /// first epoch of 3, taking 1 s, is 1 s elapsed with 2 s to go. Before, the time of every
  /// earlier fit was counted in: 4 s elapsed, "ETA 8.0s".
  @Test func eachFitHasItsOwnElapsedTimeAndETA() {
    let progress = ProgressLine(quiet: false, isTerminal: false)
    func line(_ epoch: Int) -> String {
      progress.line(for: EpochRecord(epoch: epoch, loss: 0.5, validationLoss: nil, seconds: 1), planned: 3)
    }
    #expect([1, 2, 3].map(line).last == "epoch 3/3  loss 0.50000  elapsed 3.0s  ETA 0.0s")
    #expect(line(1) == "epoch 1/3  loss 0.50000  elapsed 1.0s  ETA 2.0s")
    #expect(line(2) == "epoch 2/3  loss 0.50000  elapsed 2.0s  ETA 1.0s")
  }

  @Test(.enabled(if: CLI.hasTerminal, "needs util-linux script for a pseudo-terminal"))
  func oneUpdatingLineUnderATerminal() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 100, spikes: []))
    try scratch.write("run.yaml", config)
    let result = try CLI.runOnATerminal("detect run.yaml --out r", in: scratch.url)
    let output = result.stdout
    #expect(result.status == 0, "\(output)")
    #expect(output.contains("\r\u{1B}[Kepoch 1/3  loss "))
    #expect(output.contains("\r\u{1B}[Kepoch 3/3  loss "))
    #expect(!output.contains("epoch 1/3  loss 0.00000\n"), "epochs overwrite one line")
  }

  /// Scoring counts discord's pairs of windows and the autoencoder's windows on one line, cleared
  /// before the next line, in detect and in score; nothing of it goes to a pipe.
  @Test(.enabled(if: CLI.hasTerminal, "needs util-linux script for a pseudo-terminal"))
  func scoringShowsItsWindowsOnATerminal() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 5000, spikes: []))
    try scratch.write(
      "discord.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: discord, window: 10 }\n")
    // Windows of 10 rows from the 10th row on, each with every window starting 10 rows or more
    // before it: 1 + 2 + … + 4,981 pairs.
    let detect = try CLI.runOnATerminal("detect discord.yaml --out r --save-model d.seismo", in: scratch.url)
    #expect(detect.status == 0, "\(detect.stdout.suffix(600))")
    // (The first thread's count: how far the second has come by then varies with the load.)
    #expect(detect.stdout.contains(#/\r\e\[Kscoring [\d,]+ of 12,407,671 pairs of windows \(\d+ %\)\r\e\[K/#))
    // The threshold's count takes the line over, and is cleared before the next line.
    #expect(
      detect.stdout.contains(#/ pairs of windows \(\d+ %\)\r\e\[Kcutting 4,981 of 4,981 scores \(100 %\)\r\e\[Krun /#),
      "cleared before the next line")
    let score = try CLI.runOnATerminal("score --model d.seismo data.csv --out s", in: scratch.url)
    #expect(score.stdout.contains(#/ of 12,407,671 pairs of windows \(\d+ %\)\r\e\[K/#), "\(score.stdout.prefix(600))")
    try scratch.write(
      "autoencoder.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: lstm-autoencoder, window: 5, units: 4, epochs: 1 }\n")
    let neural = try CLI.runOnATerminal("detect autoencoder.yaml --out a", in: scratch.url)
    #expect(
      neural.stdout.contains(
        "\r\u{1B}[Kscoring 4,096 of 4,996 windows (81 %)\r\u{1B}[Kscoring 4,996 of 4,996 windows (100 %)\r\u{1B}[K"))
    let piped = try CLI.run(["detect", "discord.yaml", "--out", "p"], in: scratch.url)
    #expect(piped.status == 0 && !piped.stderr.contains("scoring"), "\(piped.stderr)")
  }

  /// The threshold rule counts the scores it has cut on one line, cleared before the next line,
  /// in detect and in score with a saved model; nothing of it goes to a pipe.
  @Test(.enabled(if: CLI.hasTerminal, "needs util-linux script for a pseudo-terminal"))
  func cuttingShowsItsScoresOnATerminal() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: []))
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore, window: 20 }\nthreshold: { plugin: spot }\n")
    let detect = try CLI.runOnATerminal("detect run.yaml --out r", in: scratch.url)
    #expect(detect.status == 0, "\(detect.stdout)")
    // Scores after the first 20 rows: 280, cut in one chunk.
    #expect(detect.stdout.contains("\r\u{1B}[Kcutting 280 of 280 scores (100 %)\r\u{1B}[K"), "\(detect.stdout.prefix(600))")
    let piped = try CLI.run(["detect", "run.yaml", "--out", "p", "--save-model", "m.seismo"], in: scratch.url)
    #expect(piped.status == 0 && !piped.stderr.contains("cutting"), "\(piped.stderr)")
    // score with the saved model cuts every scored row again, on the same line.
    let score = try CLI.runOnATerminal("score --model m.seismo data.csv --out s", in: scratch.url)
    #expect(score.status == 0, "\(score.stdout)")
    #expect(score.stdout.contains("\r\u{1B}[Kcutting 280 of 280 scores (100 %)\r\u{1B}[K"), "\(score.stdout.prefix(600))")
    let pipedScore = try CLI.run(["score", "--model", "m.seismo", "data.csv", "--out", "q"], in: scratch.url)
    #expect(pipedScore.status == 0 && !pipedScore.stderr.contains("cutting"), "\(pipedScore.stderr)")
  }

  /// Permutation importance counts its scorings on one line, cleared before the line that says
  /// it is done; nothing of it goes to a pipe.
  @Test(.enabled(if: CLI.hasTerminal, "needs util-linux script for a pseudo-terminal"))
  func explainingShowsItsScoringsOnATerminal() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: []))
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\nimportance: { plugin: permutation, repeats: 3 }\n"
    )
    let detect = try CLI.runOnATerminal("detect run.yaml --out r", in: scratch.url)
    #expect(detect.status == 0, "\(detect.stdout)")
    // syntheticCSV has 2 features: 6 scorings.
    #expect(detect.stdout.contains("\r\u{1B}[Kexplaining 1 of 6 scorings (16 %)"), "\(detect.stdout.prefix(600))")
    #expect(detect.stdout.contains("explaining 6 of 6 scorings (100 %)\r\u{1B}[Kfeature importance by permutation"))
    let piped = try CLI.run(["detect", "run.yaml", "--out", "p"], in: scratch.url)
    #expect(piped.status == 0 && !piped.stderr.contains("explaining"), "\(piped.stderr)")
  }

  /// Reading a large file shows the mebibytes read on one line, cleared before the next line,
  /// for detect, score and score --stream, and before an error; nothing of it goes to a pipe.
  @Test(.enabled(if: CLI.hasTerminal, "needs util-linux script for a pseudo-terminal"))
  func readingALargeFileShowsItsProgressOnATerminal() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 40_000, spikes: []))  // 1.2 MB
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    let detect = try CLI.runOnATerminal("detect run.yaml --out r --save-model m.seismo", in: scratch.url)
    #expect(detect.status == 0, "\(detect.stdout)")
    #expect(detect.stdout.contains(#/\r\e\[Kreading 1\.0 of 1\.\d MB \(\d\d %\)\r\e\[K/#), "\(detect.stdout.prefix(300))")
    #expect(detect.stdout.contains(#/ MB \(100 %\)\r\e\[Kloaded 40000 rows/#), "cleared before the next line")
    let score = try CLI.runOnATerminal("score --model m.seismo data.csv --out s", in: scratch.url)
    #expect(score.stdout.contains(#/ MB \(100 %\)\r\e\[Kloaded 40000 rows/#), "\(score.stdout.prefix(300))")
    // A stream reads the file as it scores: the line runs until the last piece is scored.
    let stream = try CLI.runOnATerminal(
      "score --model m.seismo data.csv --stream --piece-rows 5000 --out st", in: scratch.url)
    let streaming = try #require(stream.stdout.firstRange(of: "pieces of about 5000 rows"), "\(stream.stdout.prefix(300))")
    #expect(stream.stdout[..<streaming.lowerBound].contains(#/ MB \(\d+ %\)\r\e\[Kstreaming data\.csv in /#))
    #expect(stream.stdout[streaming.upperBound...].contains("\r\u{1B}[Kreading "), "the line goes on after the first piece")
    // (Its rows are the model's own: it says first that their scores are in sample.)
    #expect(
      stream.stdout.contains(#/ MB \(100 %\)\r\e\[Kwarning: 32000 of the 40000 rows fall within/#),
      "\(stream.stdout.suffix(400))")
    let piped = try CLI.run(["detect", "run.yaml", "--out", "p"], in: scratch.url)
    #expect(piped.status == 0 && !piped.stderr.contains("reading"), "\(piped.stderr)")
    // A bad cell near the end: the error starts on a clean line.
    try scratch.write("data.csv", try scratch.read("data.csv") + "2199-01-01,x,1\n")
    let bad = try CLI.runOnATerminal("detect run.yaml --out b", in: scratch.url)
    #expect(bad.status == 1 && bad.stdout.contains(#/ MB \(\d+ %\)\r\e\[Kerror: /#), "\(bad.stdout.suffix(300))")
  }
}

/// The done-of-total line of long work (ingest's rows, a CSV file's bytes).
@Suite struct CountProgressTests {
  @Test func countsAreGroupedByThousandsAndBytesShownInMebibytes() {
    #expect(
      [0, 7, 999, 1_000, 25_000, 2_000_000, -1_234].map(CountProgress.grouped) == [
        "0", "7", "999", "1,000", "25,000", "2,000,000", "-1,234",
      ])
    let progress = CountProgress("writing", isTerminal: false)
    #expect(progress.describe(ProgressCount(1_230_000, of: 2_000_000, .rows)) == "writing 1,230,000 of 2,000,000 rows (61 %)")
    #expect(progress.describe(ProgressCount(0, of: 0, .rows)) == "writing 0 of 0 rows (100 %)")
    #expect(progress.describe(ProgressCount(430_000, of: nil, .rows)) == "writing 430,000 rows")
    #expect(
      CountProgress("explaining").describe(ProgressCount(12, of: 20, .scorings)) == "explaining 12 of 20 scorings (60 %)")
    #expect(
      CountProgress("cutting").describe(ProgressCount(50_000, of: 800_000, .scores)) == "cutting 50,000 of 800,000 scores (6 %)")
    let bytes = CountProgress("reading m.csv:", isTerminal: false)
    #expect(bytes.describe(ProgressCount(325_000_000, of: 723_400_000, .bytes)) == "reading m.csv: 309.9 of 689.9 MB (44 %)")
    #expect(bytes.describe(ProgressCount(325_000_000, of: nil, .bytes)) == "reading m.csv: 309.9 MB")
  }
}

/// Numbers in the console summary.
@Suite struct SummaryNumberTests {
  @Test func aSpreadReadsOnItsValuesScale() {
    #expect(RunReporting.format(0.0189, plusMinus: 0.000_879_6) == "0.0189 ± 0.0009")
    #expect(RunReporting.format(0.000_52, plusMinus: 0.000_012_34) == "0.00052 ± 1.234e-05")
    #expect(RunReporting.format(-0.0125, plusMinus: 0.0011) == "-0.0125 ± 0.0011")
    #expect(RunReporting.format(1234.5, plusMinus: 2.25) == "1234 ± 2.25")
    #expect(RunReporting.format(0.0009, plusMinus: 0.02) == "0.0009 ± 0.0200")
  }
}
