import Testing

@testable import SeismoCLI

struct LogfmtLogHandlerTests {
  @Test func valuesAreQuotedOnlyWhenTheyMustBe() {
    #expect(LogfmtLogHandler.value("S0042") == "S0042")
    #expect(LogfmtLogHandler.value("host:4711:k3") == "host:4711:k3")
    #expect(LogfmtLogHandler.value("") == "\"\"")
    #expect(LogfmtLogHandler.value("unknown column 'x'") == "\"unknown column 'x'\"")
    #expect(LogfmtLogHandler.value("a=b") == "\"a=b\"")
    #expect(LogfmtLogHandler.value(#"say "hi" \ bye"#) == #""say \"hi\" \\ bye""#)
  }

  /// A line keeps its message whole, however long (the logfmt quotes are not a quoted piece of
  /// input to cut), with control characters escaped and a long piece of quoted input cut.
  @Test func aLineKeepsTheMessageWhole() {
    let long = "data.csv had rows out of time order; they were sorted " + String(repeating: "and more ", count: 20)
    let line = LogfmtLogHandler.line(
      time: "T", level: .warning, fields: ["job": "12", "worker": "w", "extra": "two\nlines"], message: long)
    #expect(line == #"time=T level=warning worker=w job=12 extra="two\\nlines" msg=""# + long + "\"")
    let input = String(repeating: "x", count: 100)
    #expect(
      LogfmtLogHandler.line(time: "T", level: .error, fields: [:], message: "'\(input)' is not a number")
        == "time=T level=error msg=\"'\(input.prefix(77))…' is not a number\"")
  }
}
