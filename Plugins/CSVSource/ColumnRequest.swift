/// Which columns of a CSV file to read.
struct ColumnRequest {
  /// `"auto"`: a column named date, timestamp, time or datetime (any case) if there is one;
  /// `""` or `"none"`: no time column (rows are numbered); otherwise the exact header name.
  var time: String
  /// Feature columns by exact header name; empty means every column but the time column.
  var columns: [String]

  static let automaticTimeNames = ["date", "timestamp", "time", "datetime"]

  /// The header name of the time column, or nil for none.
  func timeColumn(in header: [String]) -> String? {
    switch time {
    case "", "none": return nil
    case "auto": return header.first { Self.automaticTimeNames.contains($0.lowercased()) }
    default: return time
    }
  }
}
