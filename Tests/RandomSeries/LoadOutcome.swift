import SeismoCore

/// What a source's load or stream gave, to compare across layouts and sources: the rows and
/// the gap policy's counts, or the error.
public struct LoadOutcome: Equatable, CustomStringConvertible {
  public var names: [String] = []
  public var times: [Timestamp] = []
  /// The values' bits (NaN compares equal to NaN).
  public var bits: [UInt32] = []
  public var filled = 0
  public var dropped = 0
  public var failed: String?
  /// The most rows a streamed piece had (0 for a load); not compared.
  public var largestPiece = 0

  public init(_ loaded: LoadedFrame) {
    names = loaded.frame.featureNames
    times = loaded.frame.timestamps
    bits = loaded.frame.values.map(\.bitPattern)
    filled = loaded.cellsFilled
    dropped = loaded.rowsDropped
  }

  public static func == (a: LoadOutcome, b: LoadOutcome) -> Bool {
    (a.names, a.times, a.bits, a.filled, a.dropped, a.failed) == (b.names, b.times, b.bits, b.filled, b.dropped, b.failed)
  }

  /// What `source` streamed, in pieces of up to `rows` rows, put together.
  public init(streaming source: any StreamingSource, rows: Int) {
    do {
      try source.stream(rows: rows, observer: nil) { piece in
        largestPiece = max(largestPiece, piece.frame.rowCount)
        if names.isEmpty { names = piece.frame.featureNames }
        times += piece.frame.timestamps
        bits += piece.frame.values.map(\.bitPattern)
        filled += piece.cellsFilled
        dropped += piece.rowsDropped
      }
    } catch {
      self = LoadOutcome(failure: error)
    }
  }

  public init(failure: any Error) { failed = "\(failure)" }

  /// What `source` loads.
  public static func load(_ source: () throws -> any DataSource) -> LoadOutcome {
    do { return LoadOutcome(try source().load()) } catch { return LoadOutcome(failure: error) }
  }

  /// This outcome's rows followed by `later`'s (a read after this one), counts summed; its
  /// names when this one has none.
  public func adding(_ later: LoadOutcome) -> LoadOutcome {
    var sum = self
    if sum.names.isEmpty { sum.names = later.names }
    sum.times += later.times
    sum.bits += later.bits
    sum.filled += later.filled
    sum.dropped += later.dropped
    return sum
  }

  /// Equal rows, or both failed.
  public func agrees(with other: LoadOutcome) -> Bool {
    (failed != nil && other.failed != nil) || (failed == nil && other.failed == nil && self == other)
  }

  public var description: String {
    failed
      ?? "\(names) \(times.map { $0 / 86_400 - 18_261 }) \(bits.map(Float.init(bitPattern:))) filled \(filled) dropped \(dropped)"
  }
}
