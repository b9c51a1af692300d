import Foundation
import PostgresSink
import SeismoCore
import SeismoPostgres

/// How `rethreshold` computes a version's cut-offs from a run's stored scores.
extension RethresholdCommand {
  /// Run `runID`'s `stored` scores re-cut by `choice`, calibrated as the run's rule was: on its
  /// training scores, or fold by fold on each fold's own.
  func recutting(_ stored: PostgresSink.StoredScores, by choice: PluginChoice, on db: PGConnection) throws -> Recut {
    let (calibration, foldCount) = try PostgresSink.storedCalibration(of: runID, on: db)
    let rule = try Self.rule(choice)
    let cutoffs: [Float]
    var firstCalibration = calibration  // the first fold's, walking forward
    if foldCount > 1 {
      let folds = try PostgresSink.storedFoldScores(of: runID, on: db)
      guard folds.count == foldCount else {
        throw SeismoError.invalidInput(
          "run '\(runID)' walked forward over \(foldCount) folds but does not keep each fold's own training scores (kept since schema version 9; a run fitted once keeps its first fold's when refitted, from its saved model, which models saved before they kept their training scores cannot give); run detect again to rethreshold it"
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
    return Recut(plugin: choice.plugin, parameters: try Self.json(choice.parameters), cutoffs: cutoffs)
  }

  /// Run `runID`'s `stored` rows re-cut member by member. Each of `members` (the run's `scored`
  /// members, with the new rules) whose rule changed is calibrated as the run calibrated it, on
  /// its own first training scores (walking forward, fold by fold on each fold's own), and cut
  /// anew over its stored scores; the others keep their stored cut-offs. The margins are
  /// combined again (`Ensemble.combine`), each member scaled by its typical score, the mean of
  /// its (first fold's) calibration scores.
  func recutting(
    _ stored: PostgresSink.StoredScores, members: [EnsembleMember], scored: [EnsembleMember], on db: PGConnection
  ) throws -> Recut {
    let (calibration, foldCount) = try PostgresSink.storedCalibration(of: runID, on: db)
    let redo =
      "run detect again with the new thresholds (--set ensemble[K].threshold.KEY=VALUE for member K + 1), or cut its margins with --margin M"
    guard calibration > 0 else {
      throw SeismoError.invalidInput(
        "run '\(runID)' was scored by a saved model and has no training scores to calibrate its members on; rethreshold the run that trained the model, or cut its margins with --margin M"
      )
    }
    // Walking forward, each member's folds' own training scores.
    let folds = try (foldCount > 1 ? Array(1...members.count) : []).map { member in
      let folds = try PostgresSink.storedFoldScores(of: runID, member: member, on: db)
      guard folds.count == foldCount else {
        throw SeismoError.invalidInput(
          "run '\(runID)' walked forward over \(foldCount) folds, and its members' folds' own training scores are not all stored (kept since schema version 18; a run fitted once keeps its first fold's when refitted, from its saved model, which models saved before they kept their training scores cannot give), so its members cannot be re-cut; \(redo)"
        )
      }
      return folds
    }
    guard let own = stored.members else {
      throw SeismoError.invalidInput(
        "run '\(runID)' was stored before Seismo kept each member's own scores (schema version 17), so its members cannot be re-cut; \(redo)"
      )
    }
    // Each member's first scored row and how many rows its detector reads ahead: the members of a
    // single fit share their training rows, so the first member's calibration count (the run's)
    // gives the others'.
    let firsts = try members.indices.map { k in
      guard let first = own.fromFirstScore(of: k) else {
        throw SeismoError.state("run '\(runID)' lacks stored scores of member \(k + 1) between its first and last")
      }
      return first
    }
    let lookaheads = try members.map { member in
      guard let entry = StandardPlugins.registry.detectors[member.detector.plugin] else {
        throw SeismoError.state("detector plugin '\(member.detector.plugin)' is not registered")
      }
      return try entry.make(member.detector.parameters).lookahead
    }
    let trainingEnd = calibration + lookaheads[0] + firsts[0].first
    var flagged: [Ensemble.Flagged] = []
    for (k, member) in members.enumerated() {
      let (first, scores, storedCutoffs) = firsts[k]
      let values = Array(scores)
      // The member's (first fold's) calibration scores.
      let calibrating = folds.isEmpty ? values.prefix(trainingEnd - lookaheads[k] - first) : folds[k][0].calibrationScores
      let count = calibrating.count
      guard count > 0, !folds.isEmpty || trainingEnd - lookaheads[k] - first <= values.count else {
        throw SeismoError.invalidInput(
          "run '\(runID)': member \(k + 1) (\(member.detector.plugin)) has no training score to calibrate on")
      }
      var cutoffs = Array(storedCutoffs)
      if member.threshold != scored[k].threshold {
        let rule = try Self.rule(member.threshold)
        cutoffs =
          try folds.isEmpty
          ? rule.calibratedCutoffs(for: values, calibrationCount: count).cutoffs
          : rule.cutoffs(for: values, firstRow: stored.firstRow + first, walkingForward: folds[k])
        if let said = rule.calibrationWarning(scores: count) {
          Console.err("warning: threshold \(member.threshold.plugin) of member \(k + 1) (\(member.detector.plugin)): \(said)")
        }
      }
      let typical = calibrating.reduce(0, +) / Float(count)
      flagged.append(
        Ensemble.Flagged(
          scores: Scores(
            firstRow: stored.firstRow + first, values: values, featureErrors: [Float](repeating: 0, count: values.count),
            featureCount: 1),
          cutoffs: cutoffs, typicalScore: typical))
    }
    let combined = Ensemble.combine(flagged)
    guard combined.scores.firstRow == stored.firstRow, combined.scores.values.count == stored.scores.count else {
      throw SeismoError.state("run '\(runID)': its members' stored scores do not span its stored rows")
    }
    return Recut(
      plugin: members.map(\.threshold.plugin).joined(separator: " + "), parameters: try Self.json(members.map(\.threshold)),
      cutoffs: combined.cutoffs, margins: combined.scores.values, memberCutoffs: combined.members.cutoffs)
  }

  /// `value` as JSON with its keys sorted, as a version keeps its parameters.
  private static func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// The threshold rule `choice` names, with its parameters.
  private static func rule(_ choice: PluginChoice) throws -> any Threshold {
    guard let entry = StandardPlugins.registry.thresholds[choice.plugin] else {
      throw SeismoError.state("threshold plugin '\(choice.plugin)' is not registered")
    }
    return try entry.make(choice.parameters)
  }
}
