import ArgumentParser
import Foundation
import LSTMForecaster
import SeismoCore

/// `seismo forecast CONFIG.yaml`: train an lstm-forecaster and forecast the test part in prices.
struct ForecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forecast",
    abstract: "Train the config's lstm-forecaster and forecast the test part, in the data's units.",
    discussion: """
      Modes, as the univariate forecasting seed:
        point  each day from the true window before it (one step ahead)
        full   from the first test window, then only from its own forecasts
        multi  like full, restarting from the true window every --horizon days
      Writes OUT/forecast.csv: timestamp, sequence (the restart it belongs to), then actual_<f> and \
      forecast_<f> for each feature, and prints the mean absolute error per feature, beside that \
      of the naive forecast that holds the last known value (the row before, in point mode; the \
      row before the sequence, in full and multi), which a forecaster must beat to be worth using. \
      A forecaster of changes (transform: diff or log_return) forecasts each row's change from \
      the row before, so a sequence compounds its changes from the last true value.

      Example: seismo forecast examples/sp500-univariate.yaml --mode multi --horizon 50
      """)

  @OptionGroup var configFile: ConfigFileOptions

  @Option(help: "point, full or multi.")
  var mode: Mode = .point

  @Option(help: "Days per sequence in multi mode (default: \(Self.defaultHorizon)).")
  var horizon: Int?

  static let defaultHorizon = 50

  @Option(help: "Output folder.")
  var out = "seismo-out/forecast"

  @Flag(help: "Print nothing but warnings, errors and the result.")
  var quiet = false

  enum Mode: String, ExpressibleByArgument { case point, full, multi }

  func validate() throws {
    if let horizon {
      guard mode == .multi else { throw ValidationError("--horizon sets the sequences of --mode multi; add --mode multi") }
      guard horizon >= 1 else { throw ValidationError("--horizon must be at least 1") }
    }
  }

  func run() throws {
    try reportingErrors {
      var runConfig = try configFile.load()
      runConfig.importance = nil  // a forecast prints no importance: not worth its re-scorings
      guard runConfig.detector.plugin == LSTMForecasterDetector.descriptor.name else {
        throw SeismoError.config(
          key: "detector.plugin", location: configFile.config,
          message: "forecast needs lstm-forecaster, not '\(runConfig.detector.plugin)'")
      }
      guard runConfig.ensemble == nil, try SplitPolicy(parameters: runConfig.split).refitEvery == nil else {
        throw SeismoError.config(
          key: runConfig.ensemble == nil ? "split.refit_every" : "ensemble", location: configFile.config,
          message: "forecast fits one forecaster once; drop it")
      }
      try makeOutputFolder(out)  // before training: a wrong --out is said at once
      // The detection pipeline loads, splits and fits, exactly as detect would; the fitted model
      // then forecasts.
      let pipeline = DetectionPipeline(registry: StandardPlugins.registry, config: runConfig)
      try pipeline.validate()
      let loaded = try pipeline.loadSource()
      // Before training: a split that leaves nothing to forecast is said at once.
      let frame = loaded.frame
      guard try SplitPolicy(parameters: runConfig.split).trainRows(of: frame) < frame.rowCount else {
        throw SeismoError.invalidInput(
          "the split trains on every row (\(frame.rowCount), to \(frame.formatTimestamp(frame.timestamps[frame.rowCount - 1]))), which leaves none to forecast; set an earlier split.train_until or a smaller split.train_fraction"
        )
      }
      let progress = ProgressLine(quiet: quiet)
      let scoring = CountProgress("scoring")
      defer { scoring.finish() }
      let run = try pipeline.run(
        loaded, observer: progress.observer, scoring: quiet ? nil : scoring.update,
        log: { message in
          scoring.finish()
          progress.finish()
          Console.narrate(message, quiet: quiet)
        })
      scoring.finish()
      progress.finish()
      let trainRows = run.trainRows
      guard let state = run.detectorState else { throw SeismoError.state("the run kept no forecaster to forecast with") }
      let detector = try LSTMForecasterDetector(parameters: runConfig.detector.parameters)
      try detector.importState(state)
      let horizon = self.horizon ?? Self.defaultHorizon
      let forecastMode: LSTMForecasterDetector.ForecastMode =
        switch mode {
        case .point: .pointByPoint
        case .full: .fullSequence
        case .multi: .multiSequence(horizon: horizon)
        }
      let start = max(trainRows, detector.warmupRows)
      let predicted = try detector.forecast(frame, from: start, mode: forecastMode)
      let f = frame.featureCount
      let restart = mode == .multi ? horizon : (mode == .full ? frame.rowCount : 1)
      var text =
        CSVText.line(["timestamp", "sequence"] + frame.featureNames.flatMap { ["actual_\($0)", "forecast_\($0)"] }) + "\n"
      var absoluteErrors = [Double](repeating: 0, count: f)
      // The naive forecast's: each row forecast as the last row the sequence was given.
      var naiveErrors = [Double](repeating: 0, count: f)
      for (i, row) in (start..<frame.rowCount).enumerated() {
        var fields = [frame.formatTimestamp(frame.timestamps[row]), String(i / restart)]
        let lastKnown = start + i / restart * restart - 1
        for j in 0..<f {
          fields += [String(frame[row, j]), String(predicted[i * f + j])]
          absoluteErrors[j] += Double(abs(frame[row, j] - predicted[i * f + j]))
          naiveErrors[j] += Double(abs(frame[row, j] - frame[lastKnown, j]))
        }
        text += CSVText.line(fields) + "\n"
      }
      try write(Data(text.utf8), to: "\(out)/forecast.csv")
      let count = Double(frame.rowCount - start)
      Console.out("forecast (\(mode.rawValue)\(mode == .multi ? ", horizon \(horizon)" : "")) of \(Int(count)) test rows:")
      for j in 0..<f {
        Console.out(
          "  \(frame.featureNames[j]): mean absolute error \(String(format: "%.4g", absoluteErrors[j] / count)) (holding the last known value: \(String(format: "%.4g", naiveErrors[j] / count)))"
        )
      }
      Console.out("wrote \(out)/forecast.csv")
    }
  }
}
