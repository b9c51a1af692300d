/// How a source's table or file holds its indicators: a column each, or a row per symbol and
/// time. The csv and postgres sources both read either.
public enum TableLayout: String, CaseIterable, Sendable {
  /// A column per indicator.
  case wide
  /// A row per symbol and time: a symbol column beside the values.
  case long
}
