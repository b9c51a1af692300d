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

  /// `YYYY-MM-DD` when `withTime` is false, else `YYYY-MM-DD HH:MM:SS`.
  public static func format(_ t: Timestamp, withTime: Bool) -> String {
    let secondsPerDay: Int64 = 86_400
    var days = t / secondsPerDay
    var rest = t % secondsPerDay
    if rest < 0 {
      days -= 1
      rest += secondsPerDay
    }
    let (y, m, d) = date(days: Int(days))
    var text = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    if withTime {
      let r = Int(rest)
      text += " " + pad(r / 3600, 2) + ":" + pad(r / 60 % 60, 2) + ":" + pad(r % 60, 2)
    }
    return text
  }

  private static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
  }
}
