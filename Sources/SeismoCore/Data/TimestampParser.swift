import Foundation

/// Parses timestamp cells: ISO 8601 by default, or a `strftime`-style format.
///
/// ISO forms accepted: `YYYY-MM-DD`, and `YYYY-MM-DD HH:MM[:SS[.ffffff]]` with a space or `T`
/// before the time and an optional zone after it: `Z`, or an offset `±HH`, `±HHMM` or `±HH:MM`
/// (as PostgreSQL writes a `timestamptz`), which is taken off to give UTC. Fractions of a second
/// are dropped.
/// A custom format uses `strftime`-style directives (`%Y`, `%y`, `%m`, `%d`, `%b`, `%H`, `%M`,
/// `%S`, `%I` and `%p` for a 12-hour clock, `%s` for seconds since 1970-01-01 UTC and `%Q` for milliseconds, as crypto exchanges
/// export them); for example `%d/%m/%Y` or `%d-%b-%y`.
/// `excel` reads Excel serial days (days since 1899-12-30, a fraction for the time of day), as a
/// spreadsheet exports a date column formatted as a number.
/// Times without an offset are taken as UTC.
public struct TimestampParser: Sendable {
  /// The format of Excel serial days.
  public static let excel = "excel"

  /// The `strftime`-style format, or `nil` for ISO 8601.
  public let format: String?
  /// `format`'s bytes, which each cell is read against (empty for ISO 8601 and Excel days).
  private let formatBytes: [UInt8]

  public init(format: String? = nil) {
    self.format = (format?.isEmpty ?? true) || format == "iso" ? nil : format
    formatBytes = self.format == nil || format == Self.excel ? [] : Array(format!.utf8)
  }

  /// The directives a custom format may use (after `%`).
  static let directives = "YymdHIMSpbBsQ%"

  /// Why `format` cannot be read (an unknown or unfinished directive, or none at all), or nil
  /// when it can.
  public static func problem(with format: String) -> String? {
    guard TimestampParser(format: format).format != nil, format != excel else { return nil }  // ISO, or Excel days
    guard format.contains("%") else {
      return
        "it has no directive, so it would match only that text; write the time's form with directives, such as %d/%m/%Y or %Y-%m-%d %H:%M (%s: seconds since 1970, %Q: milliseconds), or iso"
    }
    var characters = format.makeIterator()
    while let c = characters.next() {
      guard c == "%" else { continue }
      guard let directive = characters.next() else { return "it ends with a lone %" }
      guard directives.contains(directive) else {
        return "%\(directive) is not a directive it knows; known: \(directives.map { "%\($0)" }.joined(separator: " "))"
      }
    }
    // A 12-hour clock's hour means nothing without its AM or PM, and a 24-hour one has none.
    switch (format.contains("%I"), format.contains("%p"), format.contains("%H")) {
    case (true, false, _):
      return "%I is an hour of a 12-hour clock (1 to 12), and without %p (AM or PM) 9 could be 09:00 or 21:00; add %p"
    case (false, true, true): return "%p (AM or PM) goes with %I, the hour of a 12-hour clock; %H is of a 24-hour one"
    case (false, true, false): return "%p (AM or PM) goes with %I, the hour of a 12-hour clock; add it"
    default: return nil
    }
  }

  /// A human description of what is expected, for error messages.
  public var expectation: String {
    guard format != Self.excel else { return "an Excel serial day (43831 for 2020-01-01, a fraction for the time of day)" }
    return format.map { "a date in the format '\($0)'" } ?? "an ISO date (YYYY-MM-DD[ HH:MM:SS][±HH:MM])"
  }

  /// For a cell the format refused: the `time_format` that would read it, when it is a common
  /// form (`2020/03/16`, `16/03/2020`, `03/16/2020`, `16.03.2020`, `20200316`, `16-Mar-2020`,
  /// seconds or milliseconds since 1970; maybe with a time of day), as `" (set time_format: …)"`
  /// in `spelling`; `""` when none does. `01/02/2020` gets both orders. Under a set format, which
  /// the rest of the file may follow, the formats that read the cell are named without advice,
  /// and a cell ISO reads (a fraction of a second too) is sent back to the default.
  public func hint(for text: String, spelling: SettingSpelling) -> String {
    func set(_ format: String) -> String { spelling.setting("time_format", quoted: format) }
    if format == "%s", Self.isMilliseconds(text) { return " (milliseconds since 1970? set \(set("%Q")))" }
    if format != nil, TimestampParser().parse(text) != nil {
      return " (an ISO time, which is read when \(spelling.name("time_format")) is not set)"
    }
    let dates = [
      "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%Y%m%d", "%d-%b-%Y", "%d %b %Y",
      "%b %d, %Y",
      "%b %d %Y",
    ]
    let times = ["", " %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p"]
    var found = dates.flatMap { date in times.map { date + $0 } }.filter { Self.parse(text, format: $0) != nil }
    if found.isEmpty, Self.isMilliseconds(text) { found = ["%Q"] }
    if found.isEmpty, text.count >= 9, Self.parse(text, format: "%s") != nil { found = ["%s"] }
    // Excel serial days of 1954–2119 (20000–80000), as a date column formatted as a number exports.
    if found.isEmpty, let days = Int(text.prefix { $0 != "." }), (20_000...80_000).contains(days),
      Self.parseExcel(text) != nil
    {
      found = [Self.excel]
    }
    if format != nil, !found.isEmpty {  // the whole file, or this cell alone: said neutrally
      return " (it reads as \(spelling.name("time_format")) \(found.map(spelling.quote).joined(separator: " or ")))"
    }
    switch found.count {
    case 0: return ""
    case 1: return " (set \(set(found[0])) to read it)"
    case 2 where found[0].hasPrefix("%d") && found[1].hasPrefix("%m"):
      return " (set \(set(found[0])) if the day comes first, \(spelling.quote(found[1])) if the month does)"
    default:
      return " (set \(spelling.name("time_format")) to one of \(found.map(spelling.quote).joined(separator: ", ")))"
    }
  }

  /// Whether `text` is 12 or 13 digits, as milliseconds since 1970 are from March 1973 to 2286
  /// (as seconds they would be tens of thousands of years away).
  static func isMilliseconds(_ text: String) -> Bool {
    (12...13).contains(text.count) && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
  }

  /// Parses a NUL-free byte buffer; returns nil when it is not a valid timestamp.
  public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    guard let format else { return Self.parseISO(bytes) }
    // Read as bytes: made a `String` and arrays of its and the format's bytes, three
    // allocations a cell, a 2M-row `detect` with `%s` took a fifth longer.
    return format == Self.excel
      ? Self.parseExcel(String(decoding: bytes, as: UTF8.self)) : Self.parse(bytes, format: formatBytes)
  }

  /// Parses a string; returns nil when it is not a valid timestamp.
  public func parse(_ text: String) -> Timestamp? {
    var copy = text
    return copy.withUTF8 { parse($0) }
  }

  /// Excel serial days: whole days since 1899-12-30, and a fraction for the time of day (to the
  /// nearest second). Days before 1900-03-01, which Excel counts with a 29 February 1900 that
  /// never was, are refused, as is anything after 9999-12-31.
  static func parseExcel(_ text: String) -> Timestamp? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let parts = trimmed.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber),
      let days = Int(whole), (61...2_958_465).contains(days)
    else { return nil }
    var seconds = 0
    if parts.count == 2 {
      guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
        let fraction = Double("0." + parts[1])
      else { return nil }
      seconds = min(86_399, Int((fraction * 86_400).rounded()))
    }
    return Timestamp(days - 25_569) * 86_400 + Timestamp(seconds)
  }

  static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
    var start = 0
    var end = b.count
    while start < end, b[start] == 0x20 { start += 1 }
    while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x0D { end -= 1 }
    func number(_ from: Int, _ count: Int) -> Int? {
      guard from + count <= end else { return nil }
      var value = 0
      for i in from..<from + count {
        let c = b[i]
        guard c >= 0x30, c <= 0x39 else { return nil }
        value = value * 10 + Int(c - 0x30)
      }
      return value
    }
    guard end - start >= 10, let y = number(start, 4), b[start + 4] == 0x2D, let m = number(start + 5, 2),
      b[start + 7] == 0x2D, let d = number(start + 8, 2), (1...12).contains(m),
      (1...CivilTime.daysInMonth(year: y, month: m)).contains(d)
    else { return nil }
    var seconds = 0
    var i = start + 10
    if i < end {
      guard b[i] == 0x20 || b[i] == 0x54, let hh = number(i + 1, 2), i + 3 < end, b[i + 3] == 0x3A,
        let mm = number(i + 4, 2), hh < 24, mm < 60
      else { return nil }
      seconds = hh * 3600 + mm * 60
      i += 6
      if i < end, b[i] == 0x3A {
        guard let ss = number(i + 1, 2), ss < 61 else { return nil }
        seconds += ss
        i += 3
        if i < end, b[i] == 0x2E {  // fractional seconds are accepted and dropped
          i += 1
          while i < end, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
        }
      }
      if i < end, b[i] == 0x5A {  // Z: UTC
        i += 1
      } else if i < end, b[i] == 0x2B || b[i] == 0x2D {  // ±HH, ±HHMM or ±HH:MM east of UTC
        let sign = b[i] == 0x2D ? -1 : 1
        guard let hours = number(i + 1, 2), hours <= 15 else { return nil }
        i += 3
        var minutes = 0
        if i < end {
          let colon = b[i] == 0x3A ? 1 : 0
          guard let value = number(i + colon, 2), value < 60 else { return nil }
          minutes = value
          i += colon + 2
        }
        seconds -= sign * (hours * 3600 + minutes * 60)
      }
      guard i == end else { return nil }
    }
    return Timestamp(CivilTime.days(year: y, month: m, day: d)) * 86_400 + Timestamp(seconds)
  }

  /// The offset from UTC, in seconds east, that an ISO time `text` is written with; nil for
  /// none, `Z` or `+00:00`, or text that is not an ISO time.
  public static func writtenOffset(_ text: String) -> Timestamp? {
    let text = text.trimmingCharacters(in: .whitespaces)
    guard text.count > 16, let zone = text.dropFirst(10).lastIndex(where: { $0 == "+" || $0 == "-" }),
      let written = TimestampParser().parse(text), let local = TimestampParser().parse(String(text[..<zone]))
    else { return nil }
    return local == written ? nil : local - written
  }

  static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

  /// Parses `text` against a `strftime`-style format: `%Y` (4-digit year), `%y` (2-digit year,
  /// 69–99 → 19xx, else 20xx, as POSIX), `%m`, `%d`, `%H`, `%M`, `%S` (1 or 2 digits), `%b`/`%B`
  /// (English month names, any case), `%I` (the hour of a 12-hour clock, 1 to 12) with `%p`
  /// (`AM` or `PM`, any case: 12 AM is midnight, 12 PM noon), `%s` (whole seconds since 1970-01-01 UTC, may be negative;
  /// a fraction is dropped), `%Q` (milliseconds since then, to the whole second below), `%%`;
  /// other characters must match literally.
  static func parse(_ text: String, format: String) -> Timestamp? {
    var copy = text
    return copy.withUTF8 { parse($0, format: Array(format.utf8)) }
  }

  /// `input` read against `format`'s bytes, as `parse(_:format:)` reads a string.
  static func parse(_ input: UnsafeBufferPointer<UInt8>, format: [UInt8]) -> Timestamp? {
    var i = 0
    var year = 1970
    var month = 1
    var day = 1
    var hour = 0
    var minute = 0
    var second = 0
    /// `%p`: 0 for AM, 12 for PM, added to the hour of `%I` once both are read.
    var afternoon = 0
    var epochSeconds: Int?
    func digits(_ maxCount: Int) -> Int? {
      var value = 0
      var count = 0
      while count < maxCount, i < input.count, input[i] >= 0x30, input[i] <= 0x39 {
        value = value * 10 + Int(input[i] - 0x30)
        i += 1
        count += 1
      }
      return count > 0 ? value : nil
    }
    var formatIterator = format.makeIterator()
    while let c = formatIterator.next() {
      guard c == 0x25 else {  // literal
        guard i < input.count, input[i] == c else { return nil }
        i += 1
        continue
      }
      guard let directive = formatIterator.next() else { return nil }
      switch directive {
      case UInt8(ascii: "Y"):
        guard let v = digits(4) else { return nil }
        year = v
      case UInt8(ascii: "y"):
        guard let v = digits(2) else { return nil }
        year = v >= 69 ? 1900 + v : 2000 + v
      case UInt8(ascii: "m"):
        guard let v = digits(2) else { return nil }
        month = v
      case UInt8(ascii: "d"):
        guard let v = digits(2) else { return nil }
        day = v
      case UInt8(ascii: "H"):
        guard let v = digits(2), v < 24 else { return nil }
        hour = v
      case UInt8(ascii: "I"):
        guard let v = digits(2), (1...12).contains(v) else { return nil }
        hour = v % 12
      case UInt8(ascii: "p"):
        guard i + 1 < input.count, input[i + 1] | 0x20 == 0x6D else { return nil }  // m
        switch input[i] | 0x20 {
        case 0x61: afternoon = 0  // a
        case 0x70: afternoon = 12  // p
        default: return nil
        }
        i += 2
      case UInt8(ascii: "M"):
        guard let v = digits(2), v < 60 else { return nil }
        minute = v
      case UInt8(ascii: "S"):
        guard let v = digits(2), v < 61 else { return nil }
        second = v
      case UInt8(ascii: "b"), UInt8(ascii: "B"):
        var letters = ""
        while i < input.count, (input[i] | 0x20) >= 0x61, (input[i] | 0x20) <= 0x7A {
          letters.append(Character(Unicode.Scalar(input[i] | 0x20)))
          i += 1
        }
        guard letters.count >= 3, let m = monthNames.firstIndex(of: String(letters.prefix(3))) else { return nil }
        month = m + 1
      case UInt8(ascii: "s"):
        let negative = i < input.count && input[i] == 0x2D
        if negative { i += 1 }
        guard let v = digits(12) else { return nil }
        var fraction = false  // a fraction of a second is dropped (rounding down), as elsewhere
        if i + 1 < input.count, input[i] == 0x2E, input[i + 1] >= 0x30, input[i + 1] <= 0x39 {
          i += 1
          while i < input.count, input[i] >= 0x30, input[i] <= 0x39 {
            fraction = fraction || input[i] != 0x30
            i += 1
          }
        }
        epochSeconds = negative ? -v - (fraction ? 1 : 0) : v
      case UInt8(ascii: "Q"):
        let negative = i < input.count && input[i] == 0x2D
        if negative { i += 1 }
        guard let v = digits(15) else { return nil }
        let milliseconds = negative ? -v : v
        epochSeconds = milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000)
      case UInt8(ascii: "%"):
        guard i < input.count, input[i] == 0x25 else { return nil }
        i += 1
      default:
        return nil
      }
    }
    guard i == input.count else { return nil }
    if let epochSeconds { return Timestamp(epochSeconds) }
    guard (1...12).contains(month), (1...CivilTime.daysInMonth(year: year, month: month)).contains(day)
    else { return nil }
    return Timestamp(CivilTime.days(year: year, month: month, day: day)) * 86_400
      + Timestamp((hour + afternoon) * 3600 + minute * 60 + second)
  }
}
