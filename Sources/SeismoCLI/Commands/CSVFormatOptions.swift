import ArgumentParser
import CSVSource
import SeismoCore

/// How a CSV file writes its times and separates its fields: `ingest`'s file, `evaluate`'s
/// labels. Errors reading such a file suggest these options, where the csv source's suggest its
/// config keys (`inOptionTerms`).
struct CSVFormatOptions: ParsableArguments {
  @Option(
    help:
      "Format of the CSV's time column: iso (YYYY-MM-DD[ HH:MM:SS][±HH:MM]) or a strftime-style format such as %d/%m/%Y (%s: seconds since 1970, %Q: milliseconds), or excel (Excel serial days)."
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

  /// Runs `body`, reading a CSV, with the settings its errors suggest named as options: `set
  /// --decimal comma` where a config would `set decimal: comma`.
  static func inOptionTerms<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch SeismoError.data(let source, let line, let column, let message) {
      throw SeismoError.data(source: source, line: line, column: column, message: inOptionTerms(message))
    } catch SeismoError.file(let path, let message) {
      throw SeismoError.file(path: path, message: inOptionTerms(message))
    }
  }

  /// `message` with the csv source's settings written as command-line options.
  static func inOptionTerms(_ message: String) -> String {
    var text = message
    for name in ["time_format", "time_column", "skip_lines", "decimal", "missing", "duplicates", "gaps"] {
      let option = "--" + name.replacingOccurrences(of: "_", with: "-")
      text = text.replacingOccurrences(of: "\(name): ", with: "\(option) ")
      if name.contains("_") { text = text.replacingOccurrences(of: name, with: option) }
    }
    // A config's list of marks is one --missing per mark.
    return text.replacingOccurrences(of: #"--missing \['(.*?)'\]"#, with: "--missing '$1'", options: .regularExpression)
      .replacingOccurrences(of: "set the delimiter to", with: "set --delimiter to")
  }
}
