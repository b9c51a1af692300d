import Foundation

/// Runs the built `seismo` binary and captures its output, as a user's shell would.
struct CLI {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The `seismo` executable next to the test bundle in the build folder.
  static let executable: URL = {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("seismo")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/seismo")
  }()

  static func run(_ arguments: [String], in directory: URL) throws -> Result {
    try start(arguments, in: directory).wait()
  }

  /// Whether `runOnATerminal` can run here (it needs util-linux `script`).
  static let hasTerminal = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

  /// Runs `seismo` with `arguments` (shell-quoted by the caller) on a pseudo-terminal, as a user
  /// at a terminal would: `script` copies what it printed, stdout and stderr as one, to `stdout`.
  static func runOnATerminal(_ arguments: String, in directory: URL) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qec", "\(executable.path) \(arguments)", "/dev/null"]
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return Result(status: process.terminationStatus, stdout: output, stderr: "")
  }

  /// Starts `seismo` without waiting for it (to signal it, or race it against another run).
  static func start(_ arguments: [String], in directory: URL) throws -> Running {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    // Output goes to files, not pipes: a child that fills one pipe while the parent drains the
    // other would deadlock.
    let capture = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-cli-out-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: capture, withIntermediateDirectories: true)
    let running = Running(process: process, capture: capture)
    // Where a file cannot be created, opening it below throws, naming it.
    _ = FileManager.default.createFile(atPath: running.outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: running.errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: running.outURL)
    process.standardError = try FileHandle(forWritingTo: running.errURL)
    try process.run()
    return running
  }

  /// A `seismo` process that was started. Its captured output goes with it, waited for or not
  /// (a test that stops a watcher reads what it printed first).
  final class Running {
    let process: Process
    let capture: URL

    init(process: Process, capture: URL) {
      self.process = process
      self.capture = capture
    }

    deinit { try? FileManager.default.removeItem(at: capture) }

    var outURL: URL { capture.appendingPathComponent("stdout") }
    var errURL: URL { capture.appendingPathComponent("stderr") }

    /// What it has printed so far on stdout (`outURL`) or stderr (`errURL`).
    func printed(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// Waits until it has printed `what` more than `count` times on `url`'s stream; throws when it
    /// exits first or `deadline` passes.
    func waitFor(_ what: String, in url: URL, count: Int = 0, deadline: Date) throws {
      while printed(url).components(separatedBy: what).count <= count + 1 {
        guard Date() < deadline, process.isRunning else {
          throw SeismoTestError("never printed \(what): \(printed(outURL)) \(printed(errURL))")
        }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }

    /// Waits for the exit and returns what it printed.
    func wait() throws -> Result {
      process.waitUntilExit()
      try (process.standardOutput as? FileHandle)?.close()
      try (process.standardError as? FileHandle)?.close()
      return Result(
        status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
  }
}

/// A fresh temporary folder, removed when the value is discarded by the test.
final class Scratch {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("seismo-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let path = url.appendingPathComponent(name).path
    try FileManager.default.createDirectory(
      at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Writes `syntheticCSV(rows:spikes:)` split by row ranges into files, each with the header:
  /// `["old.csv": 0..<200, "new.csv": 200..<220]` puts rows 0–199 in old.csv and 200–219 in new.csv.
  func writeSyntheticParts(rows: Int, spikes: [Int], _ parts: KeyValuePairs<String, Range<Int>>) throws {
    let lines = syntheticCSV(rows: rows, spikes: spikes).split(separator: "\n").map(String.init)
    for (name, range) in parts {
      try write(name, ([lines[0]] + lines[(range.lowerBound + 1)...range.upperBound]).joined(separator: "\n") + "\n")
    }
  }

  func read(_ name: String) throws -> String {
    try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
  }
}

/// Writes `data.csv` and `run.yaml`, a run that flags more rows, in more events, than a summary
/// lists: a rolling z-score cut at 2 flags about 2,200 of 6,000 synthetic rows in about 1,350
/// events. `extra` ends the config (a sink, say).
func writeManyEventsRun(_ scratch: Scratch, extra: String = "") throws {
  try scratch.write("data.csv", syntheticCSV(rows: 6_000, spikes: []))
  try scratch.write(
    "run.yaml",
    """
    source: { plugin: csv, path: data.csv }
    split: { train_fraction: 0.5 }
    detector: { plugin: rolling-zscore, window: 20 }
    threshold: { plugin: fixed, value: 2 }
    \(extra)
    """)
}

/// A daily series of `rows` rows with two features: slow sines plus seeded noise, and one-day
/// spikes at `spikes` (row numbers) on feature `b`.
func syntheticCSV(rows: Int, spikes: [Int]) -> String {
  var state: UInt64 = 12345
  func noise() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / Double(1 << 53) - 0.5
  }
  var text = "date,a,b\n"
  let start = 18_262  // 2020-01-01
  for r in 0..<rows {
    let days = start + r
    let a = 100 + 5 * sin(Double(r) / 30) + noise()
    var b = 50 + 3 * cos(Double(r) / 45) + noise()
    if spikes.contains(r) { b += 12 }
    text += "\(date(days)),\(String(format: "%.4f", a)),\(String(format: "%.4f", b))\n"
  }
  return text
}

/// ISO date of a day count since 1970-01-01.
func date(_ days: Int) -> String {
  let seconds = TimeInterval(days) * 86_400
  let formatter = DateFormatter()
  formatter.dateFormat = "yyyy-MM-dd"
  formatter.timeZone = TimeZone(identifier: "UTC")
  return formatter.string(from: Date(timeIntervalSince1970: seconds))
}
