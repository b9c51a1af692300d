/// A saved model's threshold rule cutting the scores of a series, in time order, a piece at a
/// time (`SavedModel.cutoffs(of:seriesStart:firstScored:)` says how it starts).
///
/// A series that reaches back before the rows the model was fitted on (a walk-forward run's last
/// fold, which trained on the rows just before the rows it scored, read with the run's whole
/// table) has no state of the rule that matches its first rows: they are cut afresh. From the
/// first row after the training rows on, the rule goes on where the training scores left it, as
/// `detect` cut the rows that model scored.
public struct ModelCutoffs {
  var stream: any CutoffStream
  /// The time of the model's last training row, when the rows up to it are cut afresh, and the
  /// rule's stream where the training scores left it, which cuts the rows after it.
  var pending: (lastTraining: Timestamp, resumed: any CutoffStream)?

  init(_ stream: any CutoffStream, resumedAfter lastTraining: Timestamp? = nil, as resumed: (any CutoffStream)? = nil) {
    self.stream = stream
    if let lastTraining, let resumed { pending = (lastTraining, resumed) }
  }

  /// Whether every cut-off is the rule's one value, whatever the scores (a fixed or percentile
  /// rule's), so that no score fed moves it.
  var isConstant: Bool { stream is ConstantCutoffs && (pending.map { $0.resumed is ConstantCutoffs } ?? true) }

  /// Feeds `scores` as `cutoffs(for:at:)` does, without their cut-offs (`CutoffStream.advance`):
  /// given `cutoffs`, those this rule gave them (a stored run's), a rule may read them
  /// (`CutoffStream.advance(over:cutOff:)`).
  public mutating func advance(
    over scores: ArraySlice<Float>, at times: ArraySlice<Timestamp>, cutOff cutoffs: ArraySlice<Float>? = nil
  ) {
    func feed(_ stream: inout any CutoffStream, _ scores: ArraySlice<Float>, _ cutoffs: ArraySlice<Float>?) {
      if let cutoffs { stream.advance(over: scores, cutOff: cutoffs) } else { stream.advance(over: scores) }
    }
    guard let (lastTraining, resumed) = pending else { return feed(&stream, scores, cutoffs) }
    let before = times.prefix { $0 <= lastTraining }.count
    // The rows up to the training rows' end matter only while the afresh stream cuts on.
    guard before < scores.count else { return feed(&stream, scores, cutoffs) }
    (stream, pending) = (resumed, nil)
    feed(&stream, scores.dropFirst(before), cutoffs?.dropFirst(before))
  }

  /// One cut-off per score of `scores`, whose rows are at `times` (as many, in order), the
  /// scores fed before being the history. `progress`, when given, hears the scores cut so far,
  /// of all of `scores` (`CutoffStream.cutoffs(for:progress:)`; the same cut-offs).
  public mutating func cutoffs(
    for scores: ArraySlice<Float>, at times: ArraySlice<Timestamp>, progress: ProgressObserver? = nil
  ) -> [Float] {
    func overAll(from done: Int) -> ProgressObserver? {
      progress.map { hear in { hear(ProgressCount(done + $0.done, of: scores.count, .scores)) } }
    }
    guard let (lastTraining, resumed) = pending else { return stream.cutoffs(for: scores, progress: overAll(from: 0)) }
    let before = times.prefix { $0 <= lastTraining }.count
    var cut = stream.cutoffs(for: scores.prefix(before), progress: overAll(from: 0))
    guard before < scores.count else { return cut }
    (stream, pending) = (resumed, nil)
    cut += stream.cutoffs(for: scores.dropFirst(before), progress: overAll(from: before))
    return cut
  }
}
