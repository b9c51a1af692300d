import Foundation
import Testing

/// A run folder appears complete or not at all: interrupted, failed or concurrent runs never
/// leave a partial folder, a temporary file or one run's files mixed with another's (issue 11,
/// item 5).
@Suite struct RunFolderSafetyTests {
  /// Long enough to be interrupted mid-training.
  static let slowConfig = """
    source: { plugin: csv, path: data.csv }
    detector: { plugin: lstm-autoencoder, window: 10, units: 16, epochs: 100000 }
    """

  /// Everything in `scratch` apart from the files a test made itself, hidden ones included.
  func leftovers(_ scratch: Scratch, besides kept: Set<String>) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { !kept.contains($0) }.sorted()
  }

  /// Waits (at most 60 s) until `path` exists.
  func waitFor(_ path: URL) throws {
    let deadline = Date().addingTimeInterval(60)
    while !FileManager.default.fileExists(atPath: path.path) {
      guard Date() < deadline else { throw SeismoTestError("\(path.path) never appeared") }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }

  @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func aSignalLeavesTheEarlierFolderAndNoDebris(_ signal: Int32, _ status: Int32) throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write("run.yaml", Self.slowConfig)
    let first = try CLI.run(["detect", "run.yaml", "--out", "o", "--set", "detector.epochs=1", "--quiet"], in: scratch.url)
    #expect(first.status == 0, "\(first.stderr)")
    let earlier = try scratch.read("o/summary.json")

    let running = try CLI.start(["detect", "run.yaml", "--out", "o", "--quiet"], in: scratch.url)
    try waitFor(scratch.url.appendingPathComponent(".o.seismo-staging"))
    Thread.sleep(forTimeInterval: 0.3)
    kill(running.process.processIdentifier, signal)
    let result = try running.wait()
    #expect(result.status == status, "\(result.stderr)")
    #expect(result.stderr.hasSuffix("interrupted\n"), "\(result.stderr)")
    #expect(try scratch.read("o/summary.json") == earlier, "the earlier run folder is untouched")
    #expect(try leftovers(scratch, besides: ["data.csv", "run.yaml", "o"]) == [])
  }

  /// A signal sent before seismo has set up its handlers, while the parent blocks it (a
  /// supervisor's or a test's spawn), is pending when seismo starts: seismo exits on it instead
  /// of discarding it and running on. `sh` makes SIGTERM pending, then becomes seismo.
  @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
  func aSignalPendingAtStartEndsTheRun(_ signal: Int32, _ status: Int32) throws {
    var blocked = sigset_t()
    sigemptyset(&blocked)
    sigaddset(&blocked, signal)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setsigmask(&attributes, &blocked)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    let arguments = ["/bin/sh", "-c", "kill -\(signal) $$; exec \"$0\" plugins > /dev/null", CLI.executable.path]
    var argv = arguments.map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var pid = pid_t()
    try #require(posix_spawn(&pid, "/bin/sh", nil, &attributes, &argv, environ) == 0)
    var wait: Int32 = 0
    try #require(waitpid(pid, &wait, 0) == pid)
    let exited = wait & 0x7f == 0
    #expect(exited && (wait >> 8) & 0xff == status, "wait status \(wait)")
  }

  @Test func aSecondRunIntoTheSameFolderFailsAtOnce() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write("run.yaml", Self.slowConfig.replacingOccurrences(of: "epochs: 100000", with: "epochs: 20"))
    let first = try CLI.start(["detect", "run.yaml", "--out", "o", "--quiet"], in: scratch.url)
    try waitFor(scratch.url.appendingPathComponent(".o.seismo-staging"))
    let second = try CLI.run(["detect", "run.yaml", "--out", "o", "--quiet"], in: scratch.url)
    #expect(second.status == 1)
    #expect(second.stderr == "error: o: another seismo run is writing here; wait for it or choose another --out\n")
    let done = try first.wait()
    #expect(done.status == 0, "\(done.stderr)")
    #expect(
      try Set(FileManager.default.contentsOfDirectory(atPath: scratch.url.appendingPathComponent("o").path))
        == ["summary.json", "scores.csv", "report.html"])
    #expect(try leftovers(scratch, besides: ["data.csv", "run.yaml", "o"]) == [])
  }

  @Test func aRunReplacesItsFolderButNothingElse() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    try scratch.write("notes/keep.txt", "mine\n")
    try scratch.write("afile", "mine\n")
    for (out, expected) in [
      ("notes", "error: notes: exists and is not a seismo run folder"), ("afile", "error: afile: is a file"),
    ] {
      let result = try CLI.run(["detect", "run.yaml", "--out", out, "--quiet"], in: scratch.url)
      #expect(result.status == 1 && result.stderr.hasPrefix(expected), "\(out): \(result.stderr)")
    }
    #expect(try scratch.read("notes/keep.txt") == "mine\n" && scratch.read("afile") == "mine\n")
    // An earlier run folder is replaced whole: a file of its own does not survive into the new run.
    #expect(try CLI.run(["detect", "run.yaml", "--out", "o", "--quiet"], in: scratch.url).status == 0)
    try scratch.write("o/stale.txt", "old\n")
    let again = try CLI.run(["detect", "run.yaml", "--out", "o", "--set", "detector.window=15", "--quiet"], in: scratch.url)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(!FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("o/stale.txt").path))
    #expect(try scratch.read("o/summary.json").contains("\"window\" : 15"))
    #expect(try leftovers(scratch, besides: ["data.csv", "run.yaml", "o", "notes", "afile"]) == [])
  }

  @Test func eachStagesTheWholeOutputFolder() throws {
    let scratch = try Scratch()
    try scratch.write("data.csv", syntheticCSV(rows: 200, spikes: [150]))
    try scratch.write("run.yaml", "source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n")
    let result = try CLI.run(["detect", "run.yaml", "--each", "--out", "all", "--quiet"], in: scratch.url)
    #expect(result.status == 0, "\(result.stderr)")
    let summary = try scratch.read("all/summary.json")
    #expect(summary.contains("\"folder\" : \"all/a\"") && summary.contains("\"folder\" : \"all/b\""), "\(summary)")
    #expect(try scratch.read("all/a/summary.json").contains("rolling-zscore"))
    #expect(try leftovers(scratch, besides: ["data.csv", "run.yaml", "all"]) == [])
  }
}

struct SeismoTestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A full disk, on a 200 KB tmpfs: the run fails naming the file it could not write, and leaves
/// nothing behind. Mounting needs root; elsewhere the test returns without checking.
@Suite struct FullDiskTests {
  @Test func aFullDiskLeavesNothing() throws {
    let scratch = try Scratch()
    let disk = scratch.url.appendingPathComponent("disk")
    try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
    let mount = Process()
    mount.executableURL = URL(fileURLWithPath: "/bin/mount")
    mount.arguments = ["-t", "tmpfs", "-o", "size=200k", "tmpfs", disk.path]
    mount.standardError = FileHandle.nullDevice
    guard (try? mount.run()) != nil,
      ({
        mount.waitUntilExit()
        return mount.terminationStatus == 0
      })()
    else { return }
    defer {
      let umount = Process()
      umount.executableURL = URL(fileURLWithPath: "/bin/umount")
      umount.arguments = [disk.path]
      try? umount.run()
      umount.waitUntilExit()
    }
    try Data(syntheticCSV(rows: 2500, spikes: [2000]).utf8).write(to: disk.appendingPathComponent("data.csv"))
    try Data("source: { plugin: csv, path: data.csv }\ndetector: { plugin: rolling-zscore }\n".utf8).write(
      to: disk.appendingPathComponent("run.yaml"))
    let result = try CLI.run(["detect", "run.yaml", "--out", "o", "--quiet"], in: disk)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: o/") && result.stderr.contains("space"), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).sorted() == ["data.csv", "run.yaml"])
  }
}
