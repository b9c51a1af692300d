/// A saved model scoring a series whose rows arrive in pieces (`score --stream`, `seismo watch`).
///
/// It holds the rows waiting to be scored behind the rows of history their scores use as context
/// (`Detector.historyRows`), the detector with its threshold rule's `CutoffStream` (an
/// ensemble's members each with theirs, combined row by row: `Member`), and the event rule's
/// state and flagged rows in a `FlagLog`. Each piece's scores are those the rows get within the whole
/// series, up to rounding (see `DetectionPipeline.scoreStream`).
public struct ScoreStream {
  /// Why a model's scores cannot be computed piece by piece.
  public enum Unstreamable: Error {
    /// The reason, as a clause: "the model's scores look 5 rows ahead (…)".
    case scores(String)
  }

  /// The model's detector, or an ensemble's, each with its rule's cut-offs (`Member`).
  var members: [Member]
  /// Rows of context each piece needs: the most any member needs.
  let history: Int
  var log: FlagLog
  /// The context rows, then the rows not yet scored.
  var pending: Frame?
  var contextRows = 0
  /// The time of the series' first row, once appended (or resumed after).
  var seriesStart: Timestamp?
  /// Rows appended so far: the series row of the next appended row.
  public private(set) var rows = 0
  var scoredRows = 0
  var constantCutoff = true
  var firstCutoff: Float?
  /// Timestamps print with a time of day once any row has one.
  var timeOfDay = false
  /// A forecaster's errors on the rows scored so far, against the naive forecast's.
  var skill: ForecastSkill?

  /// The stream of `model` (rebuilt as `DetectionPipeline.score` rebuilds it), whose flag log
  /// keeps the `keepFlags` highest flags. Throws `Unstreamable` for a model whose scores look
  /// ahead or use every earlier row.
  public init(_ model: SavedModel, config: RunConfig, registry: PluginRegistry, keepFlags: Int) throws {
    let pipeline = DetectionPipeline(registry: registry, config: config)
    members = try model.members.map { try Member($0, pipeline: pipeline) }
    history = try members.map { try Self.contextRows(of: $0.detector, plugin: $0.model.detector.plugin) }.max() ?? 0
    log = FlagLog(rule: config.eventRule, keep: keepFlags)
  }

  /// The rows of context each piece of `detector` (a `plugin`) needs; throws `Unstreamable` for
  /// one whose scores look ahead or use every earlier row.
  public static func contextRows(of detector: Detector, plugin: String) throws -> Int {
    guard detector.lookahead == 0 else {
      throw Unstreamable.scores(
        "the model's scores look \(detector.lookahead) rows ahead (attribution: mean_over_windows), so they would change as later rows arrive"
      )
    }
    guard let history = detector.historyRows else {
      throw Unstreamable.scores(
        "the model's scores compare each row with every earlier row (\(plugin) without a bounded history), so each piece would need the whole series"
      )
    }
    return history
  }

  /// Whether the model is an ensemble's, whose members' rules `resumeMembers(scoring:)` resumes.
  public var isEnsemble: Bool { members.count > 1 }
  /// The model's detectors: an ensemble's members, or 1.
  public var memberCount: Int { members.count }
  /// Rows of context each piece's first score uses (`Detector.historyRows`).
  public var historyRows: Int { history }
  /// Rows before the first score of a series (`Detector.warmupRows`): before every member's.
  public var warmupRows: Int { members.map(\.detector.warmupRows).max() ?? 0 }
  /// Whether the model learns levels (`Detector.learnsLevels`), or an ensemble's member does, so
  /// may flag rows outside its training range for that alone.
  public var learnsLevels: Bool { members.contains { $0.detector.learnsLevels } }

  /// Resumes scoring a series whose first `rows` rows were scored before (a stored run), so that
  /// only the rows after them are scored: `context` holds the series' rows just before row
  /// `rows` (the last `historyRows` of them are kept), and `scores` and `cutoffs` what every
  /// scored row before got, in order. The event rule's state is replayed from them, and the
  /// threshold rule's: from `threshold` when given (the scores the run's rule was calibrated on,
  /// and those it then ran through up to row `rows`, with the stored cut-offs of the last of
  /// them), so a rule whose state grows after calibration (an extreme-value tail) goes on as the
  /// run's did; else from `scores`, of the rows at `scoredTimes`, as a scoring of them began
  /// (`SavedModel.cutoffs(of:seriesStart:firstScored:)`). The replayed rows are neither listed nor
  /// counted. Call it before any `append`; the next row appended is series row `rows`. An
  /// ensemble's stored scores are margins, from which no member's rule can be replayed: its
  /// members' rules are set by `resumeMembers(scoring:)` instead, before this.
  public mutating func resume(
    after context: Frame, rows: Int, scores: ArraySlice<Float>, cutoffs: ArraySlice<Float>,
    threshold: ThresholdReplay? = nil, seriesStart: Timestamp? = nil,
    scoredTimes: ArraySlice<Timestamp> = []
  ) {
    let kept = min(history, context.rowCount)
    pending = context.rows((context.rowCount - kept)..<context.rowCount)
    contextRows = kept
    self.rows = rows
    self.seriesStart = seriesStart
    if members.count == 1 {  // an ensemble's members are resumed by `resumeMembers(scoring:)`
      let (rule, model) = (members[0].rule, members[0].model)
      if let threshold {
        members[0].cutoffs = ModelCutoffs(rule.resumedStream(threshold, calibrated: model.thresholdValue))
      } else {
        var replayed = model.cutoffs(of: rule, seriesStart: seriesStart, firstScored: scoredTimes.first)
        replayed.advance(over: scores, at: scoredTimes)
        members[0].cutoffs = replayed
      }
    }
    for (i, (score, cutoff)) in zip(scores, cutoffs).enumerated() where score > cutoff {
      log.replay(at: i, clearsMargin: log.rule.clears(score, cutoff))
    }
    scoredRows = scores.count
    timeOfDay = context.hasTimeOfDay
  }

  /// Sets each member's threshold rule where scoring `history` (the series' rows before the
  /// first row the stream will append, from the series' first) leaves it, as a scoring of the
  /// whole series cuts each member's scores (`SavedModel.cutoffs(of:seriesStart:firstScored:)`).
  /// An ensemble's, before `resume`: its members' rules cannot be replayed from the stored
  /// margins. They are replayed from `stored`, the members' own scores and cut-offs of the
  /// history's rows from series row `storedFrom` on, as the run stored them; a member whose own
  /// are not all there (a run stored before they were kept) scores the history again. A member
  /// under a fixed or percentile rule has nothing to replay. A run that `walkedForward` stored
  /// its training rows' scores from its earlier folds' models, not the last fold's (the model's):
  /// each member's rule goes on from its training scores after them, as `detect` cut the rows the
  /// last fold scored.
  public mutating func resumeMembers(
    scoring history: Frame, stored: MemberScores? = nil, storedFrom firstRow: Int = 0, walkedForward: Bool = false
  ) throws {
    // A member without a score in the history starts its rule at its first, as in a scoring.
    for k in members.indices where history.rowCount > members[k].detector.warmupRows {
      let member = members[k]
      // A member's first score is at its warm-up's end (`Member.scoreAndCut` checks it).
      let warmup = member.detector.warmupRows
      var cutoffs = member.model.cutoffs(
        of: member.rule, seriesStart: history.timestamps.first, firstScored: history.timestamps[warmup],
        scoresOwnTrainingRows: !walkedForward || stored == nil)
      let times = history.timestamps.dropFirst(warmup)
      if cutoffs.isConstant {  // nothing to replay
      } else if let own = stored?.fromFirstScore(of: k), firstRow + own.first == warmup, own.scores.count == times.count {
        cutoffs.advance(over: own.scores, at: times, cutOff: own.cutoffs)
      } else {
        cutoffs.advance(over: try member.detector.score(history).values[...], at: times)
      }
      members[k].cutoffs = cutoffs
    }
  }

  var unscoredRows: Int { (pending?.rowCount ?? 0) - contextRows }
  /// Whether the waiting rows can be scored before the end: the first piece must outgrow the
  /// detector's warm-up (at the end, the detector itself says when the data is too short).
  var outgrewWarmup: Bool { (pending?.rowCount ?? 0) > warmupRows }

  /// Appends the next rows of the series (after every row appended before).
  public mutating func append(_ frame: Frame, origin: String) throws {
    guard frame.rowCount > 0 else { return }
    if rows == 0 { seriesStart = frame.timestamps.first }
    pending = try pending.map { try $0.appending(frame, source: origin) } ?? frame
    rows += frame.rowCount
  }

  /// Scores the waiting rows: a piece of every row appended since the last call (row 0 of its
  /// frame is series row `rows - frame.rowCount`), scored from the first row the warm-up allows;
  /// nil when there are none.
  public mutating func scorePending() throws -> ScoresCSV.Rows? {
    guard let frame = pending, unscoredRows > 0 else { return nil }
    // Each member's scores and cut-offs; an ensemble's combined row by row, as `detect` does.
    var flagged: [Ensemble.Flagged] = []
    for k in members.indices {
      let name = members.count == 1 ? "the model" : "the model's \(members[k].model.detector.plugin)"
      let (scores, own) = try members[k].scoreAndCut(
        frame, contextRows: contextRows, seriesStart: seriesStart, detectorName: name)
      if members.count == 1, let naive = try members[k].detector.naiveErrors(frame) {
        let scored = ForecastSkill(
          scores: scores, naive: naive, rows: max(0, contextRows - scores.firstRow)..<scores.values.count)
        skill = skill?.adding(scored) ?? scored
      }
      flagged.append(own)
    }
    let (own, cut, memberScores) =
      members.count == 1 ? (flagged[0].scores, flagged[0].cutoffs, nil) : Ensemble.combine(flagged)
    let ownFrame = frame.rows(contextRows..<frame.rowCount)
    timeOfDay = timeOfDay || frame.hasTimeOfDay
    var alerts = Set<Int>()
    for i in own.values.indices {
      if firstCutoff == nil { firstCutoff = cut[i] }
      constantCutoff = constantCutoff && cut[i] == firstCutoff
      guard own.values[i] > cut[i] else { continue }
      let flag = RunSummary.Flag(
        timestamp: Frame.format(ownFrame.timestamps[own.row(i)], frame.timeKind, withTime: timeOfDay),
        score: own.values[i], topFeature: frame.featureNames[own.topFeature(at: i)], part: "test",
        flaggedBy: memberScores?.flagging(at: i))
      if log.add(flag, at: scoredRows + i, clearsMargin: log.rule.clears(own.values[i], cut[i])) { alerts.insert(i) }
    }
    scoredRows += own.values.count
    let piece = ScoresCSV.Rows(
      frame: ownFrame, trainRows: 0, scores: own, cutoffs: cut, alerts: alerts, members: memberScores)
    contextRows = min(history, frame.rowCount)
    pending = frame.rows((frame.rowCount - contextRows)..<frame.rowCount)
    return piece
  }
}
