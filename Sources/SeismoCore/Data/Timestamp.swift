import Foundation

/// Seconds since 1970-01-01T00:00:00 UTC.
///
/// Market data is daily or intraday; a signed 64-bit second count covers both without the cost
/// or ambiguity of `Date` formatting. Time zones are not interpreted: a naive `2020-03-16` is
/// taken as midnight UTC and printed back unchanged.
public typealias Timestamp = Int64

/// Converting timestamps to and from civil dates (proleptic Gregorian calendar, UTC).
public enum CivilTime {
  /// Days since 1970-01-01 for a civil date (Howard Hinnant's `days_from_civil`).
  public static func days(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The civil date of a day count since 1970-01-01.
  public static func date(days z0: Int) -> (year: Int, month: Int, day: Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  /// The number of days in `month` of `year`.
  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// `t` alone, as a message names it: `YYYY-MM-DD` at midnight, else `YYYY-MM-DD HH:MM:SS`.
  public static func format(_ t: Timestamp) -> String { format(t, withTime: t % 86_400 != 0) }

  /// `YYYY-MM-DD` when `withTime` is false, else `YYYY-MM-DD HH:MM:SS`.
  public static func format(_ t: Timestamp, withTime: Bool) -> String {
    var bytes: [UInt8] = []
    append(t, withTime: withTime, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends `format(t, withTime:)`'s UTF-8 bytes to `bytes`, without building a string (a
  /// scores.csv of millions of rows writes one per row): the year, then the rest in one piece
  /// (`perf` put writing each of its numbers digit by digit at 5 % of a large run's `detect`).
  public static func append(_ t: Timestamp, withTime: Bool, to bytes: inout [UInt8]) {
    let secondsPerDay: Int64 = 86_400
    var days = t / secondsPerDay
    var rest = t % secondsPerDay
    if rest < 0 {
      days -= 1
      rest += secondsPerDay
    }
    let (y, m, d) = date(days: Int(days))
    let r = Int(rest)
    pad(y, 4, &bytes)
    var text: (UInt64, UInt64) = (0, 0)  // "-MM-DD HH:MM:SS", on the stack
    withUnsafeMutableBytes(of: &text) { piece in
      /// `separator`, then `value` (0–99) in two digits, from `offset`.
      func two(_ separator: Unicode.Scalar, _ value: Int, at offset: Int) {
        piece[offset] = UInt8(ascii: separator)
        piece[offset + 1] = UInt8(ascii: "0") + UInt8(value / 10)
        piece[offset + 2] = UInt8(ascii: "0") + UInt8(value % 10)
      }
      two("-", m, at: 0)
      two("-", d, at: 3)
      if withTime {
        two(" ", r / 3600, at: 6)
        two(":", r / 60 % 60, at: 9)
        two(":", r % 60, at: 12)
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece.prefix(withTime ? 15 : 6)))
    }
  }

  /// Appends `value`'s decimal digits, zero-padded on the left to `width` (at most 19)
  /// characters, to `bytes` in one piece.
  static func pad(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
    precondition(width <= 19, "pad to \(width) characters")
    guard value >= 0 else {  // a year before 1 BC: as String pads it
      let digits = String(value)
      bytes += repeatElement(UInt8(ascii: "0"), count: max(0, width - digits.utf8.count)) + Array(digits.utf8)
      return
    }
    var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // Int.max has 19 digits
    withUnsafeMutableBytes(of: &text) { piece in
      var start = piece.count
      var rest = value
      repeat {
        start -= 1
        piece[start] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      } while rest > 0
      while piece.count - start < width {
        start -= 1
        piece[start] = UInt8(ascii: "0")
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: piece[start...]))
    }
  }
}
