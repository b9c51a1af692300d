import Foundation

/// A trained detector with everything needed to score new data without retraining: the detector
/// plugin and parameters, its state (weights, scaler), the features it expects, how the training
/// data was read, and the calibrated threshold.
///
/// Stored as one `TensorArchive` (safetensors) file: the detector's tensors, and metadata keys
/// `seismo.*` for Seismo's part and `state.*` for the detector's.
public struct SavedModel: Sendable {
  public static let format = "seismo-model/1"

  public var detector: PluginChoice
  public var source: PluginChoice
  public var threshold: PluginChoice
  public var thresholdValue: Float
  /// How flags group into events (`EventRule.parameters`).
  public var events: Parameters
  public var features: [String]
  public var state: DetectorState
  /// Where the model was read from, for errors ("vix.seismo"); nil for a model made in memory.
  public var origin: String?
  /// Each feature's smallest and largest value in the rows the model was fitted on, for the
  /// warning that scored rows lie outside what a model of levels learned (`LevelDrift`); nil for
  /// a model saved before they were kept.
  public var trainingRanges: [ClosedRange<Float>]?
  /// The times and spacing of the rows the model was fitted on, for the warnings that scored
  /// rows are spaced otherwise or were trained on (`TrainingRows`); nil for rows without times,
  /// or a model saved before they were kept.
  public var trainingRows: TrainingRows?
  /// The scores of the rows the model was fitted on, which its threshold rule was calibrated on
  /// and then fed, so that scoring rows after them goes on from the rule's state where the
  /// training rows left it (`cutoffs(of:seriesStart:firstScored:)`); nil for a model saved before they
  /// were kept.
  public var trainingScores: TrainingScores?
  /// The mean of the detector's first calibration scores, which an ensemble scales its margin by
  /// (`Ensemble`); nil for a model of one detector.
  public var typicalScore: Float?
  /// An ensemble's further members (`SavedModel+Ensemble`), each a model of one detector on the
  /// same features; empty for a model of one detector.
  public var ensemble: [SavedModel] = []

  /// The scores of a model's training rows, in order (the rows it has a score for), the first
  /// `calibrationCount` of which calibrated its threshold rule: what an adaptive rule (spot,
  /// likelihood, dynamic) had seen when the training rows ended.
  public struct TrainingScores: Sendable, Equatable {
    public var scores: [Float]
    public var calibrationCount: Int

    public init(scores: [Float], calibrationCount: Int) {
      self.scores = scores
      self.calibrationCount = calibrationCount
    }
  }

  /// The cut-offs `rule` (the model's) gives a series whose first row is at `seriesStart` and first
  /// scored row at `firstScored`:
  /// - a series that begins where the model's training rows began (its own data, read again) is
  ///   cut as `detect` cut it: the rule calibrated on the training scores, which are its first;
  /// - a series scored after the training rows goes on from the rule's state after the training
  ///   scores, as `detect` went on into its test rows (a `spot` tail keeps growing, a `dynamic`
  ///   or `likelihood` cut-off has its history);
  /// - otherwise (rows without times, a model without training scores, a series that begins
  ///   before or among the training rows, or one whose training rows' scores are not the model's
  ///   own: `scoresOwnTrainingRows` false, a walk-forward run's stored scores) the rule starts
  ///   afresh on the series' own scores, from the saved cut-off, and, for a model with training
  ///   scores, goes on from their state at the first row after the training rows (`ModelCutoffs`).
  public func cutoffs(
    of rule: any Threshold, seriesStart: Timestamp?, firstScored: Timestamp?, scoresOwnTrainingRows: Bool = true
  ) -> ModelCutoffs {
    let afresh = rule.cutoffStream(calibration: [], calibrated: thresholdValue)
    guard let trainingScores, let trainingRows, let seriesStart, let firstScored else { return ModelCutoffs(afresh) }
    let calibration = Array(trainingScores.scores.prefix(trainingScores.calibrationCount))
    if seriesStart == trainingRows.first, scoresOwnTrainingRows {
      return ModelCutoffs(rule.cutoffStream(calibration: calibration, calibrated: thresholdValue))
    }
    let resumed = rule.resumedStream(
      ThresholdReplay(calibration: calibration, fed: trainingScores.scores), calibrated: thresholdValue)
    guard firstScored > trainingRows.last else { return ModelCutoffs(afresh, resumedAfter: trainingRows.last, as: resumed) }
    return ModelCutoffs(resumed)
  }

  /// The tensor that holds `trainingScores` in a model file, beside the detector's.
  static let trainingScoresTensor = "seismo.training_scores"

  /// The model of `run`: of its detector, or of each member of its ensemble (`RunResult.members`).
  public init(run: RunResult) throws {
    let config = run.config.withoutSecrets  // a model file never holds a password
    var fitted = run.members
    if fitted.isEmpty {
      guard let state = run.detectorState else { throw SeismoError.state("the run kept no detector state to save") }
      fitted = [RunResult.FittedMember(state: state, threshold: run.threshold, trainingScores: run.trainingScores)]
    }
    let models = zip(config.members, fitted).map { member, fitted in
      var model = SavedModel(
        detector: member.detector, source: config.source, threshold: member.threshold, thresholdValue: fitted.threshold,
        events: config.events, features: run.frame.featureNames, state: fitted.state)
      model.trainingRanges = run.trainingRanges
      model.trainingRows = run.trainingRows
      model.trainingScores = fitted.trainingScores
      model.typicalScore = fitted.typicalScore
      return model
    }
    self = models[0]
    ensemble = Array(models.dropFirst())
  }

  public init(
    detector: PluginChoice, source: PluginChoice, threshold: PluginChoice, thresholdValue: Float,
    events: Parameters = Parameters(specs: EventRule.parameters), features: [String], state: DetectorState
  ) {
    self.detector = detector
    self.source = source
    self.threshold = threshold
    self.thresholdValue = thresholdValue
    self.events = events
    self.features = features
    self.state = state
  }

  public func encode() throws -> Data {
    var (tensors, metadata) = try parts()
    for (k, member) in ensemble.enumerated() { try member.addOwnParts(to: &tensors, &metadata, as: k + 1) }
    return try TensorArchive.encode(tensors, metadata: metadata)
  }

  /// The tensors and metadata of a model file of this model's own detector.
  func parts() throws -> (tensors: [String: TensorArchive.Tensor], metadata: [String: String]) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys  // the same model is the same bytes
    func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
    var metadata = Dictionary(uniqueKeysWithValues: state.metadata.map { ("state." + $0.key, $0.value) })
    metadata["seismo.format"] = Self.format
    metadata["seismo.version"] = SeismoVersion.current
    metadata["seismo.detector"] = try json(detector)
    metadata["seismo.source"] = try json(source)
    metadata["seismo.threshold"] = try json(threshold)
    metadata["seismo.threshold_value"] = String(thresholdValue)
    metadata["seismo.events"] = try json(events)
    metadata["seismo.features"] = try json(features)
    if let trainingRanges {
      metadata["seismo.training_ranges"] = try json(trainingRanges.map { [$0.lowerBound, $0.upperBound] })
    }
    if let trainingRows {
      metadata["seismo.training_rows"] = try json([
        "first": trainingRows.first, "last": trainingRows.last, "spacing_s": trainingRows.spacing.seconds,
      ])
    }
    var tensors = state.tensors
    if let trainingScores {
      metadata["seismo.calibration_count"] = String(trainingScores.calibrationCount)
      tensors[Self.trainingScoresTensor] = TensorArchive.Tensor(
        shape: [trainingScores.scores.count], values: trainingScores.scores)
    }
    if let typicalScore { metadata["seismo.typical_score"] = String(typicalScore) }
    return (tensors, metadata)
  }

  /// Reads a model file's bytes; `origin` names it in errors.
  public static func decode(_ data: Data, origin: String) throws -> SavedModel {
    let (tensors, metadata) = try TensorArchive.decode(data, origin: origin)
    guard metadata["seismo.format"] == format else {
      throw SeismoError.file(
        path: origin, message: "not a Seismo model (no '\(format)' marker); save one with detect --save-model")
    }
    let (own, members) = ownParts(tensors, metadata)
    var model = try decodeParts(own.tensors, own.metadata, origin: origin)
    model.ensemble = try members.map { try decodeParts($0.tensors, $0.metadata, origin: origin) }
    return model
  }

  /// The model of one detector in a model file's `tensors` and `metadata`.
  static func decodeParts(_ tensors: [String: TensorArchive.Tensor], _ metadata: [String: String], origin: String) throws
    -> SavedModel
  {
    var tensors = tensors
    let trainingScores = tensors.removeValue(forKey: trainingScoresTensor)
    func field<T: Decodable>(_ key: String, _ type: T.Type) throws -> T {
      guard let text = metadata["seismo." + key], let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else {
        throw SeismoError.file(path: origin, message: "damaged model: '\(key)' is missing or unreadable")
      }
      return value
    }
    guard let threshold = metadata["seismo.threshold_value"].flatMap(Float.init), !threshold.isNaN, threshold > -.infinity
    else {
      throw SeismoError.file(path: origin, message: "damaged model: no threshold value, or one that is NaN or −∞")
    }
    let stateMetadata = Dictionary(
      uniqueKeysWithValues: metadata.filter { $0.key.hasPrefix("state.") }.map { (String($0.key.dropFirst(6)), $0.value) })
    // Models saved before events existed group flags with the defaults.
    let saved = metadata["seismo.events"] == nil ? Parameters() : try field("events", Parameters.self)
    let features = try field("features", [String].self)
    guard !features.isEmpty, Set(features).count == features.count else {
      throw SeismoError.file(path: origin, message: "damaged model: the feature list is empty or names a feature twice")
    }
    var model = SavedModel(
      detector: try field("detector", PluginChoice.self), source: try field("source", PluginChoice.self),
      threshold: try field("threshold", PluginChoice.self), thresholdValue: threshold,
      events: try saved.resolved(against: EventRule.parameters, section: "events"),
      features: features, state: DetectorState(tensors: tensors, metadata: stateMetadata))
    model.origin = origin
    if metadata["seismo.training_ranges"] != nil {  // absent in models saved before they were kept
      let ranges = try field("training_ranges", [[Float]].self)
      guard ranges.count == features.count, ranges.allSatisfy({ $0.count == 2 && $0[0] <= $0[1] }) else {
        throw SeismoError.file(path: origin, message: "damaged model: the training ranges do not match the features")
      }
      model.trainingRanges = ranges.map { $0[0]...$0[1] }
    }
    if metadata["seismo.training_rows"] != nil {  // absent for rows without times, or before they were kept
      let rows = try field("training_rows", [String: Int64].self)
      guard let first = rows["first"], let last = rows["last"],
        let spacing = rows["spacing_s"].flatMap(RowSpacing.init(seconds:)),
        let training = TrainingRows(first: first, last: last, spacing: spacing)
      else {
        throw SeismoError.file(
          path: origin,
          message: "damaged model: the training rows need a first time before their last and a positive spacing in seconds")
      }
      model.trainingRows = training
    }
    if let trainingScores {  // absent in models saved before they were kept
      let count = metadata["seismo.calibration_count"] ?? "none"
      guard let calibrationCount = Int(count), (0...trainingScores.values.count).contains(calibrationCount) else {
        throw SeismoError.file(
          path: origin,
          message: "damaged model: the calibration count (\(count)) is not between 0 and the training scores' count")
      }
      guard trainingScores.values.allSatisfy(\.isFinite) else {
        throw SeismoError.file(path: origin, message: "damaged model: a training score is NaN or infinite")
      }
      model.trainingScores = TrainingScores(scores: trainingScores.values, calibrationCount: calibrationCount)
    }
    if let typical = metadata["seismo.typical_score"] {
      guard let value = Float(typical), value.isFinite else {
        throw SeismoError.file(path: origin, message: "damaged model: the typical score '\(typical)' is not a finite number")
      }
      model.typicalScore = value
    }
    return model
  }
}
