import ArgumentParser
import Foundation
import PostgresSink
import SeismoCore
import SeismoPostgres

/// `seismo rethreshold RUN --set threshold.KEY=VALUE`: a new threshold version for a stored run,
/// computed from its stored scores, without retraining.
struct RethresholdCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rethreshold",
    abstract: "Give a stored run another threshold, from its stored scores, without retraining.",
    discussion: """
      Reads the run's scores from seismo.scores, calibrates the threshold rule on the same \
      training scores the run used, and stores the result as a new version in \
      seismo.threshold_versions, with the events of its flags (the run's events rule) in \
      seismo.events. The seismo.anomalies and seismo.current_events views then use it; earlier \
      versions stay. \
      A walk-forward run is re-cut fold by fold, each fold's rule calibrated on that fold's own \
      training scores, as detect did. In SQL, \
      seismo.flagged_at(run_id, cut_off) lists what a fixed cut-off would flag. \
      An ensemble's stored scores are margins over each member's own cut-off, which no member's \
      new rule can re-cut; --margin M gives them another cut-off instead, the same for every \
      member: a row is flagged when some member's score is above its cut-off by M times it.

      Examples:
        seismo rethreshold 20261124-101500-ab12 --url "$URL" --set threshold.percentile=99.5
        seismo rethreshold 20261124-101500-ab12 --url "$URL" --set threshold.plugin=spot --set threshold.risk=1e-4
        seismo rethreshold 20261124-101500-ab12 --url "$URL" --margin 0.5    # an ensemble, stricter
      """)

  @Argument(help: "The run id.")
  var runID: String

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "A threshold setting, e.g. threshold.percentile=99 or threshold.plugin=fixed (repeatable).",
      valueName: "threshold.key=value"))
  var overrides: [String] = []

  @Option(
    help: ArgumentHelp(
      "An ensemble's run: flag the rows whose margin is above M (0 flags as the run did; 0.5, a member's score half again above its cut-off; -0.2, within a fifth below it).",
      valueName: "M"))
  var margin: Double?

  @OptionGroup var connection: ConnectionOptions

  func validate() throws {
    if let margin {
      guard overrides.isEmpty else {
        throw ValidationError("--margin cuts an ensemble's margins and --set re-cuts one detector's scores: give one of them")
      }
      // A row that no member cuts yet has margin −1, and must stay unflagged.
      guard margin > -1, margin.isFinite else { throw ValidationError("--margin \(margin): give a number above -1") }
      return
    }
    guard !overrides.isEmpty else {
      throw ValidationError("say what changes with --set threshold.KEY=VALUE (an ensemble's run: --margin M)")
    }
    // An ensemble member's threshold (ensemble[K].threshold.*) passes here: the run says why it
    // cannot be re-cut.
    if let other = overrides.first(where: { !$0.hasPrefix("threshold.") && !$0.contains(/^ensemble\[\d+\]\.threshold\./) }) {
      throw ValidationError("--set \(other): only threshold.* settings change without retraining")
    }
  }

  func run() throws {
    try reportingErrors {
      let db = try SchemaMigrator.connection(connection.url)
      let found = try db.execute(
        """
        SELECT id::text, config::text, anomaly_count::text FROM seismo.runs WHERE run_id = $1
        """, [runID]
      ).rows
      guard let row = found.first, let id = row[0], let configText = row[1] else { throw MissingRun.error(runID, on: db) }
      let storedConfig = try JSONDecoder().decode(RunConfig.self, from: Data(configText.utf8))
      // What re-cuts the scores, checked before any is read.
      let cut: Cut
      if storedConfig.ensemble != nil {
        guard let margin else {
          throw SeismoError.invalidInput(
            "run '\(runID)' is an ensemble: its stored scores are margins over each member's own cut-off, so one new threshold cannot re-cut them; run detect again with the new thresholds (seismo detect CONFIG --set threshold.KEY=VALUE, or --set ensemble[K].threshold.KEY=VALUE for member K + 1), or cut its margins elsewhere with --margin M"
          )
        }
        cut = .margin(margin)
      } else {
        guard margin == nil else {
          throw SeismoError.invalidInput(
            "run '\(runID)' has one detector, whose scores have no margins: --margin cuts an ensemble's; give its threshold with --set threshold.KEY=VALUE"
          )
        }
        cut = .rule(
          try RunConfig.parse(
            yaml: try storedConfig.yamlDocument(), origin: "run \(runID)", overrides: overrides,
            registry: StandardPlugins.registry, stored: true
          ).threshold)
      }
      guard let stored = try PostgresSink.storedScores(of: runID, on: db) else {
        throw SeismoError.invalidInput("run '\(runID)' has no stored scores")
      }
      guard stored.isContiguous else {
        throw SeismoError.state("run '\(runID)' lacks stored scores between rows \(stored.firstRow) and \(stored.lastRow)")
      }
      let scores = stored.scores
      let firstRow = stored.firstRow
      let recut: Recut
      switch cut {
      case .rule(let choice): recut = try recutting(stored, by: choice, on: db)
      case .margin(let margin):
        recut = Recut(
          plugin: "margin", parameters: "{\"value\": \(margin)}", cutoffs: Array(repeating: Float(margin), count: scores.count))
      }
      let cutoffs = recut.cutoffs
      let constant = cutoffs.allSatisfy { $0 == cutoffs[0] } && cutoffs[0].isFinite
      let flagged = zip(scores, cutoffs).filter { $0 > $1 }.count
      let (version, events) = try db.transaction { () -> (Int, Int) in
        // One version at a time, and no rows appended while its events are computed.
        let key = String(Int32(truncatingIfNeeded: Int64(id) ?? 0))
        try db.execute("SELECT pg_advisory_xact_lock(8117316, $1::int)", [key])
        try db.execute("SELECT pg_advisory_xact_lock(8117317, $1::int)", [key])
        let inserted =
          try db.execute(
            """
            INSERT INTO seismo.threshold_versions (run, version, plugin, parameters, cutoff, first_row, cutoff_count)
            SELECT $1::bigint, coalesce(max(version), 1) + 1, $2, $3::jsonb, $4::real, $5::integer, $6::integer
            FROM seismo.threshold_versions WHERE run = $1::bigint
            RETURNING version::text
            """,
            [
              id, recut.plugin, recut.parameters,
              constant ? String(cutoffs[0]) : nil, String(firstRow), constant ? nil : String(cutoffs.count),
            ]
          ).rows.first?.first.flatMap { $0.flatMap(Int.init) }
        guard let version = inserted else { throw SeismoError.database("postgres: the new threshold version got no number") }
        if !constant {  // a row each, from firstRow on; an infinite cut-off (none yet) is NULL
          try db.execute(
            """
            INSERT INTO seismo.threshold_cutoffs (run, version, row_no, cut)
            SELECT $1::bigint, $2::integer, $3::integer + u.k::integer - 1, u.cut
            FROM unnest($4::real[]) WITH ORDINALITY AS u(cut, k)
            """,
            [
              id, String(version), String(firstRow),
              "{" + cutoffs.map { $0.isFinite ? String($0) : "NULL" }.joined(separator: ",") + "}",
            ])
        }
        try PostgresSink.updateEvents(
          of: id, version: version, from: firstRow, rule: storedConfig.eventRule, on: db)
        let events = try db.execute(
          "SELECT count(*)::text FROM seismo.events WHERE run = $1::bigint AND version = $2::integer", [id, String(version)])
        return (version, events.rows.first?.first.flatMap { $0.flatMap(Int.init) } ?? 0)
      }
      Console.out(
        "run \(runID): threshold version \(version) (\(recut.plugin)\(constant ? ", cut-off \(cutoffs[0])" : ", per row")): \(flagged) anomal\(flagged == 1 ? "y" : "ies") in \(events) event\(events == 1 ? "" : "s") (version 1 had \(row[2] ?? "?"))"
      )
    }
  }

  /// What re-cuts a run's stored scores: one detector's rule (the one `--set` makes of its own),
  /// or an ensemble's cut-off on its margins (`--margin`).
  private enum Cut {
    case rule(PluginChoice)
    case margin(Double)
  }

  /// A new version: its rule's plugin and parameters (JSON), and a cut-off per stored score.
  private struct Recut {
    var plugin: String
    var parameters: String
    var cutoffs: [Float]
  }

  /// Run `runID`'s `stored` scores re-cut by `choice`, calibrated as the run's rule was: on its
  /// training scores, or fold by fold on each fold's own.
  private func recutting(_ stored: PostgresSink.StoredScores, by choice: PluginChoice, on db: PGConnection) throws -> Recut {
    let (calibration, foldCount) = try PostgresSink.storedCalibration(of: runID, on: db)
    guard let entry = StandardPlugins.registry.thresholds[choice.plugin] else {
      throw SeismoError.state("threshold plugin '\(choice.plugin)' is not registered")
    }
    let rule = try entry.make(choice.parameters)
    let cutoffs: [Float]
    var firstCalibration = calibration  // the first fold's, walking forward
    if foldCount > 1 {
      let folds = try PostgresSink.storedFoldScores(of: runID, on: db)
      guard folds.count == foldCount else {
        throw SeismoError.invalidInput(
          "run '\(runID)' walked forward over \(foldCount) folds but was stored before Seismo kept each fold's training scores (schema version 9); run detect again to rethreshold it"
        )
      }
      cutoffs = try rule.cutoffs(for: stored.scores, firstRow: stored.firstRow, walkingForward: folds)
      firstCalibration = folds.first?.calibrationCount ?? 0
    } else {
      do {
        cutoffs = try rule.calibratedCutoffs(for: stored.scores, calibrationCount: calibration).cutoffs
      } catch SeismoError.invalidInput(let why) where calibration == 0 {
        throw SeismoError.invalidInput(
          "run '\(runID)' was scored by a saved model and has no training scores to calibrate on (\(why)); rethreshold the run that trained the model, or give a cut-off (threshold.plugin=fixed)"
        )
      }
    }
    if let said = rule.calibrationWarning(scores: firstCalibration) {
      Console.err("warning: threshold \(choice.plugin): \(said)")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return Recut(
      plugin: choice.plugin, parameters: String(decoding: try encoder.encode(choice.parameters), as: UTF8.self), cutoffs: cutoffs)
  }
}
