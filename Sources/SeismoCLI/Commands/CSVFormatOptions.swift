import ArgumentParser
import CSVSource
import SeismoCore

/// How a CSV file writes its times and separates its fields: `ingest`'s file, `evaluate`'s
/// labels. A command reads such a file with `SettingSpelling.options`, so its errors suggest
/// options where a config's would suggest keys.
struct CSVFormatOptions: ParsableArguments {
  @Option(
    help:
      "Format of the CSV's time column: iso (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) or a strftime-style format such as %d/%m/%Y (%I:%M %p: a 12-hour clock; %s: seconds since 1970, %Q: milliseconds), or excel (Excel serial days)."
  )
  var timeFormat = "iso"

  @Option(help: "Field separator of the CSV, one character (\\t for tab).")
  var delimiter = ","

  func validate() throws {
    guard CSVSource.delimiterByte(delimiter) != nil else {
      throw ValidationError(
        "--delimiter: expected one character other than a quote or a line break (\\t for tab), got '\(delimiter)'")
    }
    if let problem = TimestampParser.problem(with: timeFormat) {
      throw ValidationError("--time-format '\(timeFormat)': \(problem)")
    }
  }

  /// The options given, of these two: for a file of a kind that reads neither.
  var given: [String] {
    (timeFormat == "iso" ? [] : ["--time-format"]) + (delimiter == "," ? [] : ["--delimiter"])
  }
}
