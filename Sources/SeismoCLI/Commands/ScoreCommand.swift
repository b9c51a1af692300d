import ArgumentParser
import CSVSource
import Foundation
import PostgresSink
import PostgresSource
import SeismoCore
import SeismoPostgres

/// `seismo score`: score data with a saved model, without retraining.
struct ScoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Score data with a model saved by `seismo detect --save-model` or stored by the postgres sink.",
    discussion: """
      Uses the saved detector, scaler, weights and threshold; nothing is retrained. The model comes \
      from a file (--model) or from seismo.models by run id (--run, with --url). The data is a CSV \
      file given as DATA, read as the training data was when it was a CSV (same time column, format \
      and gap policy), or, for a model of joined files, as many files in the same order, each read \
      as its own was (an --each model of joined files: its own file, so read); without DATA, the model's own source is read again: the same CSV files, or the \
      same PostgreSQL table or query. Models never store passwords, so give the connection with \
      --url (or PG* variables, ~/.pgpass). The data must have the model's feature columns (others \
      are left out); a file whose columns have other names is read with --set \
      'source.columns=[Close, Gold]', its columns for the model's features in the model's order (joined \
      files: the listed columns each has, file by file, so [Close] reads each file's Close). Writes \
      summary.json, scores.csv and report.html like detect; every row counts as test. It warns of \
      rows that fall within the times the model was fitted on (in sample, if they are those rows) \
      and of rows spaced otherwise than those (weekly rows for a model of daily ones).

      Examples:
        seismo detect run.yaml --save-model vix.seismo && seismo score --model vix.seismo new.csv
        seismo score --run 20261124-101500-ab12 --url "$URL" --fail-on-anomalies --in-last 1
        seismo score --run 20261124-101500-ab12 --url "$URL" --new-rows      # the nightly job

      --store also writes the scores as a new run into seismo.runs and seismo.scores (at --url), \
      as detect's postgres sink does, with the model, so --new-rows and watch can go on from the \
      new run; the database is checked before anything is scored.

      --stream reads the data a piece at a time (--piece-rows rows: a CSV file as it is read, files \
      joined on time a chunk of each as the join needs it, a long file's symbols of each time joined \
      as they come, a PostgreSQL table or query through a cursor) and writes scores.csv as it goes, \
      so memory stays \
      flat however long the data: use it for data too large to load. Each \
      piece is scored with the rows of history its scores use, so flags and events are those of \
      the whole data and scores agree up to rounding (near 1e-6). It writes summary.json and \
      scores.csv but no report.html (seismo report FOLDER draws one). It needs a file's rows in \
      time order (a stream cannot sort; a table's come sorted; a long file's symbols of a time \
      together, not sorted by symbol), a point-in-time model (not attribution: mean_over_windows) \
      and, for discord, a bounded history.
        seismo score --model vix.seismo --stream ten-years-of-ticks.csv
        seismo score --run 20261124-101500-ab12 --url "$URL" --stream     # a run's table

      --new-rows (with --run) is incremental scoring: it appends to that run in seismo.scores the \
      rows newer than the last one scored, and nothing else, so running it again adds nothing. The \
      data is read whole, but only the new rows are scored, with the rows of history their scores \
      use; an adaptive threshold and the events rule carry on from the run's stored scores, and \
      the run's events in seismo.events grow with the new flags. A threshold version that \
      rethreshold gave the run with a cut-off per row cuts the new rows too, carrying on from \
      the cut-offs it keeps, and its events grow with its flags. Rows at the end of a table, or \
      of joined CSV files, that miss an indicator (loaded one at a time, vix before spx) wait for \
      it, and are scored at a later call once it has come; the source's wait_for says which features to wait \
      for (all by default; --set source.wait_for=[] scores them at once). Rows scored before \
      that have changed in the table since (a restated print, or a late one where a value was \
      carried) are named in a warning: their \
      stored scores used the old values. A model of levels warns when a quarter of the new rows \
      lie outside a feature's training range, and any run warns of a feature whose data stopped \
      among the new rows (carried by gaps: ffill), went stale (one value repeated) or has a hole \
      there, and of the table's rows \
      after the source's end (to:), which it never reads (--set source.to= reads on). Its \
      warnings are stored \
      with the run (seismo.run_warnings; \
      runs show lists them). (A \
      query, a CSV file, a model whose scores look ahead or a discord without a bounded history \
      score the whole data instead.) A walk-forward run (split.refit_every) refits as detect \
      would once the new rows reach its next refit: the folds due are fitted on the rows before \
      them, score the rows from there, and the run keeps the last one's model. It writes no \
      folder; --json prints what it appended \
      (new_rows, anomalies and alerts (the rows where an event alerts) under the run's latest \
      threshold_version, as seismo.anomalies lists them), what waits \
      (waiting, waiting_for), what changed (restated, restated_from, restated_to), the folds \
      refitted (refits) and the warnings, and \
      --fail-on-anomalies counts the new rows only (--in-last N: those among the last N rows).
      """)

  @Option(help: "The saved model file.")
  var model: String?

  @Option(
    name: .customLong("run"),
    help: ArgumentHelp("Take the model the postgres sink stored for this run (seismo.models).", valueName: "run-id"))
  var runID: String?

  @Option(help: "postgresql:// URL for --run and for a model trained from PostgreSQL (default: the PG* variables).")
  var url: String?

  @Argument(
    help: ArgumentHelp(
      "CSV file to score, or as many as the model's source joined, in its order (default: the source the model was trained from).",
      valueName: "data"))
  var data: [String] = []

  @OptionGroup var sourceOverrides: SourceOverrides
  var overrides: [String] { sourceOverrides.values }

  @Option(help: "Output folder (default: seismo-out/RUN_ID).")
  var out: String?

  @Flag(help: "Append the rows newer than the run's last scored row to that run in PostgreSQL (with --run).")
  var newRows = false

  @Flag(help: "Also store the scores as a new run in PostgreSQL (at --url), as detect's postgres sink does.")
  var store = false

  @Flag(help: "Read the data a piece at a time and write scores.csv as it goes: memory stays flat (no report.html).")
  var stream = false

  @Option(help: "Rows per piece with --stream (default: \(Self.defaultPieceRows)).")
  var pieceRows: Int?

  static let defaultPieceRows = 65_536

  @Flag(help: "Print nothing but warnings and errors.")
  var quiet = false

  @OptionGroup var scripting: ScriptingOptions

  func validate() throws {
    guard (model == nil) != (runID == nil) else { throw ValidationError("give the model as --model FILE or --run RUN_ID") }
    if newRows, runID == nil { throw ValidationError("--new-rows appends to a stored run: give it with --run RUN_ID") }
    if stream, newRows || store {
      throw ValidationError("--stream writes a run folder only; drop --\(newRows ? "new-rows" : "store")")
    }
    if let pieceRows {
      guard stream else { throw ValidationError("--piece-rows sets the pieces of --stream; add --stream") }
      guard pieceRows >= 1 else { throw ValidationError("--piece-rows must be at least 1") }
    }
    if newRows, store {
      throw ValidationError("--new-rows appends to the stored run and --store writes a new one: choose one")
    }
    if newRows, out != nil {
      throw ValidationError(
        "--new-rows appends to the stored run and writes no folder; for a folder of the whole data, drop --new-rows")
    }
  }

  /// The run config that scores with `saved`: the CSV files `data` when given, else the model's own
  /// source, with `url` as its connection when given. As many files as the model's CSV source read
  /// are read as it read its own (their columns, `as` names and settings); one file otherwise
  /// holds the model's features under their own names (read as the training data was if that
  /// was a CSV too), or, for one indicator of joined files, is read as that indicator's file was
  /// when it has no column of its name. Only the model's features are read.
  /// `overrides` (`source.KEY=VALUE`) then change how the source reads, checked as a config's.
  static func config(for saved: SavedModel, data: [String], url: String? = nil, overrides: [String] = []) throws
    -> RunConfig
  {
    var source = saved.source
    let trainedFiles = source.plugin == CSVSource.descriptor.name ? source.parameters.ifDeclared(CSVSource.path)?.count : nil
    if !data.isEmpty, data.count == trainedFiles {
      source.parameters.set(CSVSource.path, data)
      // A long file's model, and a file with a column for each feature instead of a symbol column.
      if source.parameters.ifDeclared(CSVSource.layout) == .long, let header = header(of: source.parameters),
        let symbolColumn = source.parameters.ifDeclared(CSVSource.symbolColumn), !header.contains(symbolColumn),
        saved.features.allSatisfy(header.contains)
      {
        Self.readWide(&source.parameters)
      }
    } else if !data.isEmpty {
      guard data.count == 1 else {
        let read = trainedFiles.map { "\($0) file\($0 == 1 ? "" : "s")" } ?? "\(source.plugin) data"
        throw SeismoError.invalidInput(
          "the model's source read \(read), and \(data.count) files are given: give as many, in its order, or one file with the model's features (\(saved.features.joined(separator: ", ")))"
        )
      }
      if let own = Self.ownFileReading(for: saved, of: source, file: data[0]) {
        source.parameters = own
      } else {
        if source.plugin != CSVSource.descriptor.name {
          source = PluginChoice(
            plugin: CSVSource.descriptor.name, parameters: Parameters(specs: CSVSource.descriptor.parameters))
        }
        // The file has the model's features under their own names; of joined files' formats, the
        // first file's is taken (`--set` says otherwise).
        source.parameters.set(CSVSource.path, data)
        source.parameters.set(CSVSource.renames, [])
        Self.readWide(&source.parameters)
        for setting in CSVSource.perFile {
          if let first = source.parameters.ifDeclared(setting)?.first { source.parameters.set(setting, [first]) }
        }
      }
    } else if let url, source.parameters.ifDeclared(PostgresSource.url) != nil {
      source.parameters.set(PostgresSource.url, url)
    }
    // Only the model's features are read. A run of one indicator of joined files (`--each`) reads
    // its own file, on its own times; renamed features are read from the columns `as` names, and
    // features named for their files as they were.
    if source.plugin == CSVSource.descriptor.name {
      if saved.features.count == 1, let alone = CSVSource.narrowing(source.parameters, to: saved.features[0]) {
        source.parameters = alone
      } else {
        source.parameters = CSVSource.reading(saved.features, with: source.parameters)
      }
    }
    var config = RunConfig(
      source: source, detector: saved.detector, threshold: saved.threshold, events: saved.events,
      ensemble: saved.ensemble.isEmpty
        ? nil : saved.ensemble.map { EnsembleMember(detector: $0.detector, threshold: $0.threshold) })
    if !overrides.isEmpty {
      config.source =
        try RunConfig.parse(
          yaml: config.yamlDocument(), origin: "the model's source", overrides: overrides, registry: StandardPlugins.registry,
          stored: true
        ).source
    }
    if let columns = overrides.last(where: { RunConfig.key(ofOverride: $0) == "source.columns" }) {
      try readFeatures(from: columns, of: &config.source, for: saved, data: data)
    }
    return config
  }

  /// For one indicator of joined files (an `--each` model) and a `file` without a column of its
  /// name: the settings that read the file as the indicator's own file was read (its format; the
  /// column it had, under the feature's name). Nil otherwise.
  private static func ownFileReading(for saved: SavedModel, of source: PluginChoice, file: String) -> Parameters? {
    guard source.plugin == CSVSource.descriptor.name, saved.features.count == 1,
      var own = CSVSource.narrowing(source.parameters, to: saved.features[0])
    else { return nil }
    own.set(CSVSource.path, [file])
    guard let header = header(of: own), !header.contains(saved.features[0]) else { return nil }
    return own
  }

  /// `parameters` of a long file's model (`layout: long`) changed to read a file with a column
  /// for each feature, named as the feature.
  private static func readWide(_ parameters: inout Parameters) {
    guard parameters.ifDeclared(CSVSource.layout) == .long else { return }
    parameters.set(CSVSource.layout, .wide)
    if let symbol = CSVSource.symbolColumn.spec.defaultValue { parameters.set(CSVSource.symbolColumn.name, symbol) }
    parameters.set(CSVSource.symbols, [])
  }

  /// The header of the one CSV file that `parameters` read; nil when it cannot be read (loading
  /// it then says why).
  private static func header(of parameters: Parameters) -> [String]? { try? CSVSource.resolved(parameters)?.header() }

  /// `--set source.columns=[…]` (`setting`): the columns of the CSV files `data` that hold the
  /// model's features, in the model's order, read under the features' names (`as`). Joined files
  /// give the columns each has, file by file, as `as` names them: `[Close]` reads two files'
  /// `Close` as the model's two features.
  private static func readFeatures(
    from setting: String, of source: inout PluginChoice, for saved: SavedModel, data: [String]
  ) throws {
    let features = saved.features.joined(separator: ", ")
    guard !data.isEmpty, source.plugin == CSVSource.descriptor.name else {
      throw SeismoError.invalidInput(
        "--set \(setting): names the columns of a CSV file given as DATA that hold the model's features (\(features)); the model's own source is read with its own columns"
      )
    }
    var unnamed = source.parameters
    unnamed.set(CSVSource.renames, [])
    if let read = try CSVSource.columnsRead(unnamed), read.count != saved.features.count {
      let given =
        data.count == 1
        ? "names \(read.count) column\(read.count == 1 ? "" : "s")"
        : "gives \(read.count) column\(read.count == 1 ? "" : "s") of \(data.count) files (\(read.map { "\($0.path): \($0.column)" }.joined(separator: ", ")))"
      throw SeismoError.invalidInput(
        "--set \(setting): \(given), and the model has \(saved.features.count) feature\(saved.features.count == 1 ? "" : "s") (\(features)): name the \(data.count == 1 ? "file's column" : "files' columns") for each, in that order\(data.count == 1 ? "" : ", file by file (each file gives the listed columns it has)")"
      )
    }
    source.parameters.set(CSVSource.renames, saved.features)
  }

  func run() throws {
    var anomalies = 0
    try reportingErrors {
      let saved = try runID.map { try Self.storedModel(run: $0, url: url ?? "") } ?? Self.modelFile(model ?? "")
      if stream {
        anomalies = try scoreStream(saved)
        return
      }
      let sink =
        try store
        ? PostgresSink(
          parameters: Parameters(
            specs: PostgresSink.descriptor.parameters, values: ["url": .text(url ?? ""), "save_model": .boolean(true)]))
        : nil
      try sink?.prepare()  // an unreachable database or missing schema fails before any scoring
      let config = try Self.config(for: saved, data: data, url: url, overrides: overrides)
      if newRows, let runID {
        anomalies = try appendNewRows(saved, config: config, to: runID)
        return
      }
      let staged = try out.map(StagedFolder.init)
      let shared = CountProgress.Line()
      let reading = CountProgress("reading", sharing: shared)
      let scoring = CountProgress("scoring", sharing: shared)
      let cutting = CountProgress("cutting", sharing: shared)
      let lines = [reading, scoring, cutting]
      defer { for line in lines { line.finish() } }
      let result = try DetectionPipeline.score(
        saved, config: config, registry: StandardPlugins.registry, reading: quiet ? nil : reading.update,
        scoring: quiet ? nil : scoring.update, cutting: quiet ? nil : cutting.update, judging: scripting.inLast,
        log: {
          for line in lines { line.finish() }
          Console.narrate($0, quiet: quiet)
        })
      for line in lines { line.finish() }
      let directory = out ?? "seismo-out/\(result.runID)"
      try RunOutput.write(result, to: try staged ?? StagedFolder(directory))
      if let sink {
        let storing = CountProgress("storing")
        defer { storing.finish() }
        try sink.write(result, observer: quiet ? nil : storing.update)
        storing.finish()
        if !quiet && !scripting.json { Console.err("stored the scores as run \(result.runID) in seismo.runs") }
      }
      if scripting.json {
        scripting.printJSON(try RunSummary(result).jsonData())
      } else if !quiet {
        RunReporting.lines(for: result, directory: directory).forEach(Console.out)
      }
      anomalies = scripting.counted(result)
    }
    try scripting.finish(anomalies: anomalies)
  }

  /// `--new-rows`: appends the scores of the data's rows after run `runID`'s last scored row to
  /// the run, and says what it appended.
  /// - Returns: the anomalies that count for `--fail-on-anomalies`.
  func appendNewRows(_ saved: SavedModel, config: RunConfig, to runID: String) throws -> Int {
    let db = try SchemaMigrator.connection(url ?? "")
    var reader = try NewRowsReader(saved, config: config, command: "score --new-rows", progress: ProgressLine(quiet: quiet))
    guard let batch = try reader.scoreNewRows(to: runID, on: db) else {
      throw SeismoError.invalidInput("the data has no row to score after the model's warm-up")
    }
    let (appended, piece) = (batch.appended, batch.piece)
    let frame = piece.frame
    let format = { (t: Timestamp?) in t.map(frame.formatTimestamp) }
    // The appended rows are the piece's last `appended.rows` scores, as the run's latest
    // threshold version judges them; --in-last N keeps the last N.
    let (scores, cutoffs) = appended.judged.map { ($0.scores, $0.cutoffs) } ?? (piece.scores.values, piece.cutoffs)
    let counted = (scores.count - min(appended.rows, scripting.inLast ?? appended.rows))..<scores.count
    let version = appended.judged.map { " (threshold version \($0.version))" } ?? ""
    let waiting = reader.waiting
    batch.warnings.forEach(Console.err)
    if scripting.json {
      let summary: [String: Any] = [
        "run_id": runID, "new_rows": appended.rows, "anomalies": appended.flagged,
        "threshold_version": appended.thresholdVersion, "alerts": appended.alerts.count,
        "after": format(appended.lastBefore) ?? NSNull(), "up_to": format(appended.lastAfter) ?? NSNull(),
        "waiting": waiting?.rows ?? 0, "waiting_for": waiting?.missing ?? [],
        "restated": batch.restated.count, "restated_from": format(batch.restated.first) ?? NSNull(),
        "restated_to": format(batch.restated.last) ?? NSNull(), "warnings": batch.warnings, "refits": batch.refits,
      ]
      scripting.printJSON(try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys]))
    } else if !quiet {
      for refit in batch.refits { Console.out("run \(runID): refitted \(refit)") }
      let since = format(appended.lastBefore).map { " after \($0)" } ?? ""
      Console.out(
        (appended.rows == 0
          ? "run \(runID): no new rows\(since)"
          : "run \(runID): scored \(appended.rows) new row\(appended.rows == 1 ? "" : "s")\(since), \(appended.flagged) anomal\(appended.flagged == 1 ? "y" : "ies")\(version)")
          + (waiting.map { "; \($0.description)" } ?? "")
      )
    }
    return counted.filter { scores[$0] > cutoffs[$0] }.count
  }

  /// `--stream`: scores `saved`'s data a piece at a time into the output folder.
  /// - Returns: the anomalies that count for `--fail-on-anomalies`.
  func scoreStream(_ saved: SavedModel) throws -> Int {
    let config = try Self.config(for: saved, data: data, url: url, overrides: overrides)
    let runID = RunResult.makeID()
    let staged = try StagedFolder(out ?? "seismo-out/\(runID)")
    let reading = CountProgress("reading")
    defer { reading.finish() }
    let run = try staged.fill { directory in
      try RunFolder(directory).write(featureNames: saved.features, members: saved.members.count) { write in
        try DetectionPipeline.scoreStream(
          saved, config: config, registry: StandardPlugins.registry, runID: runID, pieceRows: pieceRows ?? Self.defaultPieceRows,
          reading: quiet ? nil : reading.update, judging: scripting.inLast, write: write,
          log: {
            reading.finish()
            Console.narrate($0, quiet: quiet)
          })
      }
    }
    reading.finish()
    if scripting.json {
      scripting.printJSON(try RunSummary(run).jsonData())
    } else if !quiet {
      RunReporting.lines(for: run, directory: staged.destination).forEach(Console.out)
    }
    return scripting.counted(run)
  }

  /// The model in the file at `path`.
  static func modelFile(_ path: String) throws -> SavedModel {
    let bytes = try readFile(path, folderHint: "pass the model file saved by detect --save-model")
    return try SavedModel.decode(bytes, origin: path)
  }

  /// The model the postgres sink stored with run `runID`. A run that does not exist, or that
  /// stored no model, is an input error (exit 1), not a database failure to retry.
  static func storedModel(run runID: String, url: String) throws -> SavedModel {
    let db = try SchemaMigrator.connection(url)
    let rows = try db.execute(
      "SELECT m.model FROM seismo.runs r LEFT JOIN seismo.models m ON m.run = r.id WHERE r.run_id = $1", [runID]
    ).rows
    guard let row = rows.first else {
      throw MissingRun.error(runID, on: db)
    }
    guard let hex = row.first ?? nil else {
      throw SeismoError.invalidInput(
        "run '\(runID)' stored no model: a run keeps one when its postgres sink has save_model: true (or detect --save-model writes a file for score --model)"
      )
    }
    guard let bytes = PGText.bytes(fromBytea: hex) else {
      throw SeismoError.database("postgres: the model of run '\(runID)' is not readable bytea")
    }
    return try SavedModel.decode(Data(bytes), origin: "seismo.models (run \(runID))")
  }
}
