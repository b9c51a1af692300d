/// An ensemble's margins (`Ensemble.combine`) over a frame of the run's rows, each member scoring
/// it with its fitted detector and cut at the cut-offs the run gave it on those rows: what feature
/// importance disturbs and scores again.
///
/// The cut-offs are held, not computed again from the disturbed scores, so a change in the mean
/// margin is a change in how far above its own rule the data puts each member. A row keeps the
/// run's cut-off by its frame row; where the run gave a member none (its warm-up, or the rows
/// before its rule's first cut-off) the member takes no part, as in the run.
public struct EnsembleMargins: FrameScorer {
  /// The members in the config's order: each one's fitted detector (a walk-forward run's last
  /// fold's), and its scores, cut-offs and typical score as the run combined them.
  public let members: [(detector: Detector, run: Ensemble.Flagged)]

  public init(members: [(detector: Detector, run: Ensemble.Flagged)]) {
    self.members = members
  }

  /// The margins of `frame`'s rows from the first any member scores; `frame` has the run's rows.
  public func score(_ frame: Frame) throws -> Scores {
    let flagged = try members.map { member in
      let scores = try member.detector.score(frame)
      let cutoffs = scores.rows.map { row in member.run.scores.index(ofRow: row).map { member.run.cutoffs[$0] } ?? .infinity }
      return Ensemble.Flagged(scores: scores, cutoffs: cutoffs, typicalScore: member.run.typicalScore)
    }
    return Ensemble.combine(flagged).scores
  }
}
