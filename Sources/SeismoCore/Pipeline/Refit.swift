/// The refits a stored walk-forward run is due once rows have been added after it ran, fitted
/// as `detect` fits its folds (`seismo score --new-rows`, `seismo watch`).
///
/// A walk-forward run refits every `refit_every` rows or period. Its model scores the rows after
/// the run's last fold only until the next refit is due: from that row on, `detect` over the
/// grown series scores with a model fitted on the rows before it. `Refit.due` fits those folds:
/// each on its training rows only (rolling or expanding, warm-started from the fold before when
/// the run was), its threshold rule calibrated on its own training scores; an ensemble's members
/// each so, combined as `detect` combines them.
public struct Refit: Sendable {
  /// The run's folds, stored and new: the last stored fold now scores up to the first new one.
  public var folds: [Fold]
  /// How many of `folds` the run had stored.
  public var storedCount: Int
  /// The folds' own training scores (`FoldScores`) that the run does not keep yet, each member's
  /// (one detector's alone), in fold order from fold `foldScoresFrom` (numbered from 1): the new
  /// folds', after the first fold's when the run had fit once, as a single fit keeps none (those
  /// are the saved model's training scores).
  public var foldScores: [[FoldScores]]
  /// The number of `foldScores`' first fold.
  public var foldScoresFrom: Int
  /// The new folds' scores and cut-offs, from their first out-of-sample row (`firstRow`) to the
  /// end of the series, each row by the fold that scores it.
  public var scores: Scores
  public var cutoffs: [Float]
  /// An ensemble's members' own scores and cut-offs of those rows; nil for one detector.
  public var memberScores: MemberScores?
  /// The last new fold's model (each member's, for an ensemble), with its calibrated cut-off: the
  /// run's model from now on.
  public var model: SavedModel
  /// How many of the last new fold's training scores calibrated its cut-off.
  public var calibrationScores: Int

  /// The first series row a new fold scores: the first new fold's first out-of-sample row.
  public var firstRow: Int { folds[storedCount].trainEnd }

  /// The folds `split` plans for `frame` (the run's series, grown) whose first `trainRows`
  /// trained its first model, after the run's `stored` folds, fitted as `detect` fits them; the
  /// first from `saved` (the run's last fold's model) when the run warm-starts; `observer` sees
  /// each fit's epochs and `log` gets a line per fold fitted. Nil when no refit is due: no fold
  /// starts after the stored ones.
  /// - Throws: when the stored folds are not the plan's first (rows were inserted or removed
  ///   before the last refit), or a fit fails.
  public static func due(
    for saved: SavedModel, split: SplitPolicy, trainRows: Int, stored: [Fold], frame: Frame, registry: PluginRegistry,
    observer: TrainingObserver? = nil, log: (String) -> Void = { _ in }
  ) throws -> Refit? {
    guard split.refitEvery != nil, !stored.isEmpty, trainRows < frame.rowCount else { return nil }
    let plan = try split.folds(of: frame, trainRows: trainRows)
    guard plan.count > stored.count else { return nil }
    if let moved = stored.indices.first(where: {
      plan[$0].trainStart != stored[$0].trainStart || plan[$0].trainEnd != stored[$0].trainEnd
    }) {
      throw SeismoError.invalidInput(
        "the data's rows no longer give the run's folds (fold \(moved + 1) moved); rows were inserted or removed before its last refit: run detect again"
      )
    }
    let pipeline = DetectionPipeline(
      registry: registry, config: RunConfig(source: saved.source, detector: saved.detector, threshold: saved.threshold))
    let members = saved.members
    let refitted = try members.enumerated().map { k, member in
      try DetectionPipeline.naming(member: k, of: members.count) {
        let (previous, _) = try pipeline.rebuild(member)
        return try pipeline.walkForward(
          frame, folds: Array(plan[stored.count...]), warmStart: split.warmStart, refitEpochs: split.refitEpochs,
          member: EnsembleMember(detector: member.detector, threshold: member.threshold),
          after: (previous, stored.count), observer: observer, log: log)
      }
    }
    let fitted = refitted[0]  // an ensemble's folds, as `detect` keeps them, are its first member's
    guard let last = fitted.folds.last else { return nil }
    var folds = stored
    folds[folds.count - 1].scoreEnd = plan[stored.count].trainEnd
    folds += fitted.folds
    let trained = last.trainStart..<last.trainEnd
    let (ranges, rows) = (LevelDrift.ranges(of: frame, rows: trained), TrainingRows(of: frame, rows: trained))
    let models = try zip(members, refitted).map { member, fitted in
      var model = member
      model.state = try fitted.detector.exportState()
      model.thresholdValue = fitted.threshold
      model.trainingScores = fitted.trainingScores
      model.trainingRanges = ranges
      model.trainingRows = rows
      return model
    }
    var model = models[0]
    model.ensemble = Array(models.dropFirst())
    // An ensemble's margins keep each member's typical score from the run's first fold.
    let (all, allCutoffs, allMembers) =
      members.count == 1
      ? (fitted.scores, fitted.cutoffs, nil)
      : Ensemble.combine(
        zip(members, refitted).map {
          Ensemble.Flagged(scores: $1.scores, cutoffs: $1.cutoffs, typicalScore: $0.typicalScore ?? 1)
        })
    // The first new fold's scores begin with its training rows' (in sample).
    let start = plan[stored.count].trainEnd
    let (from, f) = (start - all.firstRow, all.featureCount)
    let scores = Scores(
      firstRow: start, values: Array(all.values[from...]), featureErrors: Array(all.featureErrors[(from * f)...]),
      featureCount: f)
    // A single fit's model's training scores are its (first) fold's own (a model saved before it
    // kept them has none).
    let firstFolds =
      stored.count == 1 ? members.compactMap { $0.trainingScores.map { FoldScores(endingAt: stored[0].trainEnd, $0) } } : []
    let keepsFirst = !firstFolds.isEmpty && firstFolds.count == members.count
    return Refit(
      folds: folds, storedCount: stored.count,
      foldScores: refitted.enumerated().map { k, fitted in (keepsFirst ? [firstFolds[k]] : []) + fitted.foldScores },
      foldScoresFrom: stored.count + (keepsFirst ? 0 : 1), scores: scores,
      cutoffs: Array(allCutoffs[from...]), memberScores: allMembers?.slice(from...), model: model,
      calibrationScores: fitted.calibrationScores)
  }

  /// `scores` and their `cutoffs` (every row of the series scored by the run's last stored
  /// fold's model), and an ensemble's `members`' own, with the rows from `firstRow` on those of
  /// the new folds.
  public func splice(into scores: inout Scores, cutoffs: inout [Float], members: inout MemberScores?) throws {
    let from = firstRow - scores.firstRow
    guard from >= 0, scores.values.count - from == self.scores.values.count, scores.featureCount == self.scores.featureCount
    else {
      throw SeismoError.state(
        "the refitted folds score rows \(self.scores.rows), and the run's model rows \(scores.rows): they do not line up")
    }
    let f = scores.featureCount
    scores.values.replaceSubrange(from..., with: self.scores.values)
    scores.featureErrors.replaceSubrange((from * f)..., with: self.scores.featureErrors)
    cutoffs.replaceSubrange(from..., with: self.cutoffs)
    if let memberScores { members?.replace(from: from, with: memberScores) }
  }
}
