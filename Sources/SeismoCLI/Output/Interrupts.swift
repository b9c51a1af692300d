import Dispatch
import Foundation

/// What happens on Ctrl-C (SIGINT) or `kill` (SIGTERM): every registered clean-up runs (staged
/// run folders and temporary files are removed), `interrupted` is printed, and the process exits
/// with 128 + the signal number (130, 143), as shells expect.
///
/// Clean-ups and the code that commits files into place take the same lock, so a signal never
/// lands halfway through a commit: it waits for the commit, then finds nothing left to undo.
enum Interrupts {
  private static let state = State()

  /// Installs the handlers; call once from `main` before any work starts. A signal already
  /// pending (sent while the parent that started seismo blocked it) ends the process here, as
  /// ignoring the signal, the handlers' first step, would discard it.
  static func install() {
    var pending = sigset_t()
    sigpending(&pending)
    for signal in [SIGINT, SIGTERM] where sigismember(&pending, signal) == 1 { state.interrupt(signal) }
    for signal in [SIGINT, SIGTERM] {
      Foundation.signal(signal, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
      source.setEventHandler { state.handle(signal) }
      source.resume()
      state.keep(source)
    }
  }

  /// Registers `cleanup` to run on an interrupt until the returned token is passed to `done`.
  static func onInterrupt(_ cleanup: @escaping @Sendable () -> Void) -> Int { state.add(cleanup) }

  /// Forgets the clean-up `token`.
  static func done(_ token: Int) { state.remove(token) }

  /// Makes the next SIGINT or SIGTERM call `drain` instead of exiting (a worker finishes its
  /// jobs, then returns); a signal after that exits as usual.
  static func drainOnNextSignal(_ drain: @escaping @Sendable (Int32) -> Void) { state.setDrain(drain) }

  /// Runs `body` with interrupts held back: a signal arriving meanwhile is handled after it.
  static func deferring<T>(_ body: () throws -> T) rethrows -> T { try state.lock.withLock(body) }

  private final class State: @unchecked Sendable {
    let lock = NSRecursiveLock()
    private var cleanups: [Int: @Sendable () -> Void] = [:]
    private var next = 0
    private var sources: [any DispatchSourceSignal] = []
    private var drain: (@Sendable (Int32) -> Void)?

    func keep(_ source: any DispatchSourceSignal) { lock.withLock { sources.append(source) } }

    func add(_ cleanup: @escaping @Sendable () -> Void) -> Int {
      lock.withLock {
        next += 1
        cleanups[next] = cleanup
        return next
      }
    }

    func remove(_ token: Int) { _ = lock.withLock { cleanups.removeValue(forKey: token) } }

    func setDrain(_ handler: @escaping @Sendable (Int32) -> Void) { lock.withLock { drain = handler } }

    /// Drains once if asked to, else interrupts.
    func handle(_ signal: Int32) {
      let handler = lock.withLock { () -> (@Sendable (Int32) -> Void)? in
        defer { drain = nil }
        return drain
      }
      guard let handler else { interrupt(signal) }
      handler(signal)
    }

    func interrupt(_ signal: Int32) -> Never {
      lock.lock()  // held until exit: nothing commits after this point
      for key in cleanups.keys.sorted(by: >) { cleanups[key]?() }
      FileHandle.standardError.write(Data("\ninterrupted\n".utf8))
      _exit(128 + signal)
    }
  }
}
