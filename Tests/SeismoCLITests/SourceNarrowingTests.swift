import CSVSource
import PostgresSource
import SeismoCore
import Testing

@testable import SeismoCLI

/// A queued job of `--each` asks its source for its own indicator only (`DataSource.narrowing`).
@Suite struct SourceNarrowingTests {
  func narrowed(_ plugin: String, _ values: [String: ParameterValue]) throws -> Parameters? {
    let entry = try #require(StandardPlugins.registry.sources[plugin])
    let parameters = try Parameters(values).resolved(against: entry.descriptor.parameters, section: "source")
    return entry.narrowing(parameters, "vix")
  }

  @Test func eachSourceNarrowsAsItCan() throws {
    #expect(try narrowed("csv", ["path": .text("m.csv"), "columns": .textList(["vix", "gold"])])?[CSVSource.columns] == ["vix"])
    let wide = try narrowed("postgres", ["table": .text("market")])
    #expect(wide?[PostgresSource.columns] == ["vix"] && wide?[PostgresSource.symbols] == [])
    let long = try narrowed("postgres", ["table": .text("prices"), "layout": .text("long")])
    #expect(long?[PostgresSource.symbols] == ["vix"] && long?[PostgresSource.columns] == [])
    #expect(try narrowed("postgres", ["query": .text("SELECT ts, vix FROM m")]) == nil, "a query loads what it selects")
    #expect(wide?[PostgresSource.waitFor] == ["all"])
    let waiting = try narrowed("postgres", ["table": .text("market"), "wait_for": .textList(["vix", "gold"])])
    #expect(waiting?[PostgresSource.waitFor] == ["vix"], "an indicator read alone waits for itself only")
    let other = try narrowed("postgres", ["table": .text("market"), "wait_for": .textList(["gold"])])
    #expect(other?[PostgresSource.waitFor] == [])
  }
}
