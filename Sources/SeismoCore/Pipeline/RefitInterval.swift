import Foundation

/// How often a walk-forward run refits: every N rows, or every calendar period.
///
/// Written in a config as `refit_every: 250` (rows), `30d`, `13w`, `6m` or `1y`. Calendar periods
/// need a time axis: fold k starts at the first row on or after the first test row's timestamp
/// plus k periods (months and years keep the day of the month, clamped to the month's length).
public enum RefitInterval: Sendable, Equatable {
  case rows(Int)
  case days(Int)
  case months(Int)

  /// Parses `250`, `30d`, `13w`, `6m` or `1y`; nil for `0` or an empty text (fit once).
  public init?(parsing text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    if trimmed.isEmpty || trimmed == "0" { return nil }
    let unit = trimmed.last!
    let digits = unit.isNumber ? trimmed : String(trimmed.dropLast())
    guard let n = Int(digits), n > 0 else {
      throw SeismoError.config(
        key: "split.refit_every", location: nil,
        message: "'\(text)' is not a refit interval; write rows (250) or a period (30d, 13w, 6m, 1y)")
    }
    switch unit {
    case _ where unit.isNumber: self = .rows(n)
    case "d": self = .days(n)
    case "w": self = .days(7 * n)
    case "m": self = .months(n)
    case "y": self = .months(12 * n)
    default:
      throw SeismoError.config(
        key: "split.refit_every", location: nil, message: "unknown unit in '\(text)'; use d, w, m or y (or a row count)")
    }
  }

  /// The first row of each fold after `trainRows`: `trainRows` itself, then one per interval.
  func foldStarts(timestamps: [Timestamp], timeKind: Frame.TimeKind, trainRows: Int) throws -> [Int] {
    let rows = timestamps.count
    guard trainRows < rows else { return [trainRows] }
    switch self {
    case .rows(let n):
      return Array(stride(from: trainRows, to: rows, by: n))
    case .days, .months:
      guard timeKind == .calendar else {
        throw SeismoError.invalidInput("split.refit_every as a calendar period needs a time column; this data has none")
      }
      var starts = [trainRows]
      var k = 1
      while true {
        let boundary = advance(timestamps[trainRows], by: k)
        let next = timestamps.partitioningIndex { $0 >= boundary }
        if next >= rows { break }
        if next > starts.last! { starts.append(next) }
        k += 1
      }
      return starts
    }
  }

  /// `t` moved by `k` intervals (calendar arithmetic for months).
  func advance(_ t: Timestamp, by k: Int) -> Timestamp {
    switch self {
    case .rows: return t
    case .days(let n): return t + Timestamp(k * n) * 86_400
    case .months(let n):
      let day = Int((t / 86_400) - (t < 0 && t % 86_400 != 0 ? 1 : 0))
      let seconds = t - Timestamp(day) * 86_400
      let (year, month, dayOfMonth) = CivilTime.date(days: day)
      let total = year * 12 + (month - 1) + k * n
      let (y, m) = (total / 12, total % 12 + 1)
      let d = min(dayOfMonth, CivilTime.daysInMonth(year: y, month: m))
      return Timestamp(CivilTime.days(year: y, month: m, day: d)) * 86_400 + seconds
    }
  }
}
