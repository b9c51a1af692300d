import ArgumentParser
import Foundation
import SeismoCore

/// `seismo score --model FILE DATA`: score new data with a saved model, without retraining.
struct ScoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Score a CSV file with a model saved by `seismo detect --save-model`.",
    discussion: """
      Uses the saved detector, scaler, weights and threshold; nothing is retrained. The data is read \
      as the training data was (same time column, format and gap policy) and must have the model's \
      feature columns. Writes summary.json, scores.csv and report.html like detect; every row counts \
      as test.

      Example: seismo detect run.yaml --save-model vix.seismo && seismo score --model vix.seismo new.csv
      """)

  @Option(help: "The saved model file.")
  var model: String

  @Argument(help: "CSV file to score.")
  var data: String

  @Option(help: "Output folder (default: seismo-out/RUN_ID).")
  var out: String?

  @Flag(help: "Print nothing but errors.")
  var quiet = false

  @OptionGroup var scripting: ScriptingOptions

  /// The run config that scores the CSV file `data` with `saved`: read as the training data
  /// was, the model's features only.
  static func config(for saved: SavedModel, data: String) -> RunConfig {
    var source = saved.source
    source.parameters.set("path", .text(data))
    source.parameters.set("columns", .textList(saved.features))
    return RunConfig(source: source, detector: saved.detector, threshold: saved.threshold, events: saved.events)
  }

  func run() throws {
    var anomalies = 0
    try reportingErrors {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: model, isDirectory: &isFolder) else {
        throw SeismoError.file(path: model, message: "no such file")
      }
      guard !isFolder.boolValue else {
        throw SeismoError.file(path: model, message: "is a folder; pass the model file saved by detect --save-model")
      }
      guard let bytes = FileManager.default.contents(atPath: model) else {
        throw SeismoError.file(path: model, message: "cannot be read (check its permissions)")
      }
      let saved = try SavedModel.decode(bytes, origin: model)
      let staged = try out.map(StagedFolder.init)
      guard saved.source.plugin == "csv" else {
        throw SeismoError.invalidInput("\(model) was trained from a '\(saved.source.plugin)' source; score reads CSV files")
      }
      let run = try DetectionPipeline.score(
        saved, config: Self.config(for: saved, data: data), registry: StandardPlugins.registry,
        log: { if !quiet { Console.err($0) } })
      let directory = out ?? "seismo-out/\(run.runID)"
      try RunOutput.write(run, to: try staged ?? StagedFolder(directory))
      if scripting.json {
        scripting.printJSON(try RunSummary(run).jsonData())
      } else if !quiet {
        RunReporting.lines(for: run, directory: directory).forEach(Console.out)
      }
      anomalies = scripting.counted(run)
    }
    try scripting.finish(anomalies: anomalies)
  }
}
