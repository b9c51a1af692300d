/// Yields a `Frame`: timestamps plus named feature columns on one time axis.
///
/// Sources apply their gap policy (see `GapPolicy`) and report what it did, so a run's summary
/// can say how many cells were filled or rows dropped.
public protocol DataSource {
  func load() throws -> LoadedFrame

  /// `load`, telling `observer` how far it has read (a file's bytes, a table's rows), for a
  /// progress line on long reads; a source that cannot tell loads as `load` does.
  func load(observer: ProgressObserver?) throws -> LoadedFrame

  /// `parameters` changed so the source loads only the indicator (feature) named `indicator`, or
  /// nil when it cannot say so (it then loads every indicator and the caller selects one). A
  /// queued job of `--each` loads its own indicator this way.
  static func narrowing(_ parameters: Parameters, to indicator: String) -> Parameters?

  /// Whether `narrowing` can change the rows an indicator has: a long table's symbol read alone
  /// has its own times only, where a load of every symbol has the times of all (the gaps filled
  /// by the gap policy). `detect --each` then loads each indicator alone, as its stored run and
  /// its job read it.
  static func narrowingChangesRows(_ parameters: Parameters) -> Bool

  /// Every indicator as `narrowing` would load it alone (its own rows), by name, from one read
  /// of the data; nil when the source cannot (the caller then loads each narrowed). `--each`
  /// asks where narrowing changes the rows, so that a long file of 500 symbols is read once,
  /// not once a symbol.
  func loadEachAlone() throws -> [String: LoadedFrame]?

  /// The indicators (features) `load` would return, found without reading the rows (a CSV's
  /// header, a table's columns or symbols), or nil when the source cannot tell without loading. `--each`
  /// asks when its indicators cannot be loaded together, to read each alone.
  func indicatorNames() throws -> [String]?

  /// `load`, less the rows at the end that miss a feature the source waits for (`wait_for`) and
  /// come after `settled` (rows already scored never wait), with what they wait for: how
  /// incremental scoring reads a source it reads whole. A source that does not wait loads as
  /// `load` does.
  func loadHoldingBack(after settled: Timestamp?) throws -> (LoadedFrame, WaitingRows?)
}

/// A source that can hand its rows over a piece at a time, so a series larger than memory can be
/// scored in fixed memory (`seismo score --stream`).
public protocol StreamingSource: DataSource {
  /// Calls `body` with consecutive pieces of the data, in time order, of about `rows` rows each,
  /// each with its gap and duplicate policies applied as `load` would apply them to the whole.
  /// The counts of each piece (rows read, cells filled, rows dropped and merged) are its own.
  /// Throws, naming the line, when rows come out of time order: a stream cannot sort.
  /// `observer` hears how far it has read, as `load(observer:)`'s does.
  func stream(rows: Int, observer: ProgressObserver?, _ body: (LoadedFrame) throws -> Void) throws
}

extension DataSource {
  public func load(observer: ProgressObserver?) throws -> LoadedFrame { try load() }
  public static func narrowing(_ parameters: Parameters, to indicator: String) -> Parameters? { nil }
  public static func narrowingChangesRows(_ parameters: Parameters) -> Bool { false }
  public func indicatorNames() throws -> [String]? { nil }
  public func loadEachAlone() throws -> [String: LoadedFrame]? { nil }
  public func loadHoldingBack(after settled: Timestamp?) throws -> (LoadedFrame, WaitingRows?) { (try load(), nil) }
}
