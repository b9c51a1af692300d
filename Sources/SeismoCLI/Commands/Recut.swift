import Foundation
import PostgresSink
import SeismoCore
import SeismoPostgres

/// A threshold version's cut-offs of a stored run's rows, computed from its stored scores as the
/// run's own were, without retraining: what `rethreshold` stores as a new version, and what
/// extends a per-row version over the rows `score --new-rows` and `watch` append.
struct Recut {
  /// What re-cuts a run's stored scores: one detector's rule, an ensemble's members' rules (each
  /// member's own; a member whose rule is the run's keeps its stored cut-offs), or an ensemble's
  /// cut-off on its margins (`--margin`).
  enum Rule {
    case one(PluginChoice)
    case members([EnsembleMember])
    case margin(Double)
  }

  /// The version's rule's plugin and parameters (JSON), as seismo.threshold_versions keeps them.
  var plugin: String
  var parameters: String
  /// A cut-off per stored row; a re-cut of an ensemble's members also a margin per row (its score
  /// under the version) and each member's cut-offs.
  var cuts: PostgresSink.VersionCuts
  /// What the rules said of their calibration, a warning each.
  var warnings: [String] = []
  /// What cuts the rows stored after these, as a re-cut of them all would; nil for `--margin`,
  /// whose cut-off is the same for every row.
  var next: Continuation?

  /// A re-cut's rules where they stopped: fed the scores of the rows stored after the last they
  /// cut, in order, they cut those rows as a re-cut of every row would (until a refit starts a
  /// fold, which is calibrated anew).
  enum Continuation {
    /// One detector's rule.
    case one(any CutoffStream)
    /// An ensemble's members' rules, each with its typical score; a member whose rule is the
    /// run's own has none: it keeps its stored cut-offs.
    case members([(rule: (any CutoffStream)?, typicalScore: Float)])

    /// Cuts `later`, the run's stored rows that follow the last this cut (with its members'
    /// scores and cut-offs, for an ensemble), and goes on after them.
    /// - Throws: `SeismoError.invalidInput` when an ensemble's rows lack their members' scores.
    mutating func cut(_ later: PostgresSink.StoredScores) throws -> PostgresSink.VersionCuts {
      switch self {
      case .one(var rule):
        let cutoffs = rule.cutoffs(for: later.scores[...])
        self = .one(rule)
        return .init(firstRow: later.firstRow, cutoffs: cutoffs, scores: later.scores)
      case .members(var members):
        guard let own = later.members, own.scores.allSatisfy({ !$0.contains(where: \.isNaN) }) else {
          throw SeismoError.invalidInput("rows \(later.firstRow + 1) to \(later.lastRow + 1) lack their members' scores")
        }
        var flagged: [Ensemble.Flagged] = []
        for k in members.indices {  // each member's stream goes on over its own scores
          let cutoffs = members[k].rule?.cutoffs(for: own.scores[k][...]) ?? own.cutoffs[k]
          flagged.append(
            Ensemble.Flagged(
              scores: Scores(
                firstRow: later.firstRow, values: own.scores[k], featureErrors: [Float](repeating: 0, count: cutoffs.count),
                featureCount: 1),
              cutoffs: cutoffs, typicalScore: members[k].typicalScore))
        }
        self = .members(members)
        let combined = Ensemble.combine(flagged)
        return .init(
          firstRow: later.firstRow, cutoffs: combined.cutoffs, scores: later.scores, margins: combined.scores.values,
          memberCutoffs: combined.members.cutoffs)
      }
    }
  }

  /// Run `runID`'s `stored` rows (all of them, contiguous) cut by `rule`, calibrated as the run's
  /// rules were; `scored` are the run's members, with their own rules. The cut-offs of the first
  /// rows may be `known` (the same rule's, as a version stored them): the rule then resumes from
  /// them, and only the rows after them are cut. `progress` hears how far each rule cutting
  /// the rows has come.
  init(
    _ stored: PostgresSink.StoredScores, by rule: Rule, run runID: String, scored: [EnsembleMember],
    knowing known: PostgresSink.KeptCuts? = nil, on db: PGConnection, progress: ProgressObserver? = nil
  ) throws {
    switch rule {
    case .one(let choice):
      self = try Self.cutting(
        stored, by: choice, run: runID, knowing: known?.cutoffs[...] ?? [], on: db, progress: progress)
    case .members(let members):
      self = try Self.cutting(
        stored, members: members, scored: scored, run: runID, knowing: known?.memberCutoffs, on: db, progress: progress)
    case .margin(let margin):
      self.init(
        plugin: "margin", parameters: "{\"value\": \(margin)}",
        cuts: .init(
          firstRow: stored.firstRow, cutoffs: Array(repeating: Float(margin), count: stored.scores.count),
          scores: stored.scores),
        next: nil)
    }
  }

  private init(
    plugin: String, parameters: String, cuts: PostgresSink.VersionCuts, warnings: [String] = [], next: Continuation?
  ) {
    self.plugin = plugin
    self.parameters = parameters
    self.cuts = cuts
    self.warnings = warnings
    self.next = next
  }

  /// Every stored row of run `runID` cut by its per-row `version`'s rule, as `rethreshold` cut
  /// them (for the rows `--new-rows` and `watch` append: `VersionStream`): the rule resumes
  /// from the cut-offs the version keeps, and cuts the rows after them. The run's stored scores
  /// up to some row may have been `read` already (with its members'): only the later ones are
  /// read.
  init(
    _ runID: String, continuing version: PostgresSink.PerRowVersion, after read: PostgresSink.StoredScores?,
    on db: PGConnection
  ) throws {
    guard let text = try db.execute("SELECT config::text FROM seismo.runs WHERE run_id = $1", [runID]).rows.first?.first ?? nil
    else { throw SeismoError.state("no run '\(runID)' in seismo.runs") }
    let config = try RunConfig.stored(Data(text.utf8), origin: "run \(runID)", registry: StandardPlugins.registry)
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
      do {
        return try JSONDecoder().decode(type, from: Data(version.parameters.utf8))
      } catch is DecodingError {
        throw SeismoError.invalidInput("its stored parameters are not a threshold rule's: \(version.parameters)")
      }
    }
    let rule: Rule
    if config.ensemble == nil {
      rule = .one(try Self.canonical(try decoded(Parameters.self), of: version.plugin))
    } else {
      let chosen = try decoded([PluginChoice].self)
      guard chosen.count == config.members.count else {
        throw SeismoError.invalidInput(
          "its rule names \(chosen.count) members' thresholds, and the run has \(config.members.count) members")
      }
      rule = .members(
        try zip(config.members, chosen).map {
          EnsembleMember(detector: $0.detector, threshold: try Self.canonical($1.parameters, of: $1.plugin))
        })
    }
    let members = config.members.count
    guard
      let stored = try read.map({ try $0.withLater(of: runID, members: members, on: db) })
        ?? PostgresSink.storedScores(of: runID, members: members, on: db), stored.isContiguous
    else { throw SeismoError.invalidInput("its stored scores have gaps") }
    let known = try PostgresSink.storedCuts(of: runID, version: version, members: config.members.count, on: db)
    try self.init(stored, by: rule, run: runID, scored: config.members, knowing: known, on: db)
  }

  /// Threshold plugin `plugin` with `parameters` (read back from storage) checked against its
  /// spec, as a run's stored config is: a rule equal to the run's own compares equal.
  private static func canonical(_ parameters: Parameters, of plugin: String) throws -> PluginChoice {
    guard let descriptor = StandardPlugins.registry.descriptor(.threshold, named: plugin) else {
      throw SeismoError.invalidInput("threshold plugin '\(plugin)' is not registered")
    }
    do {
      return PluginChoice(
        plugin: plugin, parameters: try parameters.resolved(against: descriptor.parameters, section: "threshold"))
    } catch SeismoError.config(let key, _, let message) {
      throw SeismoError.invalidInput("\(key) \(message)")
    }
  }

  /// Run `runID`'s `stored` scores re-cut by `choice`, calibrated as the run's rule was: on its
  /// training scores, or fold by fold on each fold's own; the first cut-offs `known`.
  private static func cutting(
    _ stored: PostgresSink.StoredScores, by choice: PluginChoice, run runID: String, knowing known: ArraySlice<Float>,
    on db: PGConnection, progress: ProgressObserver?
  ) throws -> Recut {
    let (calibration, foldCount) = try PostgresSink.storedCalibration(of: runID, on: db)
    let rule = try thresholdRule(choice)
    let cut: ResumableCutoffs
    var firstCalibration = calibration  // the first fold's, walking forward
    if foldCount > 1 {
      let folds = try PostgresSink.storedFoldScores(of: runID, on: db)
      guard folds.count == foldCount else {
        throw SeismoError.invalidInput(
          "run '\(runID)' walked forward over \(foldCount) folds but does not keep each fold's own training scores (kept since schema version 9; a run fitted once keeps its first fold's when refitted, from its saved model, which models saved before they kept their training scores cannot give); run detect again to rethreshold it"
        )
      }
      cut = try rule.resumableCutoffs(
        for: stored.scores, firstRow: stored.firstRow, walkingForward: folds, knowing: known, progress: progress)
      firstCalibration = folds.first?.calibrationCount ?? 0
    } else {
      do {
        cut = try rule.resumableCutoffs(
          for: stored.scores, calibrationCount: calibration, knowing: known, progress: progress)
      } catch SeismoError.invalidInput(let why) where calibration == 0 {
        throw SeismoError.invalidInput(
          "run '\(runID)' was scored by a saved model and has no training scores to calibrate on (\(why)); rethreshold the run that trained the model, or give a cut-off (threshold.plugin=fixed)"
        )
      }
    }
    return Recut(
      plugin: choice.plugin, parameters: try json(choice.parameters),
      cuts: .init(firstRow: stored.firstRow, cutoffs: cut.cutoffs, scores: stored.scores),
      warnings: rule.calibrationWarning(scores: firstCalibration).map { ["warning: threshold \(choice.plugin): \($0)"] } ?? [],
      next: .one(cut.stream))
  }

  /// Run `runID`'s `stored` rows re-cut member by member. Each of `members` (the run's `scored`
  /// members, with the new rules) whose rule changed is calibrated as the run calibrated it, on
  /// its own first training scores (walking forward, fold by fold on each fold's own), and cut
  /// anew over its stored scores; the others keep their stored cut-offs. The margins are
  /// combined again (`Ensemble.combine`), each member scaled by its typical score, the mean of
  /// its (first fold's) calibration scores. A changed member's first cut-offs may be `known`
  /// (member-major, from the first stored row).
  private static func cutting(
    _ stored: PostgresSink.StoredScores, members: [EnsembleMember], scored: [EnsembleMember], run runID: String,
    knowing known: [[Float]]?, on db: PGConnection, progress: ProgressObserver?
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
    var next: [(rule: (any CutoffStream)?, typicalScore: Float)] = []
    var warnings: [String] = []
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
      var stream: (any CutoffStream)?
      if member.threshold != scored[k].threshold {
        let rule = try thresholdRule(member.threshold)
        let ahead = known?[k].dropFirst(first) ?? []
        let cut =
          try folds.isEmpty
          ? rule.resumableCutoffs(for: values, calibrationCount: count, knowing: ahead, progress: progress)
          : rule.resumableCutoffs(
            for: values, firstRow: stored.firstRow + first, walkingForward: folds[k], knowing: ahead, progress: progress)
        (cutoffs, stream) = (cut.cutoffs, cut.stream)
        if let said = rule.calibrationWarning(scores: count) {
          warnings.append("warning: threshold \(member.threshold.plugin) of member \(k + 1) (\(member.detector.plugin)): \(said)")
        }
      }
      let typical = calibrating.reduce(0, +) / Float(count)
      next.append((stream, typical))
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
      plugin: members.map(\.threshold.plugin).joined(separator: " + "), parameters: try json(members.map(\.threshold)),
      cuts: .init(
        firstRow: stored.firstRow, cutoffs: combined.cutoffs, scores: stored.scores, margins: combined.scores.values,
        memberCutoffs: combined.members.cutoffs),
      warnings: warnings, next: .members(next))
  }

  /// `value` as JSON with its keys sorted, as a version keeps its parameters.
  private static func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// The threshold rule `choice` names, with its parameters.
  private static func thresholdRule(_ choice: PluginChoice) throws -> any Threshold {
    guard let entry = StandardPlugins.registry.thresholds[choice.plugin] else {
      throw SeismoError.state("threshold plugin '\(choice.plugin)' is not registered")
    }
    return try entry.make(choice.parameters)
  }
}
