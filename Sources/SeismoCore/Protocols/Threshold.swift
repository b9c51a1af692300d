/// A threshold rule with two verbs, as Merlion's post-rules and PyOD's `threshold_` have them:
/// `calibrate` learns from the calibration scores (the training rows' scores), then a
/// `CutoffStream` gives every scored row its own cut-off. A row is an anomaly when its score is
/// **strictly greater** than its cut-off.
///
/// Point in time: the cut-off of score t may use scores 0 … t − 1 and the calibrated value, never
/// score t itself or later ones, so appending rows never changes an earlier flag. A fixed or
/// percentile rule gives every row the calibrated value; an adaptive rule (likelihood, dynamic,
/// spot) moves with the scores. `Float.infinity` means "no cut-off yet" (an adaptive rule's
/// warm-up): never flagged.
public protocol Threshold {
  /// The rule's summary cut-off, learned from `trainingScores` (fixed rules ignore them). For
  /// adaptive rules this is the cut-off in force after the last calibration score.
  func calibrate(trainingScores: [Float]) throws -> Float

  /// The cut-offs of scores fed in time order, a chunk at a time. The first `calibration.count`
  /// scores fed are `calibration` itself (empty when a saved model scores rows afresh), and
  /// `calibrated` is what `calibrate` returned for them. Its state is bounded by the rule's own
  /// windows, so a stream of any length runs in fixed memory; `spot`'s grows with its peaks only
  /// (the scores above its initial quantile: about 2 % by default).
  func cutoffStream(calibration: [Float], calibrated: Float) -> any CutoffStream

  /// What a run should say of a calibration on `count` training scores when they are too few
  /// for the rule to mean what its parameters say (a 99th percentile of 50 scores is their
  /// largest), worded to follow `threshold NAME`; nil when they are enough.
  func calibrationWarning(scores count: Int) -> String?
}

/// Cut-offs for scores that arrive in order: feeding a series in any number of chunks gives the
/// same cut-offs as feeding it whole.
public protocol CutoffStream {
  /// One cut-off per score of `chunk`, the scores fed before it being the history.
  mutating func cutoffs(for chunk: ArraySlice<Float>) -> [Float]

  /// Feeds `chunk` as `cutoffs(for:)` does, to the same state, when its cut-offs are not wanted
  /// (a stored run's history, replayed to resume it). A rule may skip work there that only its
  /// cut-offs need.
  mutating func advance(over chunk: ArraySlice<Float>)

  /// Feeds `chunk` as `advance(over:)` does, given `cutoffs`: what this rule's `cutoffs(for:)`
  /// gave these scores when they were cut (a stored run's), one per score. A rule whose state
  /// depends on its own cut-offs (an extreme-value tail leaves out the scores above them) may
  /// read them instead of computing each, but must reach the state `advance(over:)` reaches,
  /// and so must check them where it can.
  mutating func advance(over chunk: ArraySlice<Float>, cutOff cutoffs: ArraySlice<Float>)
}

extension CutoffStream {
  public mutating func advance(over chunk: ArraySlice<Float>) { _ = cutoffs(for: chunk) }
  public mutating func advance(over chunk: ArraySlice<Float>, cutOff cutoffs: ArraySlice<Float>) { advance(over: chunk) }

  /// `cutoffs(for: scores)`, fed `progressChunk` scores at a time when `progress` listens, which
  /// hears the scores cut after each (the same cut-offs: a stream cuts alike in any chunks).
  public mutating func cutoffs(for scores: ArraySlice<Float>, progress: ProgressObserver?) -> [Float] {
    guard let progress else { return cutoffs(for: scores) }
    var cut: [Float] = []
    cut.reserveCapacity(scores.count)
    for start in stride(from: scores.startIndex, to: scores.endIndex, by: progressChunk) {
      cut += cutoffs(for: scores[start..<min(start + progressChunk, scores.endIndex)])
      progress(ProgressCount(cut.count, of: scores.count, .scores))
    }
    return cut
  }
}

/// The scores a stream cuts between two reports of its progress: `spot` refits its tail at each
/// peak, a million scores in a few seconds; the other rules take milliseconds.
let progressChunk = 50_000

/// A static rule's stream: the calibrated value for every row.
public struct ConstantCutoffs: CutoffStream {
  public let value: Float

  public init(_ value: Float) { self.value = value }

  public mutating func cutoffs(for chunk: ArraySlice<Float>) -> [Float] { [Float](repeating: value, count: chunk.count) }
}

extension Threshold {
  public func cutoffStream(calibration: [Float], calibrated: Float) -> any CutoffStream { ConstantCutoffs(calibrated) }

  public func calibrationWarning(scores count: Int) -> String? { nil }

  /// One cut-off per score, in order: the whole series fed to one `cutoffStream`. The first
  /// `calibrationCount` scores are the ones `calibrate` saw (0 when a saved model scores rows afresh);
  /// `calibrated` is what it returned. `progress` hears how many scores have been cut.
  public func cutoffs(
    for scores: [Float], calibrationCount: Int, calibrated: Float, progress: ProgressObserver? = nil
  ) -> [Float] {
    var stream = cutoffStream(calibration: Array(scores.prefix(calibrationCount)), calibrated: calibrated)
    return stream.cutoffs(for: scores[...], progress: progress)
  }

  /// The stream of a run's rule where the run left it: calibrated on `replay.calibration` (to
  /// `calibrated`), then fed `replay.fed`, the last of them with the cut-offs the run stored.
  public func resumedStream(_ replay: ThresholdReplay, calibrated: Float) -> any CutoffStream {
    var stream = cutoffStream(calibration: replay.calibration, calibrated: calibrated)
    let uncut = replay.fed.count - replay.cutoffs.count
    stream.advance(over: replay.fed[..<uncut])
    stream.advance(over: replay.fed[uncut...], cutOff: replay.cutoffs[...])
    return stream
  }
}
