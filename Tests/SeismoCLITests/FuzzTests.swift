import Foundation
import Testing

@testable import CSVSource
@testable import SeismoCLI
@testable import SeismoCore

/// Seeded fuzzing of the three kinds of untrusted input: CSV files, run configs and model
/// files (issue 11). Each case is a random mutation of a valid input; it must load or fail with
/// a `SeismoError` (one clear line), never trap, hang or throw anything else. Counts are fixed and
/// the seed is printed by a failure, so any finding replays exactly.
@Suite struct FuzzTests {
  static let seed: UInt64 = 2026_11_24

  /// Values that break code: edges, wrong types, huge and hostile text.
  static let hostile = [
    "", "0", "-1", "1e39", "-3.4e38", "1e308", "NaN", "inf", "0x1p3", "9223372036854775807", "\"", "\"\"", ",",
    "\n", "\r\n", "\t", "\u{1B}[2J", "é", "\u{0}", "[]", "[1, 2]", "{}", "~", "*a", "&a x", "!!binary", "- x", ": x",
    "2020-02-30", "1970-01-01 25:61:61", "99999-01-01", "..", "/etc/passwd",
  ]

  /// JSON values that break code, for saved parameters and tensor fields.
  nonisolated(unsafe) static let hostileJSON: [Any] = [
    -1, 0, 1, 3, 1_000_000_000, Int.max, 1e300, -0.5, "x", "", [Any](), [-1], [1 << 62, 8], [0, 4], ["a"], true,
    NSNull(), [String: Any](),
  ]

  /// A random edit of `text`: replace, insert or delete a piece, duplicate or drop a line, or cut the end.
  static func mutate(_ text: String, _ random: inout SeededGenerator) -> String {
    var chars = Array(text)
    let edits = Int.random(in: 1...3, using: &random)
    for _ in 0..<edits where !chars.isEmpty {
      let at = Int.random(in: 0..<chars.count, using: &random)
      let piece = Array(hostile.randomElement(using: &random)!)
      switch Int.random(in: 0..<6, using: &random) {
      case 0: chars.replaceSubrange(at..<min(chars.count, at + Int.random(in: 1...8, using: &random)), with: piece)
      case 1: chars.insert(contentsOf: piece, at: at)
      case 2: chars.removeSubrange(at..<min(chars.count, at + Int.random(in: 1...20, using: &random)))
      case 3:
        let lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false)
        let k = Int.random(in: 0..<lines.count, using: &random)
        var edited = Array(lines)
        edited.insert(lines[k], at: Int.random(in: 0...lines.count, using: &random))
        chars = Array(edited.joined(separator: "\n"))
      case 4:
        let lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false)
        var edited = Array(lines)
        edited.remove(at: Int.random(in: 0..<lines.count, using: &random))
        chars = Array(edited.joined(separator: "\n"))
      default: chars = Array(chars.prefix(at))
      }
    }
    return String(chars)
  }

  /// Runs `body`; returns a description of anything thrown that is not a `SeismoError`.
  static func unexpected(_ body: () throws -> Void) -> String? {
    do {
      try body()
      return nil
    } catch let error as SeismoError {
      return "\(error)".isEmpty ? "an empty error message" : nil
    } catch {
      return "\(type(of: error)): \(error)"
    }
  }

  @Test func csvFiles() throws {
    let scratch = try Scratch()
    let base = syntheticCSV(rows: 40, spikes: [30])
    var random = SeededGenerator(seed: Self.seed)
    var loaded = 0
    for k in 0..<400 {
      let text = Self.mutate(base, &random)
      let path = try scratch.write("f.csv", text)
      let values: [String: ParameterValue] = [
        "path": .text(path), "gaps": .text(["ffill", "drop", "error"].randomElement(using: &random)!),
        "duplicates": .text(["error", "first", "last", "mean"].randomElement(using: &random)!),
        "time_column": .text(["auto", "none", "date"].randomElement(using: &random)!),
      ]
      let problem = Self.unexpected {
        _ = try CSVSource(parameters: Parameters(specs: CSVSource.descriptor.parameters, values: values)).load()
        loaded += 1
      }
      #expect(problem == nil, "case \(k) (seed \(Self.seed)): \(problem ?? "")\n\(text.prefix(300))")
    }
    #expect(loaded > 20 && loaded < 400, "the mutations exercise both paths (\(loaded) of 400 loaded)")
  }

  @Test func runConfigs() throws {
    let scratch = try Scratch()
    let path = try scratch.write("data.csv", syntheticCSV(rows: 40, spikes: [30]))
    let base = """
      source: { plugin: csv, path: \(path), columns: [a, b], gaps: ffill }
      split: { train_fraction: 0.7, refit_every: 10, refit_window: rolling }
      detector: { plugin: lstm-forecaster, window: 6, units: [8, 4], epochs: 1, transform: log_return }
      threshold: { plugin: dynamic, window: 20, smoothing_span: 5, min_history: 10 }
      events: { merge_gap: 2, min_length: 1 }
      importance: { plugin: permutation, repeats: 2 }
      """
    var random = SeededGenerator(seed: Self.seed &+ 1)
    var valid = 0
    for k in 0..<400 {
      let yaml = Self.mutate(base, &random)
      let problem = Self.unexpected {
        let config = try RunConfig.parse(yaml: yaml, origin: "fuzz.yaml", registry: StandardPlugins.registry)
        try DetectionPipeline(registry: StandardPlugins.registry, config: config).validate()
        valid += 1
      }
      #expect(problem == nil, "case \(k) (seed \(Self.seed &+ 1)): \(problem ?? "")\n\(yaml)")
    }
    #expect(valid > 20 && valid < 400, "\(valid) of 400 configs were valid")
  }

  @Test func modelFiles() throws {
    let scratch = try Scratch()
    let data = try scratch.write("data.csv", syntheticCSV(rows: 60, spikes: [50]))
    var models: [Data] = []
    for detector in [
      "{ plugin: lstm-forecaster, window: 5, units: [4], epochs: 1 }",
      "{ plugin: lstm-autoencoder, window: 5, units: 4, epochs: 1 }",
      "{ plugin: rolling-zscore, window: 10 }",
    ] {
      let config = try RunConfig.parse(
        yaml: "source: { plugin: csv, path: \(data) }\ndetector: \(detector)\nthreshold: { plugin: spot }\n", origin: "m.yaml",
        registry: StandardPlugins.registry)
      let run = try DetectionPipeline(registry: StandardPlugins.registry, config: config).run()
      models.append(try SavedModel(run: run).encode())
    }
    for model in models {
      let saved = try SavedModel.decode(model, origin: "base.seismo")
      _ = try DetectionPipeline.score(
        saved, config: try ScoreCommand.config(for: saved, data: [data]), registry: StandardPlugins.registry)
    }
    var random = SeededGenerator(seed: Self.seed &+ 2)
    var scored = 0
    for k in 0..<300 {
      var bytes = models.randomElement(using: &random)!
      let length = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian })
      let body = bytes.subdata(in: 8 + length..<bytes.count)
      switch Int.random(in: 0..<3, using: &random) {
      case 0:
        // One saved parameter, tensor field or metadata value set to a hostile value.
        var header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<8 + length)) as! [String: Any]
        var metadata = header["__metadata__"] as! [String: String]
        let key = metadata.keys.sorted().randomElement(using: &random)!
        let value: Any = Self.hostileJSON.randomElement(using: &random)!
        if var choice = (try? JSONSerialization.jsonObject(with: Data(metadata[key]!.utf8))) as? [String: Any],
          var parameters = choice["parameters"] as? [String: Any],
          let name = parameters.keys.sorted().randomElement(using: &random)
        {
          parameters[name] = value
          choice["parameters"] = parameters
          metadata[key] = String(decoding: try JSONSerialization.data(withJSONObject: choice), as: UTF8.self)
        } else if let tensor = header.keys.filter({ $0 != "__metadata__" }).sorted().randomElement(using: &random),
          Bool.random(using: &random)
        {
          var entry = header[tensor] as! [String: Any]
          entry[["shape", "data_offsets", "dtype"].randomElement(using: &random)!] = value
          header[tensor] = entry
        } else {
          metadata[key] = "\(value)"
        }
        header["__metadata__"] = metadata
        bytes = try CraftedModelTests.archive(header, body: body)
      case 1:
        // The header as text, edited.
        let header = Self.mutate(String(decoding: bytes.subdata(in: 8..<8 + length), as: UTF8.self), &random)
        var json = Data(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        bytes = out + json + body
      default:
        for _ in 0..<Int.random(in: 1...8, using: &random) {
          bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
        }
      }
      let problem = Self.unexpected {
        let saved = try SavedModel.decode(bytes, origin: "fuzz.seismo")
        _ = try DetectionPipeline.score(
          saved, config: try ScoreCommand.config(for: saved, data: [data]), registry: StandardPlugins.registry)
        scored += 1
      }
      #expect(problem == nil, "case \(k) (seed \(Self.seed &+ 2)): \(problem ?? "")")
    }
    #expect(scored > 10 && scored < 300, "\(scored) of 300 mutated models still scored")
  }
}
