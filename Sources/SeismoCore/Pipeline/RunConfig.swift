import Foundation
import Yams

/// A plugin chosen in a config section, with its validated parameters.
public struct PluginChoice: Sendable, Codable, Equatable {
  public var plugin: String
  public var parameters: Parameters

  public init(plugin: String, parameters: Parameters) {
    self.plugin = plugin
    self.parameters = parameters
  }
}

/// A validated run configuration: which plugins, with which parameters.
///
/// The YAML has one section per stage; each names its `plugin` and that plugin's parameters:
///
/// ```yaml
/// source:    { plugin: csv, path: market.csv, columns: [vix, gold_futures] }
/// split:     { train_fraction: 0.8 }
/// detector:  { plugin: rolling-zscore, window: 20 }
/// threshold: { plugin: percentile, percentile: 95 }
/// events:    { merge_gap: 5 }
/// importance: { plugin: permutation }
/// ```
///
/// `source` and `detector` are required; `threshold` defaults to the registry's default rule;
/// `importance` and the sinks (`sink:` one, or `sinks:` a list) are optional; `split` and `events` have no plugin, only the parameters
/// in `SplitPolicy.parameters` and `EventRule.parameters`. `ensemble` lists further detectors,
/// each with its own threshold rule (see `Ensemble`):
///
/// ```yaml
/// ensemble:
///   - detector:  { plugin: lstm-forecaster, window: 10 }
///     threshold: { plugin: dynamic }
/// ```
/// Every key is checked against the plugin's declared parameters before any work starts; errors
/// name the key's path and its line in the file.
public struct RunConfig: Sendable, Codable, Equatable {
  public var source: PluginChoice
  public var split: Parameters
  public var detector: PluginChoice
  public var threshold: PluginChoice
  public var events: Parameters
  public var importance: PluginChoice?
  /// Where the run is written besides its folder, in order (`sink:` or `sinks:`).
  public var sinks: [PluginChoice]
  /// Further detectors flagging alongside `detector`; nil for a single detector (and in configs
  /// stored before ensembles existed).
  public var ensemble: [EnsembleMember]?

  public init(
    source: PluginChoice, split: Parameters = Parameters(specs: SplitPolicy.parameters), detector: PluginChoice,
    threshold: PluginChoice, events: Parameters = Parameters(specs: EventRule.parameters), importance: PluginChoice? = nil,
    sinks: [PluginChoice] = [], ensemble: [EnsembleMember]? = nil
  ) {
    self.source = source
    self.split = split
    self.detector = detector
    self.threshold = threshold
    self.events = events
    self.importance = importance
    self.sinks = sinks
    self.ensemble = ensemble
  }

  /// Every detector with its threshold rule: `detector` first, then the ensemble's.
  public var members: [EnsembleMember] {
    [EnsembleMember(detector: detector, threshold: threshold)] + (ensemble ?? [])
  }

  /// How the run groups its flags into events (`events`); an ensemble's scores are margins.
  public var eventRule: EventRule { EventRule(parameters: events, scoresAreMargins: members.count > 1) }

  /// The sections a config may have.
  public static let sectionNames = [
    "source", "split", "detector", "threshold", "events", "importance", "sink", "sinks", "ensemble",
  ]

  enum CodingKeys: String, CodingKey {
    case source, split, detector, threshold, events, importance, sinks, ensemble
    /// Configs stored before `sinks` held at most one.
    case sink
  }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      source: try c.decode(PluginChoice.self, forKey: .source), split: try c.decode(Parameters.self, forKey: .split),
      detector: try c.decode(PluginChoice.self, forKey: .detector),
      threshold: try c.decode(PluginChoice.self, forKey: .threshold), events: try c.decode(Parameters.self, forKey: .events),
      importance: try c.decodeIfPresent(PluginChoice.self, forKey: .importance),
      sinks: try c.decodeIfPresent([PluginChoice].self, forKey: .sinks)
        ?? (try c.decodeIfPresent(PluginChoice.self, forKey: .sink)).map { [$0] } ?? [],
      ensemble: try c.decodeIfPresent([EnsembleMember].self, forKey: .ensemble))
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(source, forKey: .source)
    try c.encode(split, forKey: .split)
    try c.encode(detector, forKey: .detector)
    try c.encode(threshold, forKey: .threshold)
    try c.encode(events, forKey: .events)
    try c.encodeIfPresent(importance, forKey: .importance)
    if !sinks.isEmpty { try c.encode(sinks, forKey: .sinks) }
    try c.encodeIfPresent(ensemble, forKey: .ensemble)
  }

  /// Parses and validates YAML text.
  /// - Parameters:
  ///   - yaml: the config text.
  ///   - origin: the file name used in messages.
  ///   - baseDirectory: relative `path` parameters from the file are resolved against it.
  ///   - overrides: `section.key=value` strings (from `--set`); values are YAML scalars or flow
  ///     lists, and relative paths in them are taken from the current directory.
  ///   - stored: the config of a stored run or a saved model: it passes the checks it needed to
  ///     run (the plugins' `init`), not those that refuse a setting another makes useless
  ///     (`checkConfiguration`), which may be newer than the run.
  public static func parse(
    yaml: String, origin: String, baseDirectory: String? = nil, overrides: [String] = [],
    registry: PluginRegistry, stored: Bool = false
  ) throws -> RunConfig {
    var read = try readSections(yaml: yaml, origin: origin, baseDirectory: baseDirectory)
    // Another plugin drops the file's parameters of its section, so plugins are set first: the
    // parameters set beside one are its own, in whatever order they were given.
    func setsPlugin(_ override: String) -> Bool { key(ofOverride: override).hasSuffix(".plugin") }
    for override in overrides.filter(setsPlugin) + overrides.filter({ !setsPlugin($0) }) {
      do {
        try apply(override: override, to: &read.sections)
      } catch let error as SeismoError {
        read.problems.append(error)
      }
    }
    return try validate(read, registry: registry, stored: stored)
  }

  // MARK: - Reading

  /// A raw config value with where it came from.
  struct RawValue {
    var node: Node
    var location: String
    /// Folder that relative paths in this value are resolved against (nil: current directory).
    var baseDirectory: String?
  }

  typealias RawSection = [(key: String, value: RawValue)]

  /// A config's sections as read, with the problems of its shape met on the way.
  struct RawSections {
    var sections: [String: RawSection] = [:]
    /// An unknown section, a section that is not a mapping, a malformed `ensemble` or `sinks`.
    var problems: [SeismoError] = []
    /// Sections the file means but could not give: misspelled (`sorce`) or malformed. A
    /// "missing section" for one would repeat a problem already named.
    var meant: Set<String> = []
    /// Where each section is named in the file (its key, or its list item), for a problem of the
    /// section as a whole: a plugin not chosen.
    var places: [String: String] = [:]
    /// The file the sections come from, for a problem of the file as a whole: a section missing.
    var origin: String?

    /// Adds `node` as section `name`, named in the file at `place` (its key or list item); a
    /// section that cannot be read is a problem instead, and meant.
    mutating func add(_ node: Node, as name: String, namedAt place: Node, origin: String, baseDirectory: String?) {
      do throws(SeismoError) {
        sections[name] = try readSection(node, name: name, origin: origin, baseDirectory: baseDirectory)
        places[name] = locate(place, origin)
      } catch {
        problems.append(error)
        meant.insert(name)
      }
    }
  }

  /// The file's sections. Text that is not YAML, or not a mapping, throws; a section that cannot
  /// be read is a problem of `RawSections`, and the others are still read.
  static func readSections(yaml: String, origin: String, baseDirectory: String?) throws -> RawSections {
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw yamlSyntaxError(error, yaml: yaml, origin: origin)
    }
    guard let root else { throw SeismoError.config(key: "(config)", location: origin, message: "the file is empty") }
    guard case .mapping(let mapping) = root else {
      // A CSV file given for its config reads as one plain scalar of its lines.
      let rows = root.scalar.map { $0.string.contains(",") || $0.string.contains(";") || $0.string.contains("\t") } ?? false
      let hint =
        rows
        ? "; this reads as rows of data: a config names its data file in the source section (source: { plugin: csv, path: FILE }), and `seismo demo` writes a config to start from"
        : ""
      throw SeismoError.config(
        key: "(config)", location: locate(root, origin), message: "expected a mapping of sections\(hint)")
    }
    var read = RawSections(origin: origin)
    for (keyNode, valueNode) in mapping {
      let name = keyNode.string ?? ""
      guard sectionNames.contains(name) else {
        read.problems.append(
          SeismoError.config(
            key: name, location: locate(keyNode, origin),
            message: "unknown section\(suggestion(name, sectionNames)); sections are \(sectionNames.joined(separator: ", "))"))
        if let meant = EditDistance.nearest(to: name, among: sectionNames) { read.meant.insert(meant) }
        continue
      }
      if name == "ensemble" {
        readEnsemble(valueNode, origin: origin, baseDirectory: baseDirectory, into: &read)
        continue
      }
      if name == "sinks" {
        readSinks(valueNode, origin: origin, baseDirectory: baseDirectory, into: &read)
        continue
      }
      read.add(valueNode, as: name, namedAt: keyNode, origin: origin, baseDirectory: baseDirectory)
    }
    return read
  }

  /// The `sinks` list: item k (from 1) becomes the section `sinks[k]`. An item that cannot be
  /// read is a problem of `read`, and `meant`; the others are still read.
  static func readSinks(_ node: Node, origin: String, baseDirectory: String?, into read: inout RawSections) {
    guard case .sequence(let items) = node else {
      read.problems.append(
        SeismoError.config(key: "sinks", location: locate(node, origin), message: "expected a list of sinks"))
      return
    }
    for (k, item) in items.enumerated() {
      read.add(item, as: "sinks[\(k + 1)]", namedAt: item, origin: origin, baseDirectory: baseDirectory)
    }
  }

  /// A section's mapping of parameters (an empty value is an empty section).
  static func readSection(
    _ node: Node, name: String, origin: String, baseDirectory: String?
  ) throws(SeismoError) -> RawSection {
    if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
      return []
    }
    guard case .mapping(let body) = node else {
      throw SeismoError.config(key: name, location: locate(node, origin), message: "expected a mapping of parameters")
    }
    var section: RawSection = []
    for (k, v) in body {
      let key = k.string ?? ""
      if section.contains(where: { $0.key == key }) {
        throw SeismoError.config(key: "\(name).\(key)", location: locate(k, origin), message: "given twice")
      }
      section.append((key, RawValue(node: v, location: locate(v, origin), baseDirectory: baseDirectory)))
    }
    return section
  }

  /// The `ensemble` list: member k (from 1) becomes the sections `ensemble[k].detector` and
  /// `ensemble[k].threshold`, so every message names the member's key path. A member that cannot
  /// be read is a problem of `read`, and `meant` (as `ensemble[k]`); the others are still read.
  static func readEnsemble(_ node: Node, origin: String, baseDirectory: String?, into read: inout RawSections) {
    guard case .sequence(let items) = node, !items.isEmpty else {
      read.problems.append(
        SeismoError.config(
          key: "ensemble", location: locate(node, origin),
          message: "expected a list of members, each a mapping with a detector and a threshold"))
      return
    }
    for (k, item) in items.enumerated() {
      let member = "ensemble[\(k + 1)]"
      do throws(SeismoError) {
        guard case .mapping(let body) = item else {
          throw SeismoError.config(
            key: member, location: locate(item, origin), message: "expected a mapping with a detector and a threshold")
        }
        var sections: [String: RawSection] = [:]
        for (keyNode, value) in body {
          let key = keyNode.string ?? ""
          guard ["detector", "threshold"].contains(key) else {
            throw SeismoError.config(
              key: "\(member).\(key)", location: locate(keyNode, origin),
              message: "unknown key\(suggestion(key, ["detector", "threshold"])); a member has a detector and a threshold")
          }
          sections["\(member).\(key)"] = try readSection(
            value, name: "\(member).\(key)", origin: origin, baseDirectory: baseDirectory)
          read.places["\(member).\(key)"] = locate(keyNode, origin)
        }
        guard sections["\(member).detector"] != nil else {
          throw SeismoError.config(
            key: "\(member).detector", location: locate(item, origin), message: "missing; choose a detector plugin")
        }
        read.sections.merge(sections) { $1 }
      } catch {
        read.problems.append(error)
        read.meant.insert(member)
      }
    }
  }

  /// The `section.key` an override (`section.key=value`, from `--set`) sets.
  public static func key(ofOverride override: String) -> Substring { override.prefix { $0 != "=" } }

  static func apply(override: String, to sections: inout [String: RawSection]) throws {
    guard let eq = override.firstIndex(of: "="), let dot = override[..<eq].lastIndex(of: ".") else {
      throw SeismoError.config(key: override, location: "--set", message: "expected section.key=value")
    }
    let section = String(override[..<dot])
    let key = String(override[override.index(after: dot)..<eq])
    let text = String(override[override.index(after: eq)...])
    // A list item's section (`ensemble[2].detector`, `sinks[1]`) must exist in the file already.
    let listed = sections.keys.filter { $0.contains("[") }
    guard sectionNames.contains(section) && !["ensemble", "sinks"].contains(section) || listed.contains(section) else {
      throw SeismoError.config(
        key: "\(section).\(key)", location: "--set", message: "unknown section\(suggestion(section, sectionNames + listed))")
    }
    let node = (try? Yams.compose(yaml: text)).flatMap { $0 } ?? Node(text)
    let value = RawValue(node: node, location: "--set", baseDirectory: nil)
    var body = sections[section] ?? []
    if key == "plugin", let old = body.first(where: { $0.key == "plugin" }), old.value.node.string != node.string {
      body = []  // a different plugin: the old plugin's parameters no longer apply
    }
    if let i = body.firstIndex(where: { $0.key == key }) {
      body[i].value = value
    } else {
      body.append((key, value))
    }
    sections[section] = body
  }

  // MARK: - Validating

  /// The config of `read`'s sections. Each section is checked on its own, and every problem,
  /// `read`'s first, is thrown at once (`SeismoError.gathering`).
  static func validate(_ read: RawSections, registry: PluginRegistry, stored: Bool) throws -> RunConfig {
    let sections = read.sections
    func choice(_ section: String, _ kind: PluginDescriptor.Kind, default defaultPlugin: String?) throws -> PluginChoice? {
      guard let body = sections[section] ?? defaultPlugin.map({ _ in [] }) else { return nil }
      let pluginValue = body.first { $0.key == "plugin" }?.value
      guard let name = pluginValue?.node.string ?? defaultPlugin else {
        throw SeismoError.config(
          key: "\(section).plugin", location: read.places[section],
          message: "missing; choose one of: \(registry.descriptors(kind).map(\.name).joined(separator: ", "))")
      }
      guard let descriptor = registry.descriptor(kind, named: name) else {
        let names = registry.descriptors(kind).map(\.name)
        throw SeismoError.config(
          key: "\(section).plugin", location: pluginValue?.location,
          message:
            "unknown \(kind.rawValue) plugin '\(name)'\(suggestion(name, names)); available: \(names.isEmpty ? "none" : names.joined(separator: ", "))"
        )
      }
      let parameters = try resolve(
        body.filter { $0.key != "plugin" }, specs: descriptor.parameters, section: section, plugin: name,
        chosenAt: pluginValue?.location, siblings: registry.descriptors(kind))
      try locating(in: body, section: section) { try registry.check(kind, named: name, parameters, stored: stored) }
      return PluginChoice(plugin: name, parameters: parameters)
    }
    var problems = read.problems
    func gathering<T>(_ body: () throws -> T) throws -> T? {
      do {
        return try body()
      } catch let error as SeismoError {
        switch error {
        case .config, .configs:
          problems.append(error)
          return nil
        default: throw error
        }
      }
    }
    // A required section the file means but could not give is nil, with its problem in `read`.
    func required(_ section: String, _ kind: PluginDescriptor.Kind, missing advice: String) throws -> PluginChoice? {
      if let chosen = try choice(section, kind, default: nil) { return chosen }
      guard read.meant.contains(section) else {
        throw SeismoError.config(key: section, location: read.origin, message: "missing section; \(advice)")
      }
      return nil
    }
    let source = try gathering { try required("source", .source, missing: "say where the data comes from") } ?? nil
    let detector = try gathering { try required("detector", .detector, missing: "choose a detector plugin") } ?? nil
    let split = try gathering {
      let split = try resolve(sections["split"] ?? [], specs: SplitPolicy.parameters, section: "split", plugin: nil)
      try locating(in: sections["split"] ?? [], section: "split") {
        if stored { _ = try SplitPolicy(parameters: split) } else { try SplitPolicy.checkConfiguration(split) }
      }
      return split
    }
    func threshold() throws -> PluginChoice {
      guard let chosen = try choice("threshold", .threshold, default: registry.defaultThreshold) else {
        throw SeismoError.config(
          key: "threshold", location: read.origin, message: "missing section; choose a threshold plugin")
      }
      return chosen
    }
    // The items of a list (`sinks`, `ensemble`), each `check`ed on its own: item k (from 1) is
    // `list[k]`, read while its section `list[k]` + `section` is; one the file could not give has
    // its problem in `read`. Nil when any item has a problem.
    func listed<Item>(_ list: String, section: String, _ check: (String) throws -> Item?) throws -> [Item]? {
      var items: [Item] = []
      var complete = true
      for k in 1... {
        let item = "\(list)[\(k)]"
        if read.meant.contains(item) {
          complete = false
          continue
        }
        guard sections[item + section] != nil else { break }
        if let checked = try check(item) { items.append(checked) } else { complete = false }
      }
      return complete ? items : nil
    }
    func sinks() throws -> [PluginChoice]? {
      if let one = try choice("sink", .sink, default: nil) {
        guard sections["sinks[1]"] == nil else {
          throw SeismoError.config(key: "sinks", location: nil, message: "give sink (one) or sinks (a list), not both")
        }
        return [one]
      }
      return try listed("sinks", section: "") { item in try gathering { try choice(item, .sink, default: nil) } ?? nil }
    }
    // Each member is checked on its own, its detector apart from its threshold.
    func members() throws -> [EnsembleMember]? {
      try listed("ensemble", section: ".detector") { member in
        let detector = try gathering { try choice("\(member).detector", .detector, default: nil) } ?? nil
        let threshold = try gathering {
          guard let chosen = try choice("\(member).threshold", .threshold, default: registry.defaultThreshold) else {
            throw SeismoError.config(key: "\(member).threshold", location: nil, message: "missing; choose a threshold plugin")
          }
          return chosen
        }
        guard let detector, let threshold else { return nil }
        return EnsembleMember(detector: detector, threshold: threshold)
      }
    }
    let threshold = try gathering(threshold)
    let events = try gathering {
      try resolve(sections["events"] ?? [], specs: EventRule.parameters, section: "events", plugin: nil)
    }
    let importance = try gathering { try choice("importance", .importance, default: nil) }
    let sinks = try gathering(sinks) ?? nil
    let ensemble = try members()
    // A section is nil only when a problem was gathered; `read`'s problems (an unknown section)
    // may leave every section read.
    guard problems.isEmpty, let source, let detector, let split, let threshold, let events, let importance, let sinks,
      let ensemble
    else { throw SeismoError.gathering(problems)! }
    let config = RunConfig(
      source: source, split: split, detector: detector, threshold: threshold, events: events, importance: importance,
      sinks: sinks, ensemble: ensemble.isEmpty ? nil : ensemble)
    return config
  }

  /// Runs `check`, placing a config error it throws without a location at its key's line and
  /// column in `body`. A plugin names a key by its kind (`detector.units`); the error then names
  /// it by the config's section (`ensemble[2].detector.units`). Keys not in `body` (defaults)
  /// keep the error as it was.
  static func locating(in body: RawSection, section: String, _ check: () throws -> Void) throws {
    do {
      try check()
    } catch SeismoError.config(let key, nil, let message) {
      let name = key.split(separator: ".", maxSplits: 1).last.map(String.init) ?? key
      guard let raw = body.first(where: { $0.key == name })?.value else {
        throw SeismoError.config(key: key, location: nil, message: message)
      }
      throw SeismoError.config(key: "\(section).\(name)", location: raw.location, message: message)
    }
  }

  /// Checks each raw value against its spec and fills defaults.
  /// - Parameters:
  ///   - chosenAt: where the section's plugin was chosen (a file location or `--set`), which a
  ///     missing required value is reported at.
  ///   - siblings: the plugins the section could have chosen, which an unknown parameter may
  ///     belong to (`threshold.percentile` under `plugin: fixed`).
  static func resolve(
    _ body: RawSection, specs: [ParameterSpec], section: String, plugin: String?, chosenAt: String? = nil,
    siblings: [PluginDescriptor] = []
  ) throws -> Parameters {
    var values: [String: ParameterValue] = [:]
    var problems: [SeismoError] = []
    var unknown = false  // a key not of the specs, which may be a required one misspelled
    for (key, raw) in body {
      let path = "\(section).\(key)"
      guard let spec = specs.first(where: { $0.name == key }) else {
        let names = specs.map(\.name)
        let owner = plugin.map { "plugin '\($0)'" } ?? "section '\(section)'"
        // A setting of a section without plugins, written in another section.
        let home = [("split", SplitPolicy.parameters), ("events", EventRule.parameters)].first { home, specs in
          home != section && specs.contains { $0.name == key }
        }
        // A setting of another plugin of the section: the plugin is the thing to change.
        let owners = siblings.filter { $0.name != plugin && $0.parameters.contains { $0.name == key } }.map { "'\($0.name)'" }
        let moved =
          home.map { "; it goes in the \($0.0) section: \($0.0): { \(key): … }" }
          ?? (owners.isEmpty
            ? ""
            : "; \(owners.count == 1 ? "plugin" : "plugins") \(owners.joined(separator: ", ")) \(owners.count == 1 ? "takes" : "take") it: choose \(owners.count == 1 ? "it" : "one") with \(section).plugin")
        problems.append(
          SeismoError.config(
            key: path, location: raw.location,
            message:
              "unknown parameter for \(owner)\(moved.isEmpty ? suggestion(key, names) : "")\(moved); known: \(names.isEmpty ? "none" : names.joined(separator: ", "))"
          ))
        unknown = true
        continue
      }
      do {
        values[key] = try convert(raw, to: spec.type, path: path)
      } catch let error as SeismoError {
        problems.append(error)
      }
    }
    // A required key is missing, unless an unknown key may be it, misspelled (`pth: a.csv`).
    for spec in specs where !unknown && spec.defaultValue == nil && body.allSatisfy({ $0.key != spec.name }) {
      let hint = chosenAt == "--set" ? "; add --set \(section).\(spec.name)=VALUE" : ""
      problems.append(
        SeismoError.config(
          key: "\(section).\(spec.name)", location: chosenAt, message: "required (\(spec.help))\(hint)"))
    }
    if let error = SeismoError.gathering(problems) { throw error }
    return Parameters(specs: specs, values: values)
  }

  static func convert(_ raw: RawValue, to type: ParameterType, path: String) throws -> ParameterValue {
    func fail(_ expected: String) -> SeismoError {
      let shown: String
      switch raw.node {
      case .scalar(let s) where s.string.isEmpty && (s.style == .literal || s.style == .folded):
        // `delimiter: |` is YAML's empty block scalar, not the character.
        let mark = s.style == .literal ? "|" : ">"
        shown = "an empty YAML block (a bare \(mark) starts one): write the character \(mark) in quotes, '\(mark)'"
      case .scalar(let s): shown = "'\(s.string)'"
      case .sequence(let items): shown = items.isEmpty ? "an empty list" : "a list"
      case .mapping: shown = "a mapping"
      case .alias: shown = "an alias"
      }
      return SeismoError.config(key: path, location: raw.location, message: "expected \(expected), got \(shown)")
    }
    if case .oneOrMore(let isPath) = type {
      let items: [Node]
      switch raw.node {
      case .scalar: items = [raw.node]
      case .sequence(let seq): items = Array(seq)
      default: throw fail(type.expectation)
      }
      let paths = try items.flatMap { item in
        guard case .scalar(let s) = item, !s.string.isEmpty else { throw fail(type.expectation) }
        guard isPath else { return [s.string] }
        let resolved = resolvedPath(s.string, base: raw.baseDirectory)
        guard PathPattern.isPattern(resolved) else { return [resolved] }
        // A wildcard gives the files it matches now, in name order: the run (and a model saved
        // from it) keeps that list, so a file added later is not read by `score`.
        let (files, folders) = PathPattern.matches(resolved)
        guard files.isEmpty else { return files }
        let shown = "'\(s.string)'\(resolved == s.string ? "" : " (\(resolved))")"
        let message = "\(shown) \(PathPattern.matchesNoFile(s.string, folders: folders))"
        throw SeismoError.config(key: path, location: raw.location, message: message)
      }
      guard let value = type.admit(.textList(paths)) else { throw fail(type.expectation) }
      return value
    }
    if case .textList = type {
      switch raw.node {
      case .scalar(let s): return .textList([s.string])
      case .sequence(let seq):
        var items: [String] = []
        for item in seq {
          guard case .scalar(let s) = item else { throw fail("a list of strings") }
          items.append(s.string)
        }
        return .textList(items)
      default: throw fail("a list of strings")
      }
    }
    let parsed: ParameterValue
    switch (type, raw.node) {
    case (.integerList, .scalar), (.integerList, .sequence):
      let items: [Node]
      if case .sequence(let seq) = raw.node { items = Array(seq) } else { items = [raw.node] }
      parsed = .integerList(
        try items.map { item in
          guard case .scalar(let s) = item, let v = Int(s.string) else { throw fail("a list of integers") }
          return v
        })
    case (.integerList, _):
      throw fail("a list of integers")
    case (_, .scalar(let scalar)):
      let text = scalar.string
      switch type {
      case .integer:
        guard let v = Int(text) else { throw fail("an integer") }
        parsed = .integer(v)
      case .number:
        guard let v = Double(text), v.isFinite else { throw fail("a number") }
        parsed = .number(v)
      case .boolean:
        switch text.lowercased() {
        case "true", "yes", "on": parsed = .boolean(true)
        case "false", "no", "off": parsed = .boolean(false)
        default: throw fail("true or false")
        }
      case .path:
        return .text(resolvedPath(text, base: raw.baseDirectory))
      case .text, .choice, .textList, .integerList, .oneOrMore:  // lists are handled above
        parsed = .text(text)
      }
    default:
      throw fail(type.expectation)
    }
    guard let value = type.admit(parsed) else { throw fail(type.expectation) }
    return value
  }

  /// A path as a config file means it: `~/…` is the home folder, as a shell reads it (a shell
  /// leaves `key=~/…` in --set alone), and a relative path is relative to `base`, the file's
  /// folder (nil: the current directory, as for `--set`).
  static func resolvedPath(_ text: String, base: String?) -> String {
    let text = text == "~" || text.hasPrefix("~/") ? NSString(string: text).expandingTildeInPath : text
    guard !text.isEmpty, let base, !text.hasPrefix("/") else { return text }
    return URL(fileURLWithPath: base).appendingPathComponent(text).standardizedFileURL.path
  }

  // MARK: - Messages

  static func locate(_ node: Node, _ origin: String) -> String {
    node.mark.map { "\(origin):\($0.line):\($0.column)" } ?? origin
  }

  static func suggestion(_ name: String, _ known: [String]) -> String {
    EditDistance.suggestion(for: name, among: known)
  }
}
