/// How a frame is cut into training rows (the head) and test rows (the tail).
///
/// Time series are never shuffled across the cut: the first `trainRows` rows train, the rest are
/// held out. Either a fraction of the rows or a last training timestamp decides the cut, and
/// `max_train_rows` caps it (NAB's protocol: the first 15 % of a series, at most 750 rows).
public struct SplitPolicy: Sendable, Equatable {
  /// Fraction of rows that train, in (0, 1].
  public var trainFraction: Double
  /// When set, rows up to and including this timestamp train (overrides the fraction).
  public var trainUntil: Timestamp?
  /// When set, at most this many rows train.
  public var maxTrainRows: Int?
  /// Walk-forward: refit every this many rows or this calendar period (nil: fit once).
  public var refitEvery: RefitInterval?
  /// Walk-forward folds train on every earlier row (`expanding`) or on as many rows as the first
  /// fold, ending where the fold starts (`rolling`).
  public var refitWindow: RefitWindow
  /// Walk-forward: each refit starts from the previous fold's fitted state (a network's weights)
  /// instead of a fresh one (`Detector.warmStart(from:epochs:)`).
  public var warmStart = false
  /// With `warmStart`: the epochs each refit trains (nil: as many as the first fit). A fraction
  /// trains the last epoch on that share of the fold's windows, drawn at random.
  public var refitEpochs: Double?

  public enum RefitWindow: String, Sendable, CaseIterable {
    case expanding, rolling
  }

  static let trainFraction = Parameter<Double>(
    "train_fraction", 0.01...1, default: 0.8,
    help: "fraction of rows, from the start, used for training (the rest is the test part)")
  static let trainUntil = Parameter<String>(
    "train_until", default: "", help: "last training timestamp (ISO date); overrides train_fraction when set")
  static let maxTrainRows = Parameter<Int>(
    "max_train_rows", 0...Int(Int32.max), default: 0, help: "at most this many rows train (0: no cap)")
  static let refitEvery = Parameter<String>(
    "refit_every", default: "0",
    help:
      "walk-forward: refit the detector and threshold on the rows before, every N rows (250) or period (30d, 13w, 6m, 1y); 0: fit once"
  )
  static let refitWindow = Parameter<RefitWindow>(
    "refit_window", default: .expanding,
    help: "walk-forward training rows: expanding (every earlier row) or rolling (as many as the first fold)")
  static let refitEpochs = Parameter<Double>(
    "refit_epochs", 0...100_000, default: 0,
    help:
      "with warm_start: epochs each refit trains from the previous fold's weights (0: as many as the first fit); a fraction trains the last on that share of the windows, drawn at random (0.5: a random half)"
  )
  static let warmStart = Parameter<Bool>(
    "warm_start", default: false,
    help: "walk-forward: start each refit from the previous fold's weights (neural detectors) instead of fresh ones")

  public static let parameters: [ParameterSpec] = [
    Self.trainFraction.spec,
    Self.trainUntil.spec,
    Self.maxTrainRows.spec,
    Self.refitEvery.spec,
    Self.refitWindow.spec,
    Self.warmStart.spec,
    Self.refitEpochs.spec,
  ]

  public init(
    trainFraction: Double = 0.8, trainUntil: Timestamp? = nil, maxTrainRows: Int? = nil, refitEvery: RefitInterval? = nil,
    refitWindow: RefitWindow = .expanding
  ) {
    self.trainFraction = trainFraction
    self.trainUntil = trainUntil
    self.maxTrainRows = maxTrainRows
    self.refitEvery = refitEvery
    self.refitWindow = refitWindow
  }

  public init(parameters: Parameters) throws {
    let until = parameters[Self.trainUntil]
    var cut: Timestamp?
    if !until.isEmpty {
      guard let t = TimestampParser().parse(until) else {
        throw SeismoError.config(key: "split.train_until", location: nil, message: "'\(until)' is not an ISO date")
      }
      cut = t
    }
    let cap = parameters[Self.maxTrainRows]
    self.init(
      trainFraction: parameters[Self.trainFraction], trainUntil: cut, maxTrainRows: cap > 0 ? cap : nil,
      refitEvery: try RefitInterval(parsing: parameters[Self.refitEvery]), refitWindow: parameters[Self.refitWindow])
    warmStart = parameters[Self.warmStart]
    let epochs = parameters[Self.refitEpochs]
    guard epochs == 0 || warmStart else {
      throw SeismoError.config(
        key: "split.refit_epochs", location: nil,
        message: "fewer epochs per refit need warm_start: true (a cold refit starts from fresh weights)")
    }
    refitEpochs = epochs > 0 ? epochs : nil
  }

  /// Throws for a config's split that `init` would take but not use: settings of walk-forward
  /// refits (`refit_window: rolling`, `warm_start`) without `refit_every`. Not checked for a
  /// stored run (see `ConfigurablePlugin.checkConfiguration`).
  public static func checkConfiguration(_ parameters: Parameters) throws {
    let split = try SplitPolicy(parameters: parameters)
    guard split.refitEvery == nil,
      let key = split.refitWindow == .rolling ? Self.refitWindow.name : (split.warmStart ? Self.warmStart.name : nil)
    else { return }
    throw SeismoError.config(
      key: "split.\(key)", location: nil,
      message: "shapes walk-forward refits, and without refit_every the detector fits once; set refit_every or drop it")
  }

  /// The number of leading rows of `frame` that train; at least one row trains.
  public func trainRows(of frame: Frame) throws -> Int {
    var rows: Int
    if let trainUntil {
      guard frame.timeKind == .calendar else {
        throw SeismoError.invalidInput("split.train_until needs a time column; this data has none")
      }
      rows = frame.timestamps.partitioningIndex(where: { $0 > trainUntil })
    } else {
      rows = Int((Double(frame.rowCount) * trainFraction).rounded(.down))
    }
    if let maxTrainRows { rows = min(rows, maxTrainRows) }
    if rows == 0, let trainUntil, let first = frame.timestamps.first {
      throw SeismoError.invalidInput(
        "split.train_until \(frame.formatTimestamp(trainUntil)) is before the first row (\(frame.formatTimestamp(first))), so no row trains; set a later date"
      )
    }
    guard rows > 0 else {
      throw SeismoError.invalidInput(
        "the split leaves no training rows (\(frame.rowCount) row\(frame.rowCount == 1 ? "" : "s") in the data)")
    }
    return rows
  }
}

extension SplitPolicy {
  /// The folds of `frame` whose first `trainRows` train the first model: one fold without
  /// `refitEvery`, else one per interval after the first training part.
  public func folds(of frame: Frame, trainRows: Int) throws -> [Fold] {
    let rows = frame.rowCount
    guard let refitEvery, trainRows < rows else { return [Fold(trainStart: 0, trainEnd: trainRows, scoreEnd: rows)] }
    let starts = try refitEvery.foldStarts(timestamps: frame.timestamps, timeKind: frame.timeKind, trainRows: trainRows)
    return starts.enumerated().map { k, start in
      Fold(
        trainStart: refitWindow == .rolling ? Swift.max(0, start - trainRows) : 0, trainEnd: start,
        scoreEnd: k + 1 < starts.count ? starts[k + 1] : rows)
    }
  }
}
