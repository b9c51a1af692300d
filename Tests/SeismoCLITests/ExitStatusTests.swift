import Foundation
import Testing

/// The documented exit statuses: 64 usage, 1 data/config, 2 database, 3 anomalies when asked;
/// and `--json` for scripts.
@Suite struct ExitStatusTests {
  @Test(arguments: [
    (["ingest", "data.csv", "--table", "t", "--gaps", "bogus"], "The value 'bogus' is invalid for '--gaps <gaps>'"),
    (["ingest", "data.csv", "--table", "t", "--delimiter", ";;"], "--delimiter: expected one character"),
    (["ingest", "data.csv", "--table", "t", "--time-format", "%Y-%j"], "--time-format '%Y-%j': %j is not a directive it knows"),
    (["ingest", "data.csv", "--table", "t", "--column", "a", "--column", "b", "--as", "x"], "(2 --column, 1 --as)"),
    (
      ["ingest", "data.csv", "--table", "t", "--column", "a", "--column", "b", "--as", "x", "--as", "x"],
      "--as 'x' is given twice"
    ),
    (["watch", "--run", "r", "--set", "detector.window=3"], "its detector and threshold stay as trained"),
    (["runs", "delete", "--older-than", "bogus"], "--older-than 'bogus': expected a whole number and a unit"),
    (["runs", "delete", "--older-than=-5d"], "--older-than '-5d': expected"),
    (["runs", "delete", "--older-than", "0d"], "--older-than '0d': every run is older than that; give an age above 0"),
    (["plugins", "--kind", "nope"], "The value 'nope' is invalid for '--kind <kind>'"),
    (["plugins", "lstm-autoencodr"], "unknown plugin 'lstm-autoencodr' (did you mean 'lstm-autoencoder'?); known: csv,"),
    (["plugins", "fixed", "--kind", "source"], "'fixed' is no source plugin; drop --kind source"),
    (["demo", "--days", "5"], "--days must be at least 100"),
    (["forecast", "run.yaml", "--mode", "multi", "--horizon", "0"], "--horizon must be at least 1"),
    (["forecast", "run.yaml", "--horizon", "20"], "--horizon sets the sequences of --mode multi; add --mode multi"),
    (["forecast", "run.yaml", "--mode", "full", "--horizon", "20"], "--horizon sets the sequences of --mode multi"),
    (["score", "--model", "m.seismo", "--piece-rows", "10"], "--piece-rows sets the pieces of --stream; add --stream"),
    (["ingest", "data.csv", "--table", "t", "--time-column", "none"], "--time-column none: a table's rows need times"),
    (["detect", "run.yaml", "--force"], "--force lets --save-model replace a file; give --save-model"),
    (["detect", "run.yaml", "--jobs", "3"], "--jobs sets how many indicators --each runs at once"),
    (["detect", "run.yaml", "--in-last", "5"], "--in-last goes with --fail-on-anomalies"),
    (["detect", "run.yaml", "--each", "--jobs", "0"], "--jobs must be at least 1"),
    (["detetc", "run.yaml"], "Error: unknown command 'detetc' (did you mean 'detect'?); its commands: demo, detect,"),
    (
      ["runs", "lst", "--url", "x"],
      "Error: unknown command 'lst' for 'seismo runs' (did you mean 'list'?); its commands: list, show, delete"
    ),
    (["help", "runs", "lst"], "Error: unknown command 'lst' for 'seismo runs' (did you mean 'list'?)"),
    (
      ["runs", "--url=postgresql://u:secret@h/db", "list"],
      "Error: '--url' comes before a command of 'seismo runs'; options follow the command they are for: seismo runs list --url …\nUsage: seismo runs <subcommand>"
    ),
    (["jobs", "--url", "x"], "Error: '--url' comes before a command of 'seismo jobs'; its commands: enqueue, list,"),
    (["--quiet", "detect", "run.yaml"], "options follow the command they are for: seismo detect --quiet …"),
    (
      ["db", "status"],
      "Error: unknown command 'status' for 'seismo db'; its commands: migrate, watch\nUsage: seismo db <subcommand>"
    ),
  ])
  func usageErrorsExit64WithTheUsage(_ arguments: [String], _ expected: String) throws {
    let scratch = try Scratch()
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    let result = try CLI.run(arguments, in: scratch.url)
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
    #expect(result.stderr.contains(expected) && result.stderr.contains("Usage:"), "\(result.stderr)")
    #expect(!result.stderr.contains("secret"), "an option's value may be a password")
  }

  @Test func anUnreachableDatabaseExits2() throws {
    let scratch = try Scratch()
    try scratch.write(
      "run.yaml",
      "source: { plugin: postgres, url: \"postgresql://u@127.0.0.1:1/db\", table: t }\ndetector: { plugin: rolling-zscore }\n")
    let result = try CLI.run(["detect", "run.yaml", "--out", "o"], in: scratch.url)
    #expect(result.status == 2, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("error: postgres: cannot connect"))
  }

  @Test func anomaliesExit3OnlyWhenAskedAndCounted() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 300, spikes: [250]))
    try scratch.write(
      "run.yaml",
      "source: { plugin: csv, path: data.csv }\nsplit: { train_fraction: 0.5 }\ndetector: { plugin: rolling-zscore, window: 20 }\nthreshold: { plugin: fixed, value: 6 }\n"
    )
    func detect(_ extra: [String]) throws -> CLI.Result {
      try CLI.run(["detect", "run.yaml", "--out", "o", "--quiet"] + extra, in: scratch.url)
    }
    #expect(try detect([]).status == 0, "not asked")
    let asked = try detect(["--fail-on-anomalies"])
    #expect(asked.status == 3, "\(asked.stderr)")
    #expect(asked.stderr.contains("anomal") && asked.stderr.contains("in the test part: exit status 3"), "\(asked.stderr)")
    #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("o/summary.json").path))
    #expect(try detect(["--fail-on-anomalies", "--in-last", "20"]).status == 0, "the spike is 50 rows before the end")
    #expect(try detect(["--fail-on-anomalies", "--in-last", "60"]).status == 3)
    let each = try detect(["--each", "--fail-on-anomalies"])
    #expect(each.status == 3, "\(each.stderr)")
    try scratch.write("calm.csv", syntheticCSV(rows: 300, spikes: []))
    let calm = try CLI.run(
      ["detect", "run.yaml", "--set", "source.path=calm.csv", "--out", "c", "--quiet", "--fail-on-anomalies"], in: scratch.url)
    #expect(calm.status == 0, "\(calm.stderr)")
  }

  @Test func jsonPrintsTheSummaryAlone() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    let result = try CLI.run(["detect", "run.yaml", "--out", "o", "--json"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(summary?["run_id"] as? String != nil && summary?["anomaly_count"] as? Int != nil, "\(result.stdout.prefix(200))")
    #expect(result.stdout == (try scratch.read("o/summary.json")) + "\n")
    let each = try CLI.run(["detect", "run.yaml", "--out", "e", "--each", "--json"], in: scratch.url)
    let combined = try JSONSerialization.jsonObject(with: Data(each.stdout.utf8)) as? [String: Any]
    #expect((combined?["runs"] as? [Any])?.count == 2, "\(each.stdout.prefix(200))")
  }
}
