/// Which columns of a CSV file to read.
struct ColumnRequest {
  /// `"auto"`: a column named date, timestamp, time or datetime (any case) if there is one;
  /// `""` or `"none"`: no time column (rows are numbered); otherwise the exact header name.
  var time: String
  /// Feature columns by exact header name; empty means every column but the time column.
  var columns: [String]

  static let automaticTimeNames = ["date", "timestamp", "time", "datetime"]

  /// True when the rows are numbered whatever the header holds (`time: none`).
  var numbersRows: Bool { time == "" || time == "none" }

  /// The header name of the time column, or nil for none.
  func timeColumn(in header: [String]) -> String? {
    if numbersRows { return nil }
    if time == "auto" { return header.first { Self.automaticTimeNames.contains($0.lowercased()) } }
    return time
  }
}
