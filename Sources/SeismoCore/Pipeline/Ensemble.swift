/// Several detectors, each flagging with its own threshold rule: a row is flagged when any member
/// flags it.
///
/// Detectors fail on different shapes: a rolling z-score sees a jump out of a quiet stretch, a
/// forecaster sees a break in a daily pattern. Each member is fitted, scored and thresholded on
/// its own (its own walk-forward folds), giving score sᵢ(t) and cut-off cᵢ(t). The run's score is
/// the largest relative margin
///
///     m(t) = maxᵢ (sᵢ(t) − cᵢ(t)) / dᵢ(t),   dᵢ(t) = max(|cᵢ(t)|, ŝᵢ),
///
/// where ŝᵢ is the mean of member i's first calibration scores (its typical score; 1 when they
/// are all 0). The run's cut-off is 0, so row t is flagged exactly when some member flags it
/// (sᵢ(t) > cᵢ(t)); a margin of 1 is a score twice its cut-off. A member takes part in a row once
/// it has a score and a cut-off there; a row no member takes part in gets margin −1 and no
/// cut-off. Each row's feature errors are those of the member with the largest margin, so its top
/// feature is the one that member blames.
///
/// Point in time: each member's score and cut-off of row t use rows up to t, and the combination
/// is row by row, so the ensemble's are too.
public enum Ensemble {
  /// What a run of an ensemble of `count` members says of it.
  static func said(members count: Int) -> String {
    "ensemble of \(count) detectors: a row is flagged when any of them flags it"
  }

  /// How a run's summary names the detector of `members` (a config's `members`): its plugin, or
  /// an ensemble's members, each with its rule ("ensemble of rolling-zscore × dynamic and
  /// discord × spot").
  public static func detectorName(_ members: [EnsembleMember]) -> String {
    guard members.count > 1 else { return members.first?.detector.plugin ?? "" }
    return "ensemble of " + memberNames(Array(1...members.count), of: members)
  }

  /// How a run names the members of `members` (a config's) numbered `numbers` from 1, each with
  /// its rule: "rolling-zscore × dynamic and discord × spot"; empty for none.
  public static func memberNames(_ numbers: [Int], of members: [EnsembleMember]) -> String {
    let named = numbers.filter { members.indices.contains($0 - 1) }.map {
      "\(members[$0 - 1].detector.plugin) × \(members[$0 - 1].threshold.plugin)"
    }
    guard let last = named.last else { return "" }
    return named.count == 1 ? last : named.dropLast().joined(separator: ", ") + " and " + last
  }

  /// How a run's summary names the threshold of `members`: its rule's plugin, or, for an
  /// ensemble, what its cut-off of 0 cuts.
  public static func thresholdName(_ members: [EnsembleMember]) -> String {
    members.count > 1 ? "margin over each member's cut-off" : members.first?.threshold.plugin ?? ""
  }

  /// What a run's summary calls a score of `members`: an ensemble's are margins over its
  /// members' own cut-offs.
  public static func scoreName(_ members: [EnsembleMember]) -> String { members.count > 1 ? "margin" : "score" }

  /// One member's output: scores, one cut-off per score, and its typical score ŝ.
  public struct Flagged {
    public var scores: Scores
    public var cutoffs: [Float]
    public var typicalScore: Float

    public init(scores: Scores, cutoffs: [Float], typicalScore: Float) {
      self.scores = scores
      self.cutoffs = cutoffs
      self.typicalScore = typicalScore
    }
  }

  /// The ensemble's margins and cut-offs, from the first row any member scores to the frame's
  /// last row (every member scores to the end), with each member's score and cut-off of those
  /// rows.
  /// - Precondition: every member's scores end on the same frame row and have the same features.
  public static func combine(_ members: [Flagged]) -> (scores: Scores, cutoffs: [Float], members: MemberScores) {
    let firstRow = members.map(\.scores.firstRow).min() ?? 0
    let end = members.first?.scores.rows.upperBound ?? 0
    let f = members.first?.scores.featureCount ?? 0
    precondition(members.allSatisfy { $0.scores.rows.upperBound == end && $0.scores.featureCount == f })
    var margins = [Float](repeating: -1, count: end - firstRow)
    var cutoffs = [Float](repeating: .infinity, count: end - firstRow)
    var errors = [Float](repeating: 0, count: (end - firstRow) * f)
    var own = MemberScores(
      scores: Array(repeating: Array(repeating: .nan, count: end - firstRow), count: members.count),
      cutoffs: Array(repeating: Array(repeating: .infinity, count: end - firstRow), count: members.count))
    for row in firstRow..<end {
      let r = row - firstRow
      // (member, score index) pairs: the best margin's, else the first member scoring the row.
      var best: (margin: Float, member: Int, index: Int)?
      var explaining: (member: Int, index: Int)?
      for (k, member) in members.enumerated() {
        guard let i = member.scores.index(ofRow: row) else { continue }
        if explaining == nil { explaining = (k, i) }
        let cutoff = member.cutoffs[i]
        (own.scores[k][r], own.cutoffs[k][r]) = (member.scores.values[i], cutoff)
        guard cutoff.isFinite else { continue }
        let scale = max(abs(cutoff), member.typicalScore > 0 ? member.typicalScore : 1)
        let margin = (member.scores.values[i] - cutoff) / scale
        if best == nil || margin > best!.margin { best = (margin, k, i) }
      }
      if let best {
        margins[r] = best.margin
        cutoffs[r] = 0
        explaining = (best.member, best.index)
      }
      if let (k, i) = explaining {
        errors[r * f..<(r + 1) * f] = members[k].scores.featureErrors[i * f..<(i + 1) * f]
      }
    }
    return (Scores(firstRow: firstRow, values: margins, featureErrors: errors, featureCount: f), cutoffs, own)
  }
}
