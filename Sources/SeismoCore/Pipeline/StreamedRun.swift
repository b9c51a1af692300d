import Foundation

/// What scoring a source as a stream found (`DetectionPipeline.scoreStream`): what the summary
/// needs, keeping nothing per row but the flagged ones.
public struct StreamedRun: Sendable {
  public var runID: String
  public var startedAt: Date
  public var config: RunConfig
  /// The source's counts over the whole stream; its frame has the features, the time axis and
  /// at most the last row read.
  public var loaded: LoadedFrame
  /// Rows after the source's gap and duplicate policies (all in the test part).
  public var rows: Int
  public var scoredRows: Int
  /// The saved model's calibrated cut-off.
  public var threshold: Float
  /// Whether every scored row had the same cut-off.
  public var hasConstantCutoff: Bool
  /// The highest-scoring flagged rows (`RunSummary.listed` of them), in time order.
  public var flags: [RunSummary.Flag]
  /// Scored indices of every flagged row.
  public var flagged: [Int]
  /// The events with the highest peaks (`RunSummary.listed` of them), in time order, and how many
  /// there were.
  public var events: [RunSummary.Event]
  public var eventCount: Int
  /// Wall seconds per stage: load (reading and the source's policies), score, total.
  public var timings: [String: Double]
  /// What the run warned about besides its data's load: scored rows outside a model of levels'
  /// training range (`LevelDriftCounter`).
  public var warnings: [String] = []
  /// A forecaster's errors on every scored row against the naive forecast's; nil for other
  /// detectors.
  public var forecastSkill: ForecastSkill?

  /// Flagged rows: every one is in the test part (a streamed run trains nothing).
  public var anomalyCount: Int { flagged.count }
}
