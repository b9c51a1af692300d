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
      An ensemble's members are re-cut each by its own rule (threshold.* for the first, \
      ensemble[K].threshold.* for member K + 1), calibrated on its own stored training scores, \
      and the version's scores are the margins over the new cut-offs; --margin M instead gives \
      the stored margins another cut-off, the same for every member: a row is flagged when some \
      member's score is above its cut-off by M times it.

      Examples:
        seismo rethreshold 20261124-101500-ab12 --url "$URL" --set threshold.percentile=99.5
        seismo rethreshold 20261124-101500-ab12 --url "$URL" --set threshold.plugin=spot --set threshold.risk=1e-4
        seismo rethreshold 20261124-101500-ab12 --url "$URL" --set ensemble[1].threshold.percentile=99.9   # member 2
        seismo rethreshold 20261124-101500-ab12 --url "$URL" --margin 0.5    # an ensemble, stricter
      """)

  @Argument(help: "The run id.")
  var runID: String

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "A threshold setting, e.g. threshold.percentile=99 or threshold.plugin=fixed; an ensemble's member K + 1: ensemble[K].threshold.KEY=VALUE (repeatable).",
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
      let storedConfig = try RunConfig.stored(Data(configText.utf8), origin: "run \(runID)", registry: StandardPlugins.registry)
      // What re-cuts the scores, checked before any is read.
      let rule: Recut.Rule
      if let margin {
        guard storedConfig.ensemble != nil else {
          throw SeismoError.invalidInput(
            "run '\(runID)' has one detector, whose scores have no margins: --margin cuts an ensemble's; give its threshold with --set threshold.KEY=VALUE"
          )
        }
        rule = .margin(margin)
      } else {
        let config = try RunConfig.parse(
          yaml: try storedConfig.yamlDocument(), origin: "run \(runID)", overrides: overrides,
          registry: StandardPlugins.registry, stored: true)
        rule = config.ensemble == nil ? .one(config.threshold) : .members(config.members)
      }
      let members = storedConfig.members.count
      guard let stored = try PostgresSink.storedScores(of: runID, members: members, on: db) else {
        throw SeismoError.invalidInput("run '\(runID)' has no stored scores")
      }
      guard stored.isContiguous else {
        throw SeismoError.state("run '\(runID)' lacks stored scores between rows \(stored.firstRow) and \(stored.lastRow)")
      }
      let cutting = CountProgress("cutting")
      defer { cutting.finish() }  // an error's line too starts on a clean line
      let recut = try Recut(stored, by: rule, run: runID, scored: storedConfig.members, on: db, progress: cutting.update)
      cutting.finish()
      recut.warnings.forEach(Console.err)
      let cuts = recut.cuts
      let cutoffs = cuts.cutoffs
      let constant = cuts.margins == nil && cutoffs.allSatisfy { $0 == cutoffs[0] } && cutoffs[0].isFinite
      let flagged = cuts.flaggedCount
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
              constant ? String(cutoffs[0]) : nil, String(cuts.firstRow), constant ? nil : String(cutoffs.count),
            ]
          ).rows.first?.first.flatMap { $0.flatMap(Int.init) }
        guard let version = inserted else { throw SeismoError.database("postgres: the new threshold version got no number") }
        // A row each, from the first stored row on. A re-cut of an ensemble's members keeps each
        // row's margin and members' cut-offs too.
        if !constant { try PostgresSink.insertCuts(cuts, run: id, version: version, on: db) }
        try PostgresSink.updateEvents(
          of: id, version: version, from: cuts.firstRow, rule: storedConfig.eventRule, on: db)
        let events = try db.execute(
          "SELECT count(*)::text FROM seismo.events WHERE run = $1::bigint AND version = $2::integer", [id, String(version)])
        return (version, events.rows.first?.first.flatMap { $0.flatMap(Int.init) } ?? 0)
      }
      Console.out(
        "run \(runID): threshold version \(version) (\(recut.plugin)\(constant ? ", cut-off \(cutoffs[0])" : ", per row")): \(flagged) anomal\(flagged == 1 ? "y" : "ies") in \(events) event\(events == 1 ? "" : "s") (version 1 had \(row[2] ?? "?"))"
      )
    }
  }
}
