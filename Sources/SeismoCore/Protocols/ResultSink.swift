/// Persists a finished run: its config, training report, scores, flags and importance.
public protocol ResultSink {
  func write(_ run: RunResult) throws
}
