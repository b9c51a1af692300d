/// A currency sign written beside a price, as Nasdaq's exports write `$172.62` and European ones
/// `1.234,50 €`: the csv source reads the number and drops the sign (`$`, `€`, `£`, `¥`), before
/// the number (after its sign: `-$1.50`) or after it (a space between allowed).
enum Currency {
  /// The signs, as UTF-8.
  static let signs: [[UInt8]] = [Array("$".utf8), Array("€".utf8), Array("£".utf8), Array("¥".utf8)]

  /// Whether `cell` may hold a sign: its first or last byte that is not blank is `$` or starts
  /// or ends a multi-byte character, or its first is a number's sign. A cheap test, made on
  /// every cell before the exact one.
  @inline(__always)
  static func mayBeIn(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = cell.first, let last = cell.last else { return false }
    return first == 0x24 || first >= 0x80 || first == 0x2D || first == 0x2B || first == 0x20
      || last == 0x24 || last >= 0x80 || last == 0x20
  }

  /// Writes `cell` without its one currency sign into `out`, and returns true; false (with `out`
  /// unspecified) when it has none where a price has one.
  static func removed(from cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    guard var start = cell.firstIndex(where: { !blank($0) }), var end = cell.lastIndex(where: { !blank($0) }) else {
      return false
    }
    end += 1
    let numberSign = cell[start] == 0x2D || cell[start] == 0x2B ? cell[start] : nil
    if numberSign != nil { start += 1 }
    out.removeAll(keepingCapacity: true)
    if let sign = signs.first(where: { starts(cell, at: start, with: $0, before: end) }) {
      start += sign.count
      while start < end, cell[start] == 0x20 { start += 1 }  // `$ 172.62`
    } else if let sign = signs.first(where: { end - $0.count >= start && starts(cell, at: end - $0.count, with: $0, before: end) }
    ) {
      end -= sign.count
      while end > start, cell[end - 1] == 0x20 { end -= 1 }  // `1.234,50 €`
    } else {
      return false
    }
    guard start < end else { return false }
    if let numberSign { out.append(numberSign) }
    out.append(contentsOf: cell[start..<end])
    return true
  }

  /// Whether `cell[at..<before]` starts with `sign`.
  private static func starts(_ cell: UnsafeBufferPointer<UInt8>, at i: Int, with sign: [UInt8], before end: Int) -> Bool {
    i + sign.count <= end && sign.indices.allSatisfy { cell[i + $0] == sign[$0] }
  }
}
