import Foundation
import Testing

@testable import SeismoCore

@Suite struct CivilTimeTests {
  @Test func knownDates() {
    #expect(CivilTime.days(year: 1970, month: 1, day: 1) == 0)
    #expect(CivilTime.days(year: 2020, month: 3, day: 16) == 18_337)
    #expect(CivilTime.days(year: 1969, month: 12, day: 31) == -1)
    #expect(CivilTime.format(18_337 * 86_400, withTime: false) == "2020-03-16")
    #expect(CivilTime.format(18_337 * 86_400 + 3_723, withTime: true) == "2020-03-16 01:02:03")
    // Padded on the left to 4 year digits and 2 of the rest; a longer year keeps its digits.
    #expect(
      CivilTime.format(Int64(CivilTime.days(year: 7, month: 1, day: 9)) * 86_400 + 59, withTime: true) == "0007-01-09 00:00:59")
    #expect(
      CivilTime.format(Int64(CivilTime.days(year: 12_345, month: 12, day: 31)) * 86_400 + 86_399, withTime: true)
        == "12345-12-31 23:59:59")
    #expect(CivilTime.format(-1, withTime: true) == "1969-12-31 23:59:59")
    var bytes = Array("x,".utf8)
    CivilTime.append(18_337 * 86_400, withTime: false, to: &bytes)
    #expect(String(decoding: bytes, as: UTF8.self) == "x,2020-03-16", "appends after what is there")
  }

  /// Timestamps print as `String(format:)` prints their civil fields, dates and times alike,
  /// over years of four digits and five and every second of the day; row numbers (an index) as
  /// their digits, from one to nineteen. Each is written a piece at a time (a year, the rest of
  /// a timestamp, a row number), so a digit misplaced in a piece fails here.
  @Test func timestampsPrintTheirCivilFields() {
    var random = SeededGenerator(seed: 11)
    let yearZero = Int64(CivilTime.days(year: 0, month: 1, day: 1)) * 86_400
    let yearTenThousandAndOne = Int64(CivilTime.days(year: 10_002, month: 1, day: 1)) * 86_400
    let edges = [yearZero, -1, 0, 86_399, 86_400, yearTenThousandAndOne - 1]
    for t in edges + (0..<20_000).map({ _ in Int64.random(in: yearZero..<yearTenThousandAndOne, using: &random) }) {
      let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
      let second = Int(t - days * 86_400)
      let (y, m, d) = CivilTime.date(days: Int(days))
      let date = String(format: "%04d-%02d-%02d", y, m, d)
      let time = String(format: " %02d:%02d:%02d", second / 3600, second / 60 % 60, second % 60)
      #expect(CivilTime.format(t, withTime: false) == date, "\(t)")
      #expect(CivilTime.format(t, withTime: true) == date + time, "\(t)")
    }
    for row in [0, 7, 10, 99, 100, 4_999_999, 1 << 40, Int64.max] {
      var bytes = Array("x,".utf8)
      Frame.append(row, .index, withTime: true, to: &bytes)
      #expect(String(decoding: bytes, as: UTF8.self) == "x,\(row)")
    }
  }

  @Test func roundTripsEveryDayOverTwoCenturies() {
    for days in stride(from: -40_000, to: 60_000, by: 1) {
      let (y, m, d) = CivilTime.date(days: days)
      #expect(CivilTime.days(year: y, month: m, day: d) == days)
    }
  }

  @Test func leapYears() {
    #expect(CivilTime.daysInMonth(year: 2000, month: 2) == 29)
    #expect(CivilTime.daysInMonth(year: 1900, month: 2) == 28)
    #expect(CivilTime.daysInMonth(year: 2024, month: 2) == 29)
    #expect(CivilTime.daysInMonth(year: 2023, month: 2) == 28)
  }
}

@Suite struct TimestampParserTests {
  let iso = TimestampParser()

  @Test func isoForms() {
    let day: Timestamp = 18_337 * 86_400
    #expect(iso.parse("2020-03-16") == day)
    #expect(iso.parse(" 2020-03-16 ") == day)
    #expect(iso.parse("2020-03-16 09:30") == day + 9 * 3600 + 30 * 60)
    #expect(iso.parse("2020-03-16T09:30:15Z") == day + 9 * 3600 + 30 * 60 + 15)
    #expect(iso.parse("2020-03-16 09:30:15") == day + 9 * 3600 + 30 * 60 + 15)
    #expect(iso.parse("2020-03-16 09:30:15.000000") == day + 9 * 3600 + 30 * 60 + 15, "NAB's label timestamps")
  }

  /// An offset east of UTC is taken off (a local time ahead of UTC is earlier in UTC), in every
  /// form PostgreSQL and ISO 8601 write; a date alone takes none.
  @Test func isoOffsetsGiveUTC() {
    let utc = iso.parse("2020-03-16 09:30:15")!
    for text in ["2020-03-16 11:30:15+02", "2020-03-16 11:30:15+0200", "2020-03-16T11:30:15+02:00", "2020-03-16 11:30:15.25+02"] {
      #expect(iso.parse(text) == utc, "\(text)")
    }
    #expect(iso.parse("2020-03-16 04:00:15-05:30") == utc)
    #expect(iso.parse("2020-03-16T09:30:15+00:00") == utc)
    #expect(iso.parse("2020-03-16 00:30+01") == iso.parse("2020-03-15 23:30"), "across midnight")
    // The offset as written, which the outputs' UTC times are said to take off.
    #expect(TimestampParser.writtenOffset("2020-03-16T11:30:15+02:00") == 7_200)
    #expect(TimestampParser.writtenOffset(" 2020-03-16 04:00-05:30") == -19_800)
    for none in ["2020-03-16 09:30:15", "2020-03-16T09:30:15Z", "2020-03-16 09:30+00:00", "2020-03-16", "03/16/2020 9:30-05"] {
      #expect(TimestampParser.writtenOffset(none) == nil, "\(none)")
    }
  }

  @Test(arguments: [
    "2021-02-29", "2020-13-01", "2020-00-10", "20200316", "2020/03/16", "2020-03-16x", "", "2020-03-16 25:00",
    "2020-03-16+02", "2020-03-16 09:30+2", "2020-03-16 09:30+16", "2020-03-16 09:30+02:60", "2020-03-16 09:30+02:0",
    "2020-03-16 09:30Z+02",
  ])
  func rejectsInvalid(_ text: String) {
    #expect(iso.parse(text) == nil)
  }

  /// A cell that is not ISO but a common other form gets the `time_format` that reads it.
  @Test func hintsNameTheFormatThatReadsACell() {
    let iso = TimestampParser()
    let expected = [
      "2020/01/13": " (set time_format: '%Y/%m/%d' to read it)",
      "16/03/2020": " (set time_format: '%d/%m/%Y' to read it)",
      "03/16/2020": " (set time_format: '%m/%d/%Y' to read it)",
      "01/02/2020": " (set time_format: '%d/%m/%Y' if the day comes first, '%m/%d/%Y' if the month does)",
      "16.03.2020 09:30": " (set time_format: '%d.%m.%Y %H:%M' to read it)",
      "20200316": " (set time_format: '%Y%m%d' to read it)",
      "16-Mar-2020": " (set time_format: '%d-%b-%Y' to read it)",
      // As Investing.com and the Wall Street Journal write dates, and as a month is spelled out.
      "Mar 06, 2020": " (set time_format: '%b %d, %Y' to read it)",
      "March 6, 2020": " (set time_format: '%b %d, %Y' to read it)",
      "Mar 06 2020": " (set time_format: '%b %d %Y' to read it)",
      "1577836800": " (set time_format: '%s' to read it)",
      // A 12-hour clock, as American exports write it.
      "2020-03-16 9:30 PM": " (set time_format: '%Y-%m-%d %I:%M %p' to read it)",
      "2020-03-16 9:30": " (set time_format: '%Y-%m-%d %H:%M' to read it)",  // ISO's hour has 2 digits
      "03/16/2020 09:30:15 am": " (set time_format: '%m/%d/%Y %I:%M:%S %p' to read it)",
      "garbage": "", "2020-13-45": "", "32/13/2020": "",
    ]
    for (cell, hint) in expected { #expect(iso.hint(for: cell, spelling: .config) == hint, "\(cell)") }
    // Under a format set, which the rest of the file may follow, the cell's form is named, not
    // advised; an ISO cell (a fraction of a second too, which %S does not read) goes back to the
    // default.
    let dayFirst = TimestampParser(format: "%d/%m/%Y")
    #expect(dayFirst.hint(for: "2020/01/13", spelling: .config) == " (it reads as time_format '%Y/%m/%d')")
    #expect(
      dayFirst.hint(for: "16/03/2020 09:30", spelling: .options)
        == " (it reads as --time-format '%d/%m/%Y %H:%M')")
    #expect(
      dayFirst.hint(for: "01/02/2020 9:30 PM", spelling: .config)
        == " (it reads as time_format '%d/%m/%Y %I:%M %p' or '%m/%d/%Y %I:%M %p')")
    #expect(dayFirst.hint(for: "garbage", spelling: .config) == "")
    #expect(
      TimestampParser(format: "%Y-%m-%d %H:%M:%S").hint(for: "2020-01-01 09:30:15.250", spelling: .config)
        == " (an ISO time, which is read when time_format is not set)")
    #expect(
      TimestampParser(format: TimestampParser.excel).hint(for: "2020-01-01", spelling: .options)
        == " (an ISO time, which is read when --time-format is not set)")
    // A command that takes options names its option, quoted for the shell.
    #expect(
      iso.hint(for: "01/02/2020", spelling: .options)
        == " (set --time-format '%d/%m/%Y' if the day comes first, '%m/%d/%Y' if the month does)")
    #expect(
      iso.hint(for: "2020/01/02 09:30:00", spelling: .options) == " (set --time-format '%Y/%m/%d %H:%M:%S' to read it)")
  }

  @Test func customFormats() {
    let day: Timestamp = 18_337 * 86_400
    #expect(TimestampParser(format: "%d/%m/%Y").parse("16/03/2020") == day)
    #expect(TimestampParser(format: "%d-%m-%y").parse("16-03-20") == day)
    #expect(TimestampParser(format: "%d-%b-%y").parse("16-Mar-20") == day)
    #expect(TimestampParser(format: "%Y/%m/%d").parse("2020/3/16") == day)
    #expect(
      TimestampParser(format: "%d-%b-%y").parse("02-Jan-86") == Timestamp(CivilTime.days(year: 1986, month: 1, day: 2)) * 86_400)
    #expect(TimestampParser(format: "%d/%m/%Y").parse("31/02/2020") == nil)
    #expect(TimestampParser(format: "%d/%m/%Y").parse("16/03/2020 extra") == nil)
    // Seconds since the epoch, a fraction dropped by rounding down.
    let epoch = TimestampParser(format: "%s")
    #expect(epoch.parse("1584316800") == day)
    #expect(epoch.parse("1584316800.999") == day && epoch.parse("1584316800.") == nil)
    #expect(epoch.parse("-1") == -1 && epoch.parse("-0.5") == -1 && epoch.parse("-1.0") == -1)
    #expect(epoch.parse("1584316800.\(String(repeating: "9", count: 40))") == day, "a long fraction is only skipped")
    #expect(epoch.parse("") == nil && epoch.parse("12x") == nil && epoch.parse("1e9") == nil)
    #expect(TimestampParser(format: "@%s").parse("@60") == 60)
    // A 12-hour clock: 12 AM is midnight, 12 PM noon, AM or PM in any case.
    let twelve = TimestampParser(format: "%d/%m/%Y %I:%M %p")
    #expect(twelve.parse("16/03/2020 12:05 AM") == day + 300 && twelve.parse("16/03/2020 9:30 am") == day + 34_200)
    #expect(twelve.parse("16/03/2020 12:00 PM") == day + 43_200 && twelve.parse("16/03/2020 11:59 pm") == day + 86_340)
    for refused in ["16/03/2020 13:00 PM", "16/03/2020 0:30 AM", "16/03/2020 9:30 XM", "16/03/2020 9:30 A", "16/03/2020 9:30"] {
      #expect(twelve.parse(refused) == nil, "\(refused)")
    }
    #expect(TimestampParser(format: "%p %I").parse("PM 3") == Timestamp(15 * 3600), "AM or PM may come first")
    // Milliseconds, to the whole second below (before 1970 too).
    let milliseconds = TimestampParser(format: "%Q")
    #expect(milliseconds.parse("1584316800000") == day && milliseconds.parse("1584316800999") == day)
    #expect(milliseconds.parse("-1") == -1 && milliseconds.parse("-1000") == -1 && milliseconds.parse("-1001") == -2)
    #expect(milliseconds.parse("0") == 0 && milliseconds.parse("") == nil && milliseconds.parse("1.5e3") == nil)
  }

  /// Excel serial days: 43831 is 2020-01-01, a fraction is the time of day (to the second);
  /// Excel's 29 February 1900 and everything before it, words and signs are refused.
  @Test func excelSerialDays() {
    let excel = TimestampParser(format: "excel")
    let newYear = Timestamp(CivilTime.days(year: 2020, month: 1, day: 1)) * 86_400
    #expect(excel.parse("43831") == newYear && excel.parse(" 43831 ") == newYear)
    #expect(excel.parse("43831.5") == newYear + 43_200 && excel.parse("43831.25") == newYear + 21_600)
    #expect(excel.parse("61") == Timestamp(CivilTime.days(year: 1900, month: 3, day: 1)) * 86_400)
    #expect(excel.parse("2958465") == Timestamp(CivilTime.days(year: 9999, month: 12, day: 31)) * 86_400)
    for bad in ["60", "2958466", "-1", "4e4", "43831.", "2020-01-01", "", "43831.x"] {
      #expect(excel.parse(bad) == nil, "\(bad)")
    }
    #expect(TimestampParser.problem(with: "excel") == nil)
    #expect(excel.expectation == "an Excel serial day (43831 for 2020-01-01, a fraction for the time of day)")
    // Read as ISO, a serial day of 1954–2119 gets the hint; other numbers do not.
    #expect(TimestampParser().hint(for: "43831", spelling: .config) == " (set time_format: 'excel' to read it)")
    #expect(TimestampParser().hint(for: "43831.75", spelling: .config) == " (set time_format: 'excel' to read it)")
    #expect(
      TimestampParser().hint(for: "12345", spelling: .config) == ""
        && TimestampParser().hint(for: "99999", spelling: .config) == "")
  }

  /// Cells the default ISO reading refuses get the format that reads them; digits get %s or %Q
  /// by their count (13 digits as seconds would be 50,000 years away).
  @Test func epochCellsGetTheirFormatAsAHint() {
    let iso = TimestampParser()
    #expect(iso.hint(for: "1584316800", spelling: .config) == " (set time_format: '%s' to read it)")
    #expect(iso.hint(for: "1584316800000", spelling: .config) == " (set time_format: '%Q' to read it)")
    #expect(iso.hint(for: "123456789012", spelling: .config) == " (set time_format: '%Q' to read it)")
    #expect(
      TimestampParser(format: "%s").hint(for: "1584316800000", spelling: .config)
        == " (milliseconds since 1970? set time_format: '%Q')")
    #expect(TimestampParser(format: "%s").hint(for: "x584316800000", spelling: .config) == "")
    #expect(
      TimestampParser(format: "%d/%m/%Y").hint(for: "1584316800000", spelling: .config) == " (it reads as time_format '%Q')")
  }

  /// A format is checked before any cell is read: an unknown directive is named.
  @Test func unknownDirectivesAreNamed() {
    #expect(TimestampParser.problem(with: "%d/%m/%Y") == nil && TimestampParser.problem(with: "%s") == nil)
    #expect(
      TimestampParser.problem(with: "%Y-%j") == "%j is not a directive it knows; known: %Y %y %m %d %H %I %M %S %p %b %B %s %Q %%"
    )
    #expect(TimestampParser.problem(with: "%Y%") == "it ends with a lone %")
    #expect(TimestampParser.problem(with: "%m/%d/%Y %I:%M %p") == nil)
    #expect(
      TimestampParser.problem(with: "%m/%d/%Y %I:%M")
        == "%I is an hour of a 12-hour clock (1 to 12), and without %p (AM or PM) 9 could be 09:00 or 21:00; add %p")
    #expect(
      TimestampParser.problem(with: "%Y-%m-%d %H:%M %p")
        == "%p (AM or PM) goes with %I, the hour of a 12-hour clock; %H is of a 24-hour one")
    #expect(TimestampParser.problem(with: "%Y-%m-%d %p") == "%p (AM or PM) goes with %I, the hour of a 12-hour clock; add it")
    // A word for a format (unix, epoch) would match only itself: every cell would be refused.
    #expect(TimestampParser.problem(with: "unix")?.hasPrefix("it has no directive") == true)
    #expect(TimestampParser.problem(with: "iso") == nil && TimestampParser.problem(with: "") == nil)
  }

  @Test func isoIsTheDefaultForEmptyOrIsoFormat() {
    #expect(TimestampParser(format: "iso").format == nil)
    #expect(TimestampParser(format: "").format == nil)
  }
}
