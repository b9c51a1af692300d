extension CSVNumber {
  /// The value of `bytes` from `first` on when they are a plain decimal (`-12.345`, `.5`, `7.`;
  /// blanks or a carriage return may follow) whose digits, read as a whole number, and power of
  /// ten the type holds exactly: the quotient of the two is then rounded once, so it is the
  /// value `parse` (`strtof`, `strtod`) gives, at a tenth of the cost. Nil for any other cell,
  /// which `parse` then reads: an exponent, too many digits, a mark, text.
  static func plainDecimal(_ bytes: UnsafeBufferPointer<UInt8>, from first: Int) -> Self? {
    var i = first
    let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
    var whole: UInt64 = 0
    var (digits, significant, decimals, point) = (0, 0, 0, false)
    while i < bytes.count {
      let byte = bytes[i]
      if byte &- UInt8(ascii: "0") < 10 {
        digits += 1
        if whole > 0 || byte != UInt8(ascii: "0") { significant += 1 }
        guard significant <= 19 else { return nil }  // beyond what a UInt64 holds
        whole = whole * 10 + UInt64(byte &- UInt8(ascii: "0"))
        if point { decimals += 1 }
      } else if byte == UInt8(ascii: "."), !point {
        point = true
      } else {
        break
      }
      i += 1
    }
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
    // Every whole number up to 2^(significand bits + 1) is exact in the type.
    guard digits > 0, i == bytes.count, decimals < exactPowersOfTen.count,
      whole <= UInt64(1) << (Self.significandBitCount + 1)
    else { return nil }
    let value = Self(whole) / exactPowersOfTen[decimals]
    return negative ? -value : value
  }
}
