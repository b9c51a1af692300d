import SeismoCore

extension CSVSource {
  /// The features `load` would read (`ColumnRequest.features`, or `featureSources` for joined or
  /// renamed files), from the headers alone; a long file's only when `symbols` lists them (else
  /// nil: its rows name them).
  public func indicatorNames() throws -> [String]? {
    if appends, paths.count > 1 {  // the first file's, as every one's
      var first = single(paths[0])
      first.renames = renames
      return try first.indicatorNames()
    }
    if !request.symbol.isEmpty {
      guard renames.isEmpty else { return renames }
      guard !symbolsRead.isEmpty else { return nil }
      let values = request.features(in: try header())
      return symbolsRead.flatMap { symbol in values.count == 1 ? [symbol] : values.map { "\(symbol)_\($0)" } }
    }
    if paths.count > 1 || !renames.isEmpty { return try featureSources().map(\.name) }
    guard request.columns.isEmpty else { return request.columns }
    return request.features(in: try header())
  }

  /// The columns the files of `parameters` give, file by file (each file's listed `columns`
  /// that it has, in their order), which `as` names in turn; nil when the parameters make no
  /// source (loading it then says why). Throws when a listed column is in none of the files.
  public static func columnsRead(_ parameters: Parameters) throws -> [(path: String, column: String)]? {
    try resolved(parameters)?.columnsFound()
  }

  /// Each feature as `narrowing` loads it alone, with the policies applied to its own rows: a
  /// long file's symbol (its rows, its value column) from one read of the file, or a column of
  /// several joined files (its file's rows) from one read of each file. Nil for one wide file,
  /// whose features narrowing does not give rows of their own.
  public func loadEachAlone() throws -> [String: LoadedFrame]? {
    guard holdBack == nil else { return nil }
    guard request.symbol.isEmpty else {
      let collector = try collect(inDoubles: false, observer: nil)
      let (tables, _, names) = try symbolTables(of: collector, values: collector.values)
      return try columnsAlone(tables, names: names, of: collector)
    }
    guard joins else { return nil }
    var frames: [String: LoadedFrame] = [:]
    for file in try eachFile() {
      let collector = try file.collect(inDoubles: false, observer: nil)
      let rows = try file.mergedRows(of: collector, values: collector.values)
      frames.merge(try file.columnsAlone([rows], names: file.renames, of: collector)) { $1 }
    }
    return frames
  }

  /// Each column of `tables` (rows sorted and merged, before the gap policy) as a frame of its
  /// own, named by `names` (the tables' columns in order), the gap policy applied to it alone.
  private func columnsAlone(
    _ tables: [CSVTable<Float>], names: [String], of collector: ColumnCollector
  ) throws -> [String: LoadedFrame] {
    var frames: [String: LoadedFrame] = [:]
    var next = 0
    for table in tables {
      let f = table.featureNames.count
      for j in 0..<f {
        var one = table
        one.featureNames = [table.featureNames[j]]
        one.values = stride(from: j, to: table.values.count, by: f).map { table.values[$0] }
        var alone = try filled(one, names: [names[next]], of: collector)
        alone.featureNames = [names[next]]
        frames[names[next]] = try loaded(alone)
        next += 1
      }
    }
    return frames
  }
}

extension CSVSource {
  /// `parameters` changed so the source reads `features`, a saved model's, under their names.
  /// One file, or files whose columns are the features: `columns` picks them. Files that share
  /// a column's name had their features named for the files (`featureNames`): read as they
  /// were, or, when other files are read (named otherwise), with `as` naming the features in
  /// order. Named by `as` already: unchanged.
  public static func reading(_ features: [String], with parameters: Parameters) -> Parameters {
    guard parameters.ifDeclared(renames)?.isEmpty ?? true else { return parameters }
    if parameters.ifDeclared(layout) == .long {
      // A long file's symbols and value columns, in the model's order.
      guard let parts = longFeatures(parameters).map({ features.compactMap($0) }), parts.count == features.count else {
        return parameters
      }
      var picked = parameters
      picked.set(symbols, parts.map(\.symbol).uniqued)
      picked.set(columns, parts.map(\.column).uniqued)
      return picked
    }
    var picked = parameters
    picked.set(columns, features)
    guard parameters.ifDeclared(path)?.count ?? 0 > 1, parameters.ifDeclared(combine) != .append else { return picked }
    func names(_ parameters: Parameters) -> [String]? { try? resolved(parameters)?.indicatorNames() }
    if names(parameters) == features { return parameters }
    if names(picked) == features { return picked }
    var renamed = parameters
    renamed.set(renames, features)
    return renamed
  }
}

/// Reads a CSV file's first record, the header, and stops.
final class HeaderReader: CSVRecordHandler {
  /// Thrown once the header is read, to stop the reader.
  struct Done: Error {}

  private(set) var names: [String] = []
  private var finished = false
  let failure: SeismoError? = nil
  /// Names the separator that would read a header libcsv refused.
  let separators: SeparatorAdvice

  init(separators: SeparatorAdvice) { self.separators = separators }

  func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
    if !finished { names.append(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)) }
  }

  func endRecord(fieldCount: Int, line: Int) { finished = true }

  func afterLine() throws { if finished { throw Done() } }

  func hint(forMalformed line: UnsafeRawBufferPointer) -> String? { separators.hint(forMalformed: line) }
}
