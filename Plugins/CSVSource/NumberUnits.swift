/// What exports write beside a number, which the csv source drops: a currency sign (`$172.62`
/// as Nasdaq's exports write prices, `-$1.50`, `1.234,50 €`; `$`, `€`, `£`, `¥`), a percent
/// sign (`-0.28%`, as Investing.com writes a change: read as -0.28, the number as written) and a
/// magnitude (`2.31B`, `850.5K`: volumes, read as 2.31e9 and 850,500; K, M, B and T). A number
/// in parentheses is negative, as accounts write it: `(1.50)`, `($1.50)`; so is one after the
/// typographic minus sign `−` (U+2212) that typeset exports write.
enum NumberUnits {
  /// The typographic minus sign, U+2212, as UTF-8.
  static let minus = Array("\u{2212}".utf8)
  /// The currency signs, as UTF-8.
  static let currencies: [[UInt8]] = [Array("$".utf8), Array("€".utf8), Array("£".utf8), Array("¥".utf8)]
  /// The letters of a magnitude after a number, and the exponent each stands for (written after
  /// the number, so the parser rounds `2.31e9` once, as it would the number written out).
  static let magnitudes: [UInt8: [UInt8]] = [
    UInt8(ascii: "K"): Array("e3".utf8), UInt8(ascii: "k"): Array("e3".utf8), UInt8(ascii: "M"): Array("e6".utf8),
    UInt8(ascii: "B"): Array("e9".utf8), UInt8(ascii: "T"): Array("e12".utf8),
  ]

  /// Whether `cell` may hold a unit: its last byte is `$`, `%`, `)`, a letter, a blank or part of
  /// a multi-byte character, or its first (after a number's sign) is `$`, `(`, a blank or part of
  /// a multi-byte character. A cheap test, made on every cell before the exact one; a plain
  /// negative number (`-1.5`) passes it by.
  @inline(__always)
  static func mayBeIn(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = cell.first, let last = cell.last else { return false }
    if last == 0x24 || last == 0x25 || last == 0x29 || last >= 0x41 || last == 0x20 { return true }
    let lead = (first == 0x2D || first == 0x2B) && cell.count > 1 ? cell[1] : first
    return lead == 0x24 || lead >= 0x80 || lead == 0x28 || lead == 0x20
  }

  /// Writes the number of `cell` without its units into `out` (a magnitude as an exponent) and
  /// returns true; false (with `out` unspecified) when the cell has no unit, or units a number
  /// does not carry (two currencies, a sign alone).
  static func removed(from cell: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
    let kept = CellBlanks.trimmed(cell)
    guard !kept.isEmpty else { return false }
    var (start, end) = (kept.lowerBound, kept.upperBound)
    var found = false
    var sign: UInt8?
    if cell[start] == 0x28, cell[end - 1] == 0x29, end - start > 2 {  // `(1.50)`: negative
      (start, end, sign, found) = (start + 1, end - 1, 0x2D, true)
    } else if cell[start] == 0x2D || cell[start] == 0x2B {
      sign = cell[start]
      start += 1
    } else if has(minus, in: cell, at: start, before: end) {
      (start, sign, found) = (start + minus.count, 0x2D, true)
    }
    if let currency = currencies.first(where: { has($0, in: cell, at: start, before: end) }) {  // `$ 172.62`
      start += currency.count
      while start < end, cell[start] == 0x20 { start += 1 }
      found = true
    } else if let currency = currencies.first(where: { has($0, in: cell, at: end - $0.count, before: end) }),
      end - currency.count >= start
    {
      end -= currency.count  // `1.234,50 €`
      while end > start, cell[end - 1] == 0x20 { end -= 1 }
      found = true
    }
    var exponent: [UInt8] = []
    if end > start, cell[end - 1] == 0x25 || magnitudes[cell[end - 1]] != nil {
      exponent = magnitudes[cell[end - 1]] ?? []
      end -= 1
      found = true
    }
    guard found, start < end, (0x30...0x39).contains(cell[end - 1]) else { return false }  // a number's last digit
    out.removeAll(keepingCapacity: true)
    if let sign { out.append(sign) }
    out.append(contentsOf: cell[start..<end])
    out.append(contentsOf: exponent)
    return true
  }

  /// Whether `cell[i..<end]` starts with `unit`.
  private static func has(_ unit: [UInt8], in cell: UnsafeBufferPointer<UInt8>, at i: Int, before end: Int) -> Bool {
    i >= 0 && i + unit.count <= end && unit.indices.allSatisfy { cell[i + $0] == unit[$0] }
  }
}
