import Foundation
import Testing

@testable import SeismoCore

/// `sink:` (one) or `sinks:` (a list).
@Suite struct SinksConfigTests {
  var registry: PluginRegistry {
    var r = testRegistry
    r.register(sink: NullSink.self)
    return r
  }

  @Test func oneSinkOrAListAndOlderStoredConfigs() throws {
    let head = "source: { plugin: constant }\ndetector: { plugin: absolute }\n"
    let one = try RunConfig.parse(yaml: head + "sink: { plugin: null, label: a }\n", origin: "c", registry: registry)
    #expect(one.sinks.map { $0.parameters[NullSink.label] } == ["a"])
    let two = try RunConfig.parse(
      yaml: head + "sinks:\n  - { plugin: null, label: a }\n  - { plugin: null }\n", origin: "c",
      overrides: ["sinks[2].label=b"], registry: registry)
    #expect(two.sinks.map { $0.parameters[NullSink.label] } == ["a", "b"], "--set reaches a listed sink")
    #expect(throws: SeismoError.config(key: "sinks", location: nil, message: "give sink (one) or sinks (a list), not both")) {
      try RunConfig.parse(
        yaml: head + "sink: { plugin: null }\nsinks:\n  - { plugin: null }\n", origin: "c", registry: registry)
    }
    #expect(throws: SeismoError.self) {
      try RunConfig.parse(yaml: head + "sinks:\n  - { plugin: null, lable: a }\n", origin: "c", registry: registry)
    }
    // Each item's problem is named, past an item that cannot be read.
    let problems = try #require(throws: SeismoError.self) {
      try RunConfig.parse(
        yaml: head + "sinks:\n  - [null]\n  - { plugin: null, lable: a }\n  - { plugin: nul }\n  - { plugin: null }\n",
        origin: "c", registry: registry)
    }
    #expect(
      problems.lines == [
        "c:4:5: sinks[1]: expected a mapping of parameters",
        "c:5:28: sinks[2].lable: unknown parameter for plugin 'null' (did you mean 'label'?); known: label",
        "c:6:15: sinks[3].plugin: unknown sink plugin 'nul' (did you mean 'null'?); available: null",
      ])
    #expect(throws: SeismoError.config(key: "sinks[1].plugin", location: "c:4:5", message: "missing; choose one of: null")) {
      try RunConfig.parse(yaml: head + "sinks:\n  - { label: a }\n", origin: "c", registry: registry)
    }
    // Stored configs: the list is written as `sinks`; one written before as `sink` still reads.
    let json = String(decoding: try JSONEncoder().encode(two), as: UTF8.self)
    #expect(json.contains("\"sinks\"") && !json.contains("\"sink\""))
    #expect(try RunConfig.stored(Data(json.utf8), origin: "job", registry: registry) == two)
    var older = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    older["sink"] = (older.removeValue(forKey: "sinks") as? [Any])?.first
    let olderJSON = try JSONSerialization.data(withJSONObject: older)
    #expect(try RunConfig.stored(olderJSON, origin: "job", registry: registry).sinks == one.sinks)
  }
}
