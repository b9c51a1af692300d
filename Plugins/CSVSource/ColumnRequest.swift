/// Which columns of a CSV file to read.
struct ColumnRequest {
  /// `"auto"`: a column named date, timestamp, time, datetime or ts (any case) if there is one;
  /// `""` or `"none"`: no time column (rows are numbered); otherwise the exact header name.
  var time: String
  /// Feature columns by exact header name; empty means every named column but the time column.
  var columns: [String]

  /// `ts` is the time column of the tables `seismo ingest` writes (and of their exports).
  static let automaticTimeNames = ["date", "timestamp", "time", "datetime", "ts"]

  /// True when the rows are numbered whatever the header holds (`time: none`).
  var numbersRows: Bool { time == "" || time == "none" }

  /// The feature columns to read from `header`: the ones listed, or every column with a name but
  /// the time column (an export's trailing separator adds a column without one).
  func features(in header: [String]) -> [String] {
    guard columns.isEmpty else { return columns }
    let time = timeColumn(in: header)
    return header.filter { !$0.isEmpty && $0 != time }
  }

  /// The header name of the time column, or nil for none.
  func timeColumn(in header: [String]) -> String? {
    if numbersRows { return nil }
    if time == "auto" { return header.first { Self.automaticTimeNames.contains($0.lowercased()) } }
    return time
  }
}
