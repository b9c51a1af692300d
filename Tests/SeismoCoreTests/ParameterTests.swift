import Testing

@testable import SeismoCore

/// `Parameter`: one declaration gives the spec (what configs are checked against and
/// `seismo plugins` lists) and the typed read.
@Suite struct ParameterTests {
  enum Shape: String, CaseIterable, Sendable { case round, square, flat }

  static let count = Parameter<Int>("count", 1...9, default: 3, help: "how many")
  static let rate = Parameter<Double>("rate", 0...1, default: 0.5, help: "a fraction")
  static let on = Parameter<Bool>("on", default: false, help: "switch")
  static let file = Parameter<String>("file", default: nil, isPath: true, help: "required path")
  static let names = Parameter<[String]>("names", default: [], help: "strings")
  static let sizes = Parameter<[Int]>("sizes", 1...64, maxCount: 3, default: [8], help: "integers")
  static let shape = Parameter<Shape>("shape", default: .round, cases: [.round, .square], help: "not flat")

  /// A hint names a setting as the user types it: a config key, or a command's option quoted
  /// for the shell.
  @Test func settingsAreSpelledAsTheyAreTyped() {
    #expect(SettingSpelling.config.setting("decimal", "comma") == "decimal: comma")
    #expect(SettingSpelling.options.setting("decimal", "comma") == "--decimal comma")
    #expect(SettingSpelling.options.name("time_column") == "--time-column")
    #expect(SettingSpelling.config.setting("missing", listOf: "it's") == "missing: ['it''s']")
    #expect(SettingSpelling.options.setting("missing", listOf: "it's") == #"--missing 'it'\''s'"#)
    #expect(SettingSpelling.options.setting("time_format", quoted: "%d.%m.%Y") == "--time-format '%d.%m.%Y'")
  }

  @Test func specsSayWhatTheDeclarationSays() {
    #expect(Self.count.spec.type == .integer(1...9) && Self.count.spec.defaultValue == .integer(3))
    #expect(Self.rate.spec.type == .number(0...1) && Self.rate.spec.defaultValue == .number(0.5))
    #expect(Self.on.spec.type == .boolean && Self.on.spec.defaultValue == .boolean(false))
    #expect(Self.file.spec.type == .path && Self.file.spec.defaultValue == nil, "no default: required")
    #expect(Self.names.spec.type == .textList && Self.names.spec.defaultValue == .textList([]))
    #expect(Self.sizes.spec.type == .integerList(1...64, maxCount: 3))
    #expect(Self.shape.spec.type == .choice(["round", "square"]), "only the cases offered")
    #expect(Self.shape.spec.defaultValue == .text("round") && Self.shape.spec.help == "not flat")
    let more = Self.count.defaulting(to: 7)
    #expect(more.spec.defaultValue == .integer(7) && more.spec.type == Self.count.spec.type && more.name == "count")
    #expect(Self.shape.stored(.square) == .text("square"))
  }

  @Test func validatedValuesReadWithTheirSwiftTypes() throws {
    let specs = [
      Self.count.spec, Self.rate.spec, Self.on.spec, Self.file.spec, Self.names.spec, Self.sizes.spec, Self.shape.spec,
    ]
    let p = try Parameters(
      [
        "count": .integer(4), "rate": .integer(1), "on": .boolean(true), "file": .text("a.csv"),
        "names": .textList(["x", "y"]), "shape": .text("square"),
      ]
    ).resolved(against: specs, section: "test")
    #expect(p[Self.count] == 4)
    #expect(p[Self.rate] == 1.0, "an integer given for a number reads as a number")
    #expect(p[Self.on] == true && p[Self.file] == "a.csv" && p[Self.names] == ["x", "y"])
    #expect(p[Self.sizes] == [8], "the default")
    #expect(p[Self.shape] == .square)
    #expect(throws: SeismoError.self) {
      try Parameters(["file": .text("a"), "shape": .text("flat")]).resolved(against: specs, section: "test")
    }
  }

  @Test func commandsSetAndAskForOnePluginsSetting() {
    var p = Parameters(specs: [Self.count.spec, Self.shape.spec])
    p.set(Self.shape, .square)
    p.set(Self.count, 9)
    #expect(p[Self.shape] == .square && p.values["count"] == .integer(9))
    #expect(p.ifDeclared(Self.count) == 9)
    #expect(p.ifDeclared(Self.file) == nil, "a parameter these do not declare")
  }
}
