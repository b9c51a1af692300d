import Foundation

/// A PostgreSQL server of a test's own (`scripts/pg-test-server.sh`), for tests that restart the
/// server: a restart of the shared test server would break the tests running beside them.
struct ThrowawayServer {
  let url: String
  let folder: String

  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("scripts/pg-test-server.sh").path

  /// Starts one on a port below the kernel's ephemeral range (32768–60999), where other tests'
  /// connections and listeners cannot take it between the script's check and the server's bind;
  /// another port if that one was taken anyway.
  init() throws {
    var started = ""
    for attempt in 1...3 {
      do {
        started = try Self.shell(
          [Self.script, "start"], environment: ["SEISMO_TEST_PG_PORT": String(Int.random(in: 20_000..<30_000))])
        break
      } catch  where attempt < 3 {}
    }
    var variables: [String: String] = [:]
    for line in started.split(separator: "\n") {
      let parts = line.replacingOccurrences(of: "export ", with: "").split(separator: "=", maxSplits: 1)
      if parts.count == 2 { variables[String(parts[0])] = String(parts[1]) }
    }
    guard let url = variables["SEISMO_TEST_PG_URL"], let folder = variables["SEISMO_TEST_PG_DIR"] else {
      throw SeismoTestError("pg-test-server.sh start printed no URL: \(started)")
    }
    self.url = url
    self.folder = folder
  }

  /// `pg_ctl restart -m fast`: every connection is cut, then the server accepts new ones.
  func restart() throws { _ = try Self.shell([Self.script, "restart", folder]) }

  func stop() { _ = try? Self.shell([Self.script, "stop", folder]) }

  /// Runs a bash script with `arguments` and returns its stdout; throws when it fails. Spawned
  /// and waited for directly (Foundation's `Process` never saw this child exit once the script
  /// had started a server), with the output in a file, so the server holds no pipe of ours.
  static func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let scratch = try Scratch()
    let output = scratch.url.appendingPathComponent("stdout").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = (["/bin/bash"] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var variables = ProcessInfo.processInfo.environment
    variables.merge(environment) { $1 }
    let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for variable in envp { free(variable) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/bash", &actions, nil, argv, envp) == 0 else {
      throw SeismoTestError("cannot start \(arguments)")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    guard status == 0 else { throw SeismoTestError("\(arguments) exited with status \(status)") }
    return try String(contentsOfFile: output, encoding: .utf8)
  }
}
