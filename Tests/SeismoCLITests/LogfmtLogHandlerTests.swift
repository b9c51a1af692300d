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
}
