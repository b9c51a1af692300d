@testable import SeismoCore

/// Minimal plugins for exercising config validation and the pipeline without real ones.
struct ConstantSource: DataSource, ConfigurablePlugin {
  static let path = Parameter<String>("path", default: "", isPath: true, help: "unused file")
  static let files = Parameter<[String]>(oneOrMore: "files", isPath: true, default: ["a.csv"], help: "unused files")
  static let formats = Parameter<[String]>(oneOrMore: "formats", default: ["iso"], help: "unused formats")
  static let series = Parameter<[String]>("series", default: ["1", "2", "3", "4", "50", "6"], help: "values")
  static let descriptor = PluginDescriptor(
    kind: .source, name: "constant", summary: "rows of a given series",
    parameters: [Self.path.spec, Self.files.spec, Self.formats.spec, Self.series.spec])
  let values: [Float]
  init(parameters: Parameters) throws { values = parameters[Self.series].compactMap(Float.init) }
  func load() throws -> LoadedFrame {
    let frame = try Frame(
      timestamps: values.indices.map { Timestamp($0) * 86_400 }, featureNames: ["x"], values: values)
    return LoadedFrame(frame: frame, origin: "constant", rowsRead: values.count)
  }
}

/// Scores each row by its absolute value, with a warm-up of `lag` rows.
final class AbsoluteDetector: Detector, ConfigurablePlugin {
  enum Mode: String, CaseIterable, Sendable { case a, b }
  static let lag = Parameter<Int>("lag", 0...10, default: 1, help: "warm-up rows")
  static let scale = Parameter<Double>("scale", default: 1, help: "multiplier")
  static let verbose = Parameter<Bool>("verbose", default: false, help: "unused")
  static let mode = Parameter<Mode>("mode", default: .a, help: "unused")
  static let descriptor = PluginDescriptor(
    kind: .detector, name: "absolute", summary: "|x|",
    parameters: [
      AbsoluteDetector.lag.spec, AbsoluteDetector.scale.spec, AbsoluteDetector.verbose.spec, AbsoluteDetector.mode.spec,
    ])
  let lag: Int
  let scale: Float
  /// Refuses a zero scale, as a plugin's own check beyond its parameters' types and ranges.
  init(parameters: Parameters) throws {
    lag = parameters[Self.lag]
    scale = Float(parameters[Self.scale])
    guard scale != 0 else { throw SeismoError.config(key: "detector.scale", location: nil, message: "must not be 0") }
  }
  func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport {
    let record = EpochRecord(epoch: 1, loss: 0.5, validationLoss: nil, seconds: 0)
    observer?(record, 1)
    return TrainingReport(history: [record])
  }
  var warmupRows: Int { lag }
  func exportState() throws -> DetectorState { DetectorState(metadata: ["lag": String(lag)]) }
  func importState(_ state: DetectorState) throws {}
  func score(_ frame: Frame) throws -> Scores {
    let v = frame.values.dropFirst(lag * frame.featureCount).map { abs($0) * scale }
    return Scores(firstRow: lag, values: v, featureErrors: v, featureCount: 1)
  }
}

/// `absolute` with a lag of 1 whose scores claim to use `lookahead` later rows.
final class LookingAheadDetector: Detector, ConfigurablePlugin {
  static let descriptor = PluginDescriptor(
    kind: .detector, name: "looking-ahead", summary: "|x|, declared non-causal",
    parameters: [LookingAheadDetector.lookahead.spec])
  static let lookahead = Parameter<Int>("lookahead", 0...10, default: 0, help: "later rows a score uses")
  let lookahead: Int
  let scores: AbsoluteDetector
  init(parameters: Parameters) throws {
    lookahead = parameters[Self.lookahead]
    scores = try AbsoluteDetector(parameters: Parameters(specs: AbsoluteDetector.descriptor.parameters))
  }
  var warmupRows: Int { scores.warmupRows }
  func fit(_ train: Frame, observer: TrainingObserver?) throws -> TrainingReport { TrainingReport() }
  func exportState() throws -> DetectorState { DetectorState() }
  func importState(_ state: DetectorState) throws {}
  func score(_ frame: Frame) throws -> Scores { try scores.score(frame) }
}

struct MaxThreshold: Threshold, ConfigurablePlugin {
  static let descriptor = PluginDescriptor(kind: .threshold, name: "percentile", summary: "max of training", parameters: [])
  init(parameters: Parameters) throws {}
  func calibrate(trainingScores: [Float]) throws -> Float { trainingScores.max()! }
}

/// Cuts at a given value.
struct FixedCut: Threshold, ConfigurablePlugin {
  static let descriptor = PluginDescriptor(
    kind: .threshold, name: "fixed", summary: "a given cut-off",
    parameters: [Self.value.spec])
  static let value = Parameter<Double>("value", default: 1, help: "the cut-off")
  let value: Float
  init(parameters: Parameters) throws { value = Float(parameters[Self.value]) }
  func calibrate(trainingScores: [Float]) throws -> Float { value }
}

/// A sink that writes nothing, with one parameter.
struct NullSink: ResultSink, ConfigurablePlugin {
  static let label = Parameter<String>("label", default: "", help: "a name")
  static let descriptor = PluginDescriptor(kind: .sink, name: "null", summary: "nothing", parameters: [Self.label.spec])
  init(parameters: Parameters) throws {}
  func write(_ run: RunResult) throws {}
}

let testRegistry: PluginRegistry = {
  var r = PluginRegistry()
  r.register(source: ConstantSource.self)
  r.register(detector: AbsoluteDetector.self)
  r.register(threshold: MaxThreshold.self)
  r.register(threshold: FixedCut.self)
  r.defaultThreshold = MaxThreshold.descriptor.name
  return r
}()
