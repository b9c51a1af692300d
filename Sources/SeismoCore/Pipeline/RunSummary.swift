import Foundation

/// The run summary written as `summary.json`: what ran, on what, and what it found.
///
/// Field names are snake_case in JSON. Timestamps are printed as in the input (`YYYY-MM-DD`, a
/// date and time, or a row number).
public struct RunSummary: Codable, Sendable {
  public struct Source: Codable, Sendable {
    public var plugin: String
    public var parameters: Parameters
    public var origin: String
    public var rowsRead: Int
    public var cellsFilled: Int
    public var rowsDropped: Int
    /// Rows were out of time order and were sorted.
    public var sortedByTime: Bool?
    /// Rows removed by merging duplicate timestamps under `duplicatePolicy`.
    public var duplicateRowsMerged: Int?
    public var duplicatePolicy: String?
    /// Features with no value in their last rows, and how many rows `ffill` carried their last
    /// value through (see `GapPolicy.Carry`); absent when none.
    public var carriedToEnd: [String: Int]?
    /// Features with a long run of rows inside their data that `ffill` filled (see
    /// `GapPolicy.Hole`); absent when none.
    public var holes: [String: Hole]?
    /// What the load warned of, as printed (`LoadedFrame.warnings`: rows sorted or merged, a
    /// feature carried to the end or with a hole, rows numbered); absent when nothing, and in
    /// summaries written before it was kept.
    public var warnings: [String]?

    /// A hole: the rows filled, from `from` to `to`, with the value of `after`.
    public struct Hole: Codable, Sendable, Equatable {
      public var rows: Int
      public var after: String
      public var from: String
      public var to: String
    }

    enum CodingKeys: String, CodingKey {
      case plugin, parameters, origin
      case rowsRead = "rows_read"
      case cellsFilled = "cells_filled"
      case rowsDropped = "rows_dropped"
      case sortedByTime = "sorted_by_time"
      case duplicateRowsMerged = "duplicate_rows_merged"
      case duplicatePolicy = "duplicate_policy"
      case carriedToEnd = "carried_to_end"
      case holes, warnings
    }
  }

  public struct Split: Codable, Sendable {
    public var parameters: Parameters
    public var trainRows: Int
    public var testRows: Int
    /// Timestamp of the last training row ("" when scoring a saved model: nothing trained).
    public var trainEnd: String

    enum CodingKeys: String, CodingKey {
      case parameters
      case trainRows = "train_rows"
      case testRows = "test_rows"
      case trainEnd = "train_end"
    }
  }

  public struct Threshold: Codable, Sendable {
    public var plugin: String
    public var parameters: Parameters
    /// The calibrated cut-off (for adaptive rules, the one in force after the calibration
    /// scores; each row's own is in scores.csv); absent when the rule had too few scores.
    public var value: Float?
    /// Whether every row has the same cut-off (absent in summaries of older runs: yes).
    public var constant: Bool?
    /// Training scores that calibrated it.
    public var calibrationScores: Int?

    enum CodingKeys: String, CodingKey {
      case plugin, parameters, value, constant
      case calibrationScores = "calibration_scores"
    }
  }

  /// A group of flagged rows (see `EventRule`).
  public struct Event: Codable, Sendable, Equatable {
    public var start: String
    public var end: String
    /// The row where the event reached `min_length` flags.
    public var alert: String
    public var flaggedRows: Int
    /// The highest score among the event's flagged rows.
    public var peakScore: Float
    /// Top feature at the peak.
    public var topFeature: String
    /// Part of the alert row: `train` or `test`.
    public var part: String
    /// An ensemble's members that flag any of the event's rows, numbered from 1; nil for one
    /// detector.
    public var flaggedBy: [Int]?

    enum CodingKeys: String, CodingKey {
      case start, end, alert, part
      case flaggedRows = "flagged_rows"
      case peakScore = "peak_score"
      case topFeature = "top_feature"
      case flaggedBy = "flagged_by"
    }
  }

  /// Whether scores are point in time, and if not, how many later rows each may use.
  public struct Causality: Codable, Sendable {
    public var pointInTime: Bool
    public var lookaheadRows: Int

    enum CodingKeys: String, CodingKey {
      case pointInTime = "point_in_time"
      case lookaheadRows = "lookahead_rows"
    }
  }

  public struct Importance: Codable, Sendable {
    public var plugin: String
    public var parameters: Parameters
    public var ranking: [FeatureImportanceEntry]
  }

  public struct Flag: Codable, Sendable, Equatable {
    public var timestamp: String
    public var score: Float
    public var topFeature: String
    /// `train` or `test`.
    public var part: String
    /// An ensemble's members that flag the row, numbered from 1 in the config's order (its own
    /// score above its own cut-off); nil for one detector.
    public var flaggedBy: [Int]?

    public init(timestamp: String, score: Float, topFeature: String, part: String, flaggedBy: [Int]? = nil) {
      self.timestamp = timestamp
      self.score = score
      self.topFeature = topFeature
      self.part = part
      self.flaggedBy = flaggedBy
    }

    enum CodingKeys: String, CodingKey {
      case timestamp, score, part
      case topFeature = "top_feature"
      case flaggedBy = "flagged_by"
    }
  }

  public var runId: String
  public var startedAt: String
  public var seismoVersion: String
  public var source: Source
  public var features: [String]
  /// `calendar` (timestamps are dates and times) or `index` (row numbers); absent in older
  /// summaries, whose readers guess it from the split's text.
  public var timeAxis: String?
  public var split: Split
  public var detector: PluginChoice
  public var threshold: Threshold
  /// The further detectors of an ensemble run (nil otherwise). Such a run's scores are the
  /// largest margin of any member over its own cut-off, and its cut-off is 0 (`Ensemble`).
  public var ensemble: [EnsembleMember]?
  /// The run's detector with its threshold rule, then an ensemble's further members.
  public var members: [EnsembleMember] {
    [EnsembleMember(detector: detector, threshold: PluginChoice(plugin: threshold.plugin, parameters: threshold.parameters))]
      + (ensemble ?? [])
  }
  // Absent in summaries written before events and causality were recorded.
  public var eventRule: Parameters?
  public var causality: Causality?
  /// The fits: one, or one per walk-forward refit (absent in older summaries).
  public var folds: [Fold]?
  public var importance: Importance?
  public var scoredRows: Int
  public var training: TrainingReport
  public var anomalyCount: Int
  public var testAnomalyCount: Int
  public var anomalies: [Flag]
  public var eventCount: Int?
  public var events: [Event]?
  public var timings: [String: Double]
  /// What the run warned about besides its data's load (`RunResult.warnings`); absent when
  /// nothing, and in older summaries.
  public var warnings: [String]?
  /// A forecaster's errors on the test rows against the naive forecast's (`ForecastSkill`);
  /// absent for other detectors, and in older summaries.
  public var forecastSkill: Skill?

  /// `forecast_skill`: the mean absolute scaled error of all features and of each, over `rows`
  /// test rows; a MASE is absent where the naive forecast made no error.
  public struct Skill: Codable, Equatable, Sendable {
    public var mase: Double?
    public var rows: Int
    public var features: [Feature]

    public struct Feature: Codable, Equatable, Sendable {
      public var feature: String
      public var mase: Double?
    }

    init(_ skill: ForecastSkill, names: [String]) {
      mase = skill.ratio
      rows = skill.rows
      features = names.enumerated().map { Feature(feature: $1, mase: skill.ratio(ofFeature: $0)) }
    }
  }

  enum CodingKeys: String, CodingKey {
    case source, features, split, detector, threshold, ensemble, importance, training, anomalies, timings, events
    case warnings
    case forecastSkill = "forecast_skill"
    case causality, folds
    case eventRule = "event_rule"
    case eventCount = "event_count"
    case timeAxis = "time_axis"
    case runId = "run_id"
    case startedAt = "started_at"
    case seismoVersion = "seismo_version"
    case scoredRows = "scored_rows"
    case anomalyCount = "anomaly_count"
    case testAnomalyCount = "test_anomaly_count"
  }

  /// How many flags, and how many events, a summary lists: the highest-scoring flags and the
  /// events with the highest peaks. `anomaly_count` and `event_count` count them all; a run's
  /// `scores.csv` marks every flagged and alerting row, and the postgres sink stores every event.
  public static let listed = 1000

  /// The summary of `run`, its config without passwords (`RunConfig.withoutSecrets`).
  public init(_ run: RunResult) {
    var log = Self.flagLog(of: run, listing: Self.listed)
    let (flags, events) = log.finish()
    let frame = run.frame
    self.init(
      runID: run.runID, startedAt: run.startedAt, config: run.config, loaded: run.loaded, rows: frame.rowCount,
      trainRows: run.trainRows,
      trainEnd: run.trainRows > 0 ? frame.formatTimestamp(frame.timestamps[run.trainRows - 1]) : "",
      threshold: run.threshold, constant: run.hasConstantCutoff, calibrationScores: run.calibrationScores,
      lookahead: run.lookahead, scoredRows: run.scores.values.count, flags: flags, anomalyCount: log.flagged.count,
      testAnomalyCount: log.testCount, events: events, eventCount: log.eventCount, timings: run.timings)
    folds = run.folds
    importance = zip(run.config.importance, run.importance).map {
      Importance(plugin: $0.plugin, parameters: $0.parameters, ranking: $1)
    }
    training = run.training
    warnings = run.warnings.isEmpty ? nil : run.warnings
    forecastSkill = run.forecastSkill.map { Skill($0, names: frame.featureNames) }
  }

  /// `run`'s flags fed in time order to a log that lists `listing` of them and of its events
  /// (nil: all), their times written by `stamp` (nil: as the run's frame prints them).
  public static func flagLog(of run: RunResult, listing: Int?, stamp: ((Timestamp) -> String)? = nil) -> FlagLog {
    let frame = run.frame
    var log = FlagLog(rule: run.config.eventRule, keep: listing)
    for i in run.scores.values.indices where run.isAnomaly(i) {
      let row = run.scores.row(i)
      let time = frame.timestamps[row]
      log.add(
        Flag(
          timestamp: stamp?(time) ?? frame.formatTimestamp(time), score: run.scores.values[i],
          topFeature: frame.featureNames[run.scores.topFeature(at: i)], part: row < run.trainRows ? "train" : "test",
          flaggedBy: run.memberScores?.flagging(at: i)),
        at: i, clearsMargin: log.rule.clears(run.scores.values[i], run.cutoffs[i]))
    }
    return log
  }

  /// The summary of a run scored as a stream: every row in the test part, nothing trained;
  /// `anomalies` and `events` list the highest-scoring only (`anomaly_count` and `event_count`
  /// count them all).
  public init(_ run: StreamedRun) {
    self.init(
      runID: run.runID, startedAt: run.startedAt, config: run.config, loaded: run.loaded, rows: run.rows, trainRows: 0,
      trainEnd: "", threshold: run.threshold, constant: run.hasConstantCutoff, calibrationScores: 0, lookahead: 0,
      scoredRows: run.scoredRows, flags: run.flags, anomalyCount: run.flagged.count, testAnomalyCount: run.flagged.count,
      events: run.events, eventCount: run.eventCount, timings: run.timings)
    folds = []
    warnings = run.warnings.isEmpty ? nil : run.warnings
    forecastSkill = run.forecastSkill.map { Skill($0, names: run.loaded.frame.featureNames) }
  }

  /// The parts every run has.
  private init(
    runID: String, startedAt: Date, config: RunConfig, loaded: LoadedFrame, rows: Int, trainRows: Int, trainEnd: String,
    threshold: Float, constant: Bool, calibrationScores: Int, lookahead: Int, scoredRows: Int, flags: [Flag],
    anomalyCount: Int, testAnomalyCount: Int, events: [Event], eventCount: Int, timings: [String: Double]
  ) {
    let config = config.withoutSecrets
    let frame = loaded.frame
    runId = runID
    self.startedAt = ISO8601DateFormatter().string(from: startedAt)
    seismoVersion = SeismoVersion.current
    source = Source(
      plugin: config.source.plugin, parameters: config.source.parameters, origin: loaded.origin,
      rowsRead: loaded.rowsRead, cellsFilled: loaded.cellsFilled, rowsDropped: loaded.rowsDropped,
      sortedByTime: loaded.sortedByTime, duplicateRowsMerged: loaded.duplicateRowsMerged,
      duplicatePolicy: loaded.duplicatePolicy.rawValue,
      carriedToEnd: loaded.carriedToEnd.isEmpty
        ? nil
        : Dictionary(uniqueKeysWithValues: loaded.carriedToEnd.map { (frame.featureNames[$0.feature], $0.rows) }),
      holes: loaded.holes.isEmpty
        ? nil
        : Dictionary(
          uniqueKeysWithValues: loaded.holes.map {
            (
              frame.featureNames[$0.feature],
              Source.Hole(
                rows: $0.rows, after: frame.formatTimestamp($0.after), from: frame.formatTimestamp($0.from),
                to: frame.formatTimestamp($0.to))
            )
          }),
      warnings: loaded.warnings.isEmpty ? nil : loaded.warnings)
    features = frame.featureNames
    timeAxis = frame.timeKind.rawValue
    split = Split(parameters: config.split, trainRows: trainRows, testRows: rows - trainRows, trainEnd: trainEnd)
    detector = config.detector
    self.threshold = Threshold(
      plugin: config.threshold.plugin, parameters: config.threshold.parameters,
      value: threshold.isFinite ? threshold : nil, constant: constant, calibrationScores: calibrationScores)
    ensemble = config.ensemble
    eventRule = config.events
    causality = Causality(pointInTime: lookahead == 0, lookaheadRows: lookahead)
    self.scoredRows = scoredRows
    training = TrainingReport()
    self.anomalyCount = anomalyCount
    self.testAnomalyCount = testAnomalyCount
    anomalies = flags
    self.eventCount = eventCount
    self.events = events
    self.timings = timings
  }

  /// Pretty, key-sorted JSON (keys are snake_case by their coding keys).
  public func jsonData() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }

  /// Reads a `summary.json`; `path` names it in errors.
  public static func read(from data: Data, path: String) throws -> RunSummary {
    do {
      return try JSONDecoder().decode(RunSummary.self, from: data)
    } catch {
      throw SeismoError.file(path: path, message: "not a Seismo run summary (\(reason(error)))")
    }
  }

  /// What a decoding failure found, in a few words: the key missing or mistyped, or no JSON.
  static func reason(_ error: Error) -> String {
    func dotted(_ path: [CodingKey]) -> String {
      path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context)?: return "no '\(dotted(context.codingPath + [key]))'"
    case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
      return "'\(dotted(context.codingPath))': \(context.debugDescription)"
    case .dataCorrupted(let context)?:
      return context.codingPath.isEmpty ? "not valid JSON" : "'\(dotted(context.codingPath))': \(context.debugDescription)"
    default: return error.localizedDescription
    }
  }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
  guard let a, let b else { return nil }
  return (a, b)
}
