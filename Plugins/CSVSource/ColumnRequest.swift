import SeismoCore

/// Which columns of a CSV file to read.
struct ColumnRequest {
  /// `"auto"`: a column named date, timestamp, time, datetime, ts, datum or fecha (any case) if
  /// there is one,
  /// else the first whose name has one of those as a word (`open_time`, `Date (UTC)`, `tradeDate`);
  /// `""` or `"none"`: no time column (rows are numbered); otherwise the exact header name.
  var time: String
  /// Feature columns by exact header name; empty means every named column but the time column
  /// (and the time-of-day column).
  var columns: [String]
  /// The column of times of day added to the time column's days (MetaTrader's `Time` beside
  /// `Date`), or "" for none.
  var timeOfDay = ""
  /// A long file's column naming each row's symbol (`layout: long`), or "" for a wide file.
  var symbol = ""
  /// Why the rows need times, when they do (a long file's symbols, files joined or appended, a
  /// table `ingest` writes): a file without a time column is then refused at its first row, not
  /// once the whole file has been read.
  var timesNeeded: String?

  /// `ts` is the time column of the tables `seismo ingest` writes (and of their exports); `Datum`
  /// a German, Dutch or Scandinavian export's, `Fecha` a Spanish one's.
  static let automaticTimeNames = ["date", "timestamp", "time", "datetime", "ts", "datum", "fecha"]

  /// Names a long file's symbol column goes by (any case), for hints.
  static let symbolNames: Set<String> = ["symbol", "ticker", "name", "code", "sym", "instrument", "asset", "security", "isin"]

  /// The column of `header` named as a long file's symbol column is, if any.
  static func likelySymbolColumn(in header: [String]) -> String? {
    header.first { symbolNames.contains($0.lowercased()) }
  }

  /// What `auto` looks for, for messages.
  static let automaticTimeDescription =
    "a column named \(automaticTimeNames.dropLast().joined(separator: ", ")) or \(automaticTimeNames.last!), or with one of those words in its name"

  /// True when the rows are numbered whatever the header holds (`time: none`).
  var numbersRows: Bool { time == "" || time == "none" }

  /// The feature columns to read from `header`: the ones listed, or every column with a name but
  /// the time column, the time-of-day column and the symbol column (an export's trailing
  /// separator adds a column without one). A long file's are its value columns.
  func features(in header: [String]) -> [String] {
    guard columns.isEmpty else { return columns }
    let time = timeColumn(in: header)
    return header.filter { !$0.isEmpty && $0 != time && $0 != timeOfDay && $0 != symbol }
  }

  /// The header name of the time column, or nil for none.
  func timeColumn(in header: [String]) -> String? {
    if numbersRows { return nil }
    guard time == "auto" else { return time }
    if let named = header.first(where: { Self.automaticTimeNames.contains($0.lowercased()) }) { return named }
    // A header of one column leaves nothing to take it from (`date;vix`, read with the wrong separator).
    guard header.count > 1 else { return nil }
    return header.first { Self.words(of: $0).contains(where: Self.automaticTimeNames.contains) }
  }

  /// Whether `auto` took `name` for the time column by a word of its name, not the whole name.
  func tookByWord(_ name: String) -> Bool { time == "auto" && !Self.automaticTimeNames.contains(name.lowercased()) }

  /// The lowercase words of a column name: split at what is not a letter or digit, and where a
  /// capital follows a small letter (`openTime`).
  static func words(of name: String) -> [String] {
    var words: [String] = []
    var word = ""
    var previousIsLower = false
    for c in name {
      guard c.isLetter || c.isNumber else {
        if !word.isEmpty { words.append(word) }
        (word, previousIsLower) = ("", false)
        continue
      }
      if c.isUppercase, previousIsLower, !word.isEmpty {
        words.append(word)
        word = ""
      }
      word += c.lowercased()
      previousIsLower = c.isLowercase
    }
    if !word.isEmpty { words.append(word) }
    return words
  }
}

extension SettingSpelling {
  /// What reads a long file whose symbols are in `column`: `set layout: long, symbol_column:
  /// Name` in a config; `give --symbol-column Name` to `ingest`, which has no layout option.
  func longLayout(symbolColumn column: String) -> String {
    self == .config
      ? "set \(setting("layout", "long")), \(setting("symbol_column", column))" : "give \(setting("symbol_column", column))"
  }
}
