import Foundation
import SeismoCore

/// Where a table of a join came from: a file, or a long file's symbol, and its columns (as
/// the file names them), for errors.
struct JoinedPart {
  var file: String
  var symbol: String?
  var columns: [String]
  /// The file and line of a line of the part's rows, where files were appended; nil: `file`'s.
  var place: ((Int32) -> (path: String, line: Int))? = nil

  /// What the parts are: files, or a long file's symbols.
  var kind: String { symbol == nil ? "file" : "symbol" }
  /// `symbol AAPL ` before a message about the symbol; nothing for a file, named as the source.
  var subject: String { symbol.map { "symbol \($0) " } ?? "" }
  /// The part, named in a message about another: the file, or `symbol AAPL`.
  var named: String { symbol.map { "symbol \($0)" } ?? file }
}

/// One feature of a source's files: the file and column it is read from, and its name.
struct FeatureSource: Equatable {
  var path: String
  var column: String
  var name: String
}

extension CSVSource {
  /// The features the files give, in order, found from their headers alone (`columnsFound`),
  /// named by `as`. Throws as `columnsFound` does, or when two features would share a name.
  func featureSources() throws -> [FeatureSource] {
    let found = try columnsFound()
    guard !renames.isEmpty else {
      let names = Self.featureNames(found)
      if let k = names.indices.first(where: { names[..<$0].contains(names[$0]) }) {
        let other = found[names.firstIndex(of: names[k])!]
        let distinct = names.enumerated().map { j, name in names[..<j].contains(name) ? "\(name)_\(j + 1)" : name }
        throw SeismoError.config(
          key: "source.as", location: nil,
          message:
            "'\(found[k].column)' is a column of both \(other.path) and \(found[k].path), files of one name; name the \(found.count) features with as, in this order: as: [\(distinct.joined(separator: ", "))]"
        )
      }
      return zip(found, names).map { FeatureSource(path: $0.path, column: $0.column, name: $1) }
    }
    guard renames.count == found.count else { throw renameCountError(found.map(\.column)) }
    return zip(found, renames).map { FeatureSource(path: $0.path, column: $0.column, name: $1) }
  }

  /// The columns the files give, file by file: each file's `columns` that it has, in their
  /// order (every named column but its time column when none are listed), before `as` names
  /// them. Throws, naming the files and their columns, when a listed column is in none of the
  /// files or a file gives none.
  func columnsFound() throws -> [(path: String, column: String)] {
    var found: [(path: String, column: String)] = []
    var headers: [(path: String, names: [String])] = []
    for file in appends ? [path] : paths {  // appended files give the first one's columns
      let own = single(file)
      let header = try own.header()
      headers.append((file, header))
      let columns = request.columns.isEmpty ? own.request.features(in: header) : request.columns.filter(header.contains)
      guard !columns.isEmpty else {
        let wanted =
          request.columns.isEmpty ? "no feature columns" : "none of the columns \(request.columns.joined(separator: ", "))"
        throw SeismoError.data(
          source: file, line: 1, column: nil, message: "has \(wanted); its columns are: \(EditDistance.listing(header))")
      }
      found += columns.map { (file, $0) }
    }
    if let missing = request.columns.first(where: { column in !found.contains { $0.column == column } }) {
      let others = headers.flatMap(\.names).filter { !request.columns.contains($0) }
      let listing = headers.map { "\($0.path) (\(EditDistance.listing($0.names)))" }.joined(separator: "; ")
      throw SeismoError.config(
        key: "source.columns", location: nil,
        message:
          "unknown column '\(missing)'\(EditDistance.suggestion(for: missing, among: others)): none of the files has it; their columns: \(listing)"
      )
    }
    return found
  }

  /// The features' names without `as`: the columns' own, unless files share a column's name
  /// (`Close` of `AAPL.csv` and of `MSFT.csv`); then each file's name (`AAPL`, `MSFT`), where
  /// every file gives one column, or else the file's name and the column's (`AAPL_Close`).
  static func featureNames(_ found: [(path: String, column: String)]) -> [String] {
    let columns = found.map(\.column)
    guard Set(columns).count < columns.count else { return columns }
    let stems = found.map { URL(fileURLWithPath: $0.path).deletingPathExtension().lastPathComponent }
    let onePerFile = Set(found.map(\.path)).count == found.count
    return onePerFile ? stems : zip(stems, columns).map { "\($0)_\($1)" }
  }

  /// Throws, naming it, when a part (a file, or a long file's symbol) shares no time with any
  /// other: rows join on exact times, so dates beside times of day (`2020-01-02` beside
  /// `2020-01-02 16:00`), or years that do not overlap, would give rows that each hold one part's
  /// value.
  func checkSharedTimes(_ times: JoinedTimes, parts: [JoinedPart]) throws {
    guard times.counts.count > 1 else { return }  // a long file's one symbol
    for k in times.counts.indices {
      guard !times.sharesTime(k) else { continue }
      let other = k == 0 ? 1 : 0
      throw SeismoError.data(
        source: parts[k].file, line: nil, column: nil,
        message:
          "\(parts[k].subject)shares no time with the other \(parts[k].kind)s (its rows: \(times.span(k)); \(parts[other].named)'s: \(times.span(other))); rows are joined on exact times, so the \(parts[k].kind)s must overlap in time, and dates never meet times of day"
      )
    }
  }

  /// This source reading `file` alone, with its settings (its own time column, time format,
  /// separator and decimal mark, when each file has one) but `as` and the hold-back: how each of
  /// several files is read before they are joined.
  func single(_ file: String) -> CSVSource {
    let k = paths.firstIndex(of: file) ?? 0
    var source = self
    source.paths = [file]
    func own<T>(_ list: [T]) -> [T] { [list[list.count == 1 ? 0 : k]] }
    source.timeColumns = own(timeColumns)
    source.request.time = source.timeColumns[0]
    source.timeOfDayColumns = own(timeOfDayColumns)
    source.request.timeOfDay = source.timeOfDayColumns[0]
    source.timeParsers = own(timeParsers)
    source.delimiters = own(delimiters)
    source.decimals = own(decimals)
    source.skips = own(skips)
    source.footers = own(footers)
    source.renames = []
    source.holdBack = nil  // the joined rows are held back, not each file's
    return source
  }

  /// One source per file, each reading its file alone, with the features the join takes from
  /// it under the names the join gives them (`as`, or named for the files).
  func eachFile() throws -> [CSVSource] {
    guard joins else { return [self] }
    let features = try featureSources()
    return paths.map { file in
      var source = single(file)
      let own = features.filter { $0.path == file }
      source.request.columns = own.map(\.column)
      source.renames = own.map(\.name)
      return source
    }
  }

  /// The header of the one file.
  public func header() throws -> [String] {
    try checkFile()
    let header = HeaderReader(separators: SeparatorAdvice(delimiter: delimiter, spelling: spelling))
    do {
      try recordReader.read(into: header)
    } catch is HeaderReader.Done {}
    guard !header.names.isEmpty else { throw SeismoError.file(path: path, message: "the file is empty") }
    return header.names
  }

  /// Throws for files of one series cut by time (a file a year, or a month): the same columns,
  /// each pair sharing fewer than half the times of the shorter. Joined side by side, each
  /// would be a feature of its own stretch of time, named for its file. Features named by `as`
  /// are indicators, as said.
  func refuseOneSeriesCutByTime(_ times: JoinedTimes, columns: [[String]]) throws {
    guard renames.isEmpty, Set(columns).count == 1 else { return }
    for k in times.counts.indices {
      for l in times.counts.indices where l > k && times.shared(k, l) * 2 >= min(times.counts[k], times.counts[l]) {
        return  // indicators side by side, on the same times
      }
    }
    let spans = paths.indices.map { "\(paths[$0]): \(times.span($0))" }
    let message =
      "the files have the same columns (\(EditDistance.listing(columns[0]))) and follow one another in time (\(spans.joined(separator: "; "))): files are joined side by side, each a feature of its own stretch of time; a file a period is one series, whose rows \(spelling.setting("combine", "append")) reads as one file's; or name the features with \(spelling.name("as")) if they are indicators"
    throw spelling == .config ? SeismoError.config(key: "source.path", location: nil, message: message) : .invalidInput(message)
  }

  /// Each file's size in bytes (0 when it cannot be read: the read says why).
  var fileSizes: [Int] { paths.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 } }

  /// For each file, an observer that tells `observer` the bytes read of all the files: the
  /// sizes of the files before it, and the bytes read of it.
  func fileObservers(_ observer: ProgressObserver?) -> [ProgressObserver?] {
    let sizes = fileSizes
    let total = sizes.reduce(0, +)
    return sizes.indices.map { k in
      let before = sizes[..<k].reduce(0, +)
      return observer.map { observer in { observer(ProgressCount(before + $0.done, of: total, .bytes)) } }
    }
  }

  /// The files' tables, each read by `readFile` with its own columns and its gaps kept, joined on
  /// time: a row for each time any file has, NaN where a file has none, then the gap policy.
  /// Errors name the file (and its line, when the file has the row).
  func joinedTable<Value: CSVNumber>(
    observer: ProgressObserver?, _ readFile: (CSVSource, ProgressObserver?) throws -> CSVTable<Value>
  ) throws -> CSVTable<Value> {
    let features = try featureSources()
    let observers = fileObservers(observer)
    var tables: [CSVTable<Value>] = []
    for (k, file) in paths.enumerated() {
      var source = single(file)
      source.request.columns = features.filter { $0.path == file }.map(\.column)
      source.gaps = .keep
      tables.append(try readFile(source, observers[k]))
    }
    let parts = paths.map { file in
      JoinedPart(file: file, symbol: nil, columns: features.filter { $0.path == file }.map(\.column))
    }
    try refuseOneSeriesCutByTime(JoinedTimes(tables), columns: parts.map(\.columns))
    return try join(tables, parts: parts, names: features.map(\.name))
  }

  /// The error of `gaps: error` for a joined row at `time` that part `part` gives no value in
  /// its column `column`: an empty cell on its `line`, or no row (`line` 0).
  func joinedGapError(_ part: JoinedPart, column: Int, line: Int32, time: Timestamp) -> SeismoError {
    guard line > 0 else {
      return .data(
        source: part.file, line: nil, column: nil,
        message: "\(part.subject)has no row for \(CivilTime.format(time)), which another \(part.kind) has (gaps: error)")
    }
    let (file, fileLine) = part.place?(line) ?? (part.file, Int(line))
    return .data(source: file, line: fileLine, column: "'\(part.columns[column])'", message: "empty cell (gaps: error)")
  }

  /// `tables` joined on time: a row for each time any has, NaN where a table has none, then the
  /// gap policy. `parts` say where each table's rows came from, for errors; `names` are the
  /// features', table by table.
  func join<Value: CSVNumber>(_ tables: [CSVTable<Value>], parts: [JoinedPart], names: [String]) throws -> CSVTable<Value> {
    try checkSharedTimes(JoinedTimes(tables), parts: parts)

    // The union of the tables' times (each table's are sorted and distinct), and where each
    // table's rows land in it: a walk along both, as the tables' rows are in time order.
    let times = SortedUnion.of(tables.map(\.timestamps))
    let f = names.count
    var values = [Value](repeating: .nan, count: times.count * f)
    // Each feature's table and column in it.
    var featureOf: [(table: Int, column: Int)] = []
    var offset = 0
    for (k, table) in tables.enumerated() {
      let width = table.featureNames.count
      var row = 0  // a walk along the union costs what filling its rows with gaps did
      for (r, time) in table.timestamps.enumerated() {
        while times[row] < time { row += 1 }
        for j in 0..<width { values[row * f + offset + j] = table[r, j] }
      }
      featureOf += (0..<width).map { (k, $0) }
      offset += width
    }

    // `gapError` gets a row's place in `times`, the rows as they were before the policy.
    var timestamps = times
    var rowLabels = [Int32](repeating: 0, count: times.count)
    let waiting = try holdingBack(&values, &timestamps, &rowLabels, names: names)
    let outcome = try gaps.apply(values: &values, timestamps: &timestamps, rowLabels: &rowLabels, featureCount: f) {
      row, feature in
      let (k, column) = featureOf[feature]
      return joinedGapError(parts[k], column: column, line: tables[k].line(at: times[row]), time: times[row])
    }
    guard !timestamps.isEmpty else {
      throw SeismoError.data(
        source: origin, line: nil, column: nil,
        message: gaps.noRowsLeft(outcome, names: names, otherwise: "no time has a value in every \(parts[0].kind)"))
    }
    return CSVTable(
      timestamps: timestamps, hasTimeColumn: true, featureNames: names, values: values,
      lines: [], rowsRead: times.count, gapsApplied: outcome, sortedByTime: tables.contains(where: \.sortedByTime),
      duplicateRowsMerged: tables.reduce(0) { $0 + $1.duplicateRowsMerged }, waiting: waiting,
      timesWrittenWithOffset: tables.first { !$0.timesWrittenWithOffset.isEmpty }?.timesWrittenWithOffset ?? [])
  }
}

/// What the times of joined parts (files, or a long file's symbols) say for the checks on a
/// join: each part's first and last time and rows, whether it shares a time with another, and
/// the times each pair shares. A load finds them in its tables' sorted times (pairs compared
/// only when asked: a long file may have hundreds of symbols); a stream counts them as it joins.
struct JoinedTimes {
  var first: [Timestamp]
  var last: [Timestamp]
  var counts: [Int]
  /// Each table's times, sorted and distinct; empty for a stream.
  private var tables: [[Timestamp]] = []
  /// A stream's: whether each part has had a row at a time another part has.
  private var sharing: [Bool] = []
  /// A stream's count of the times each pair shares, when it counts pairs.
  private var counted: [[Int]] = []

  /// For `parts` parts with no rows yet, whose rows a stream adds; `pairs`: whether it counts
  /// the times each pair shares (`shared`), which costs the square of the parts a row has.
  init(parts: Int, pairs: Bool) {
    first = Array(repeating: .max, count: parts)
    last = Array(repeating: .min, count: parts)
    counts = Array(repeating: 0, count: parts)
    sharing = Array(repeating: false, count: parts)
    if pairs { counted = Array(repeating: Array(repeating: 0, count: parts), count: parts) }
  }

  /// The times of `tables`, each sorted and without duplicates.
  init<Value>(_ tables: [CSVTable<Value>]) {
    first = tables.map { $0.timestamps.first ?? .max }
    last = tables.map { $0.timestamps.last ?? .min }
    counts = tables.map(\.rowCount)
    self.tables = tables.map(\.timestamps)
  }

  /// Counts a joined row at `time`, which `parts` have.
  mutating func add(_ time: Timestamp, parts: [Int]) {
    for k in parts {
      (first[k], last[k], counts[k]) = (min(first[k], time), max(last[k], time), counts[k] + 1)
      if parts.count > 1 { sharing[k] = true }
    }
    guard !counted.isEmpty else { return }
    for k in parts { for l in parts where l != k { counted[k][l] += 1 } }
  }

  /// The times parts k and l both have (a stream's: when it counts pairs).
  func shared(_ k: Int, _ l: Int) -> Int { tables.isEmpty ? counted[k][l] : Self.common(tables[k], tables[l]) }

  /// Whether part k has a time in common with another.
  func sharesTime(_ k: Int) -> Bool {
    tables.isEmpty ? sharing[k] : tables.indices.contains { $0 != k && Self.common(tables[k], tables[$0], first: true) > 0 }
  }

  /// The times two sorted lists of distinct times share, by a walk along both; with `first`, 1 at
  /// the first shared time.
  private static func common(_ a: [Timestamp], _ b: [Timestamp], first: Bool = false) -> Int {
    var (i, j, count) = (0, 0, 0)
    while i < a.count, j < b.count {
      if a[i] < b[j] {
        i += 1
      } else if b[j] < a[i] {
        j += 1
      } else {
        if first { return 1 }
        (i, j, count) = (i + 1, j + 1, count + 1)
      }
    }
    return count
  }

  /// `2020-01-02 … 2020-12-31`: part k's first and last time.
  func span(_ k: Int) -> String { "\(CivilTime.format(first[k])) … \(CivilTime.format(last[k]))" }
}
