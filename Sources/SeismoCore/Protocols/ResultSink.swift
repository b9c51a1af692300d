/// Persists a finished run: its config, training report, scores, flags and importance.
public protocol ResultSink {
  /// Checks, before any data is loaded or any model trained, that `write` can succeed as far as
  /// can be known: a database sink connects and checks its schema. Throws a clear error if not.
  func prepare() throws

  func write(_ run: RunResult) throws

  /// `write`, telling `observer` how many of the run's scored rows it has written, for a
  /// progress line on long writes; a sink that cannot tell writes as `write` does.
  func write(_ run: RunResult, observer: ProgressObserver?) throws

  /// Whether `write` also stores the trained model (`SavedModel`), which needs a run of one
  /// detector.
  var savesModel: Bool { get }
}

extension ResultSink {
  public func write(_ run: RunResult, observer: ProgressObserver?) throws { try write(run) }
  public func prepare() throws {}
  public var savesModel: Bool { false }
}
