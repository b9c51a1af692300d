import Testing

@testable import SeismoCore

@Suite struct SecretsTests {
  @Test(arguments: [
    ("postgresql://u:s3cret@h:5432/db", "postgresql://u@h:5432/db", "postgresql://u:***@h:5432/db"),
    ("postgres://u:p@ss@h/db?sslmode=require", "postgres://u@h/db?sslmode=require", "postgres://u:***@h/db?sslmode=require"),
    ("postgresql://u@h/db?password=s3cret", "postgresql://u@h/db", "postgresql://u@h/db?password=***"),
    (
      "postgresql://h/db?sslmode=require&password=s3cret&application_name=x",
      "postgresql://h/db?sslmode=require&application_name=x",
      "postgresql://h/db?sslmode=require&password=***&application_name=x"
    ),
    ("host=h password=s3cret user=u", "host=h user=u", "host=h password=*** user=u"),
    ("host=h password = 'two words' user=u", "host=h user=u", "host=h password = *** user=u"),
    ("postgresql://u@h/db", "postgresql://u@h/db", "postgresql://u@h/db"),
    ("data/prices.csv", "data/prices.csv", "data/prices.csv"),
  ])
  func passwordsAreStrippedAndRedacted(_ text: String, _ stripped: String, _ redacted: String) {
    #expect(Secrets.strip(text) == stripped)
    #expect(Secrets.redact(text) == redacted)
  }

  @Test func storedConfigsHoldNoPassword() {
    let source = PluginChoice(
      plugin: "postgres", parameters: Parameters(["url": .text("postgresql://u:s3cret@h/db"), "table": .text("t")]))
    let config = RunConfig(
      source: source, detector: PluginChoice(plugin: "d", parameters: Parameters()),
      threshold: PluginChoice(plugin: "t", parameters: Parameters()),
      sinks: [PluginChoice(plugin: "postgres", parameters: Parameters(["url": .text("host=h password=s3cret")]))])
    let stored = config.withoutSecrets
    #expect(
      stored.source.parameters.values["url"] == .text("postgresql://u@h/db")
        && stored.source.parameters.values["table"] == .text("t"))
    #expect(stored.sinks.first?.parameters.values["url"] == .text("host=h"))
    #expect(
      config.source.parameters.values["url"] == .text("postgresql://u:s3cret@h/db"), "the run itself keeps what it connects with")
  }
}
