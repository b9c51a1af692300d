/// Persists a finished run: its config, training report, scores, flags and importance.
public protocol ResultSink {
  /// Checks, before any data is loaded or any model trained, that `write` can succeed as far as
  /// can be known: a database sink connects and checks its schema. Throws a clear error if not.
  func prepare() throws

  func write(_ run: RunResult) throws
}

extension ResultSink {
  public func prepare() throws {}
}
