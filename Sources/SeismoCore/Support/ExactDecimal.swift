/// Decimal numbers read without `strtod` and `strtof` when that is exact (Clinger's fast path): a
/// cell such as `-12.345`, `.5`, `7.` or `1.2345678e-05` whose digits, read as a whole number, and
/// power of ten a `Double` both holds exactly. Their product or quotient is then rounded once, so
/// it is the number `strtod` gives, without the C parser's general path. The CSV source reads
/// data cells with it, `ScoresTable` the numbers of `scores.csv`; every other cell (more digits,
/// a larger power, blanks, a mark, text) gets nil, and its reader calls the C parser. Of the
/// texts Swift writes for the 2³² floats, it reads 58 % back, each as the float written
/// (`scripts/check-exact-decimal.sh`).
public enum ExactDecimal {
  /// 10⁰ … 10²², every power of ten a `Double` holds exactly: a literal, which the compiler lays
  /// out in the binary (computed, each read called `swift_once`, 2 % of `seismo report`).
  static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
  ]

  /// The `Double` that `bytes` is (an optional sign, digits with at most one point, an optional
  /// exponent; nothing before or after), when its digits are a whole number up to 2⁵³ and its
  /// power of ten, the exponent less the decimals, is within ±22; nil otherwise.
  public static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    guard let (negative, whole, power) = parts(of: bytes), whole <= 1 << 53, (-22...22).contains(power) else {
      return nil
    }
    let magnitude = power >= 0 ? Double(whole) * powersOfTen[power] : Double(whole) / powersOfTen[-power]
    return negative ? -magnitude : magnitude
  }

  /// The `Float` that `bytes` is, as `strtof` reads it, for the cells `double` reads, through
  /// that `Double`. Rounding twice gives the `Float` nearest the number unless the `Double` fell
  /// exactly halfway between two floats (the number then may lie on either side of that midpoint,
  /// or on it): those few are nil. Such a `Double` is zero or between 10⁻²² and 9·10³⁷, within
  /// the floats' normal range.
  public static func float(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
    guard let value = double(bytes) else { return nil }
    // A double has 29 significand bits more than a float: halfway is the first of them set alone.
    let belowFloat = value.bitPattern & (1 << 29 - 1)
    return belowFloat == 1 << 28 ? nil : Float(value)
  }

  /// The sign, the digits as a whole number and the power of ten of `bytes`; nil when they are
  /// not a decimal number or have more than 19 digits (a `UInt64`'s; leading zeros count) or 4
  /// exponent digits.
  @inline(__always)
  static func parts(of bytes: UnsafeBufferPointer<UInt8>) -> (negative: Bool, whole: UInt64, power: Int)? {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
    let negative = base[0] == UInt8(ascii: "-")
    var i = negative || base[0] == UInt8(ascii: "+") ? 1 : 0
    let start = i
    var point = -1  // where the point is, if any
    var whole: UInt64 = 0
    while i < bytes.count {
      let digit = base[i] &- UInt8(ascii: "0")
      if digit < 10 {
        whole = whole &* 10 &+ UInt64(digit)
      } else if base[i] == UInt8(ascii: "."), point < 0 {
        point = i
      } else {
        break
      }
      i += 1
    }
    let digits = i - start - (point < 0 ? 0 : 1)
    guard digits > 0, digits <= 19 else { return nil }
    var exponent = point < 0 ? 0 : point + 1 - i  // less the decimals
    if i < bytes.count, base[i] | 0x20 == UInt8(ascii: "e") {
      i += 1
      let negativeExponent = i < bytes.count && base[i] == UInt8(ascii: "-")
      if i < bytes.count, base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") { i += 1 }
      let first = i
      var written = 0
      while i < bytes.count, base[i] &- UInt8(ascii: "0") < 10 {
        guard i - first < 4 else { return nil }
        written = written * 10 + Int(base[i] &- UInt8(ascii: "0"))
        i += 1
      }
      guard i > first else { return nil }
      exponent += negativeExponent ? -written : written
    }
    guard i == bytes.count else { return nil }
    return (negative, whole, exponent)
  }
}
