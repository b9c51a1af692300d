/// Each member's own score and cut-off of the rows an ensemble scores, beside the margins they
/// combine into (`Ensemble.combine`).
///
/// The postgres sink stores them with each row (`seismo.scores.member_scores` and
/// `member_cutoffs`), so a stored run's members' threshold rules resume from them without
/// scoring the history again, and an analyst can ask which member flagged a row.
public struct MemberScores: Sendable, Equatable {
  /// Member-major: `scores[k][i]` is member k's score of scored index i (the combined scores'
  /// index); NaN where the member has no score yet (its warm-up is longer).
  public var scores: [[Float]]
  /// `cutoffs[k][i]`: member k's cut-off of scored index i; infinity where it has none.
  public var cutoffs: [[Float]]

  public init(scores: [[Float]], cutoffs: [[Float]]) {
    precondition(scores.count == cutoffs.count && zip(scores, cutoffs).allSatisfy { $0.count == $1.count })
    self.scores = scores
    self.cutoffs = cutoffs
  }

  /// No rows yet, of `count` members.
  public init(members count: Int) {
    self.init(scores: Array(repeating: [], count: count), cutoffs: Array(repeating: [], count: count))
  }

  /// Appends one row's scores and cut-offs, a member each (as stored); false, and these
  /// unchanged, when either is missing or has another count of members.
  public mutating func append(row rowScores: [Float]?, cutoffs rowCutoffs: [Float]?) -> Bool {
    guard let rowScores, let rowCutoffs, rowScores.count == scores.count, rowCutoffs.count == scores.count else {
      return false
    }
    for k in scores.indices {
      scores[k].append(rowScores[k])
      cutoffs[k].append(rowCutoffs[k])
    }
    return true
  }

  /// Scored indices `range`, each member's.
  public func slice(_ range: some RangeExpression<Int>) -> MemberScores {
    MemberScores(scores: scores.map { Array($0[range]) }, cutoffs: cutoffs.map { Array($0[range]) })
  }

  /// These with scored indices `from…` replaced by `later`'s (as many members).
  public mutating func replace(from start: Int, with later: MemberScores) {
    for k in scores.indices {
      scores[k].replaceSubrange(start..., with: later.scores[k])
      cutoffs[k].replaceSubrange(start..., with: later.cutoffs[k])
    }
  }

  /// The members (numbered from 1, in the config's order) whose own score of scored index `i` is
  /// above their own cut-off: those that flag the row.
  public func flagging(at i: Int) -> [Int] {
    scores.indices.filter { scores[$0][i] > cutoffs[$0][i] }.map { $0 + 1 }
  }

  /// Member `k`'s scores and cut-offs from its first score on, and the scored index of that
  /// first score; nil when it has none, or when a score after its first is missing.
  public func fromFirstScore(of k: Int) -> (first: Int, scores: ArraySlice<Float>, cutoffs: ArraySlice<Float>)? {
    guard let first = scores[k].firstIndex(where: { !$0.isNaN }),
      !scores[k][first...].contains(where: \.isNaN)
    else { return nil }
    return (first, scores[k][first...], cutoffs[k][first...])
  }
}
