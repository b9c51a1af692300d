import Foundation
import SeismoCore

/// Open connections kept for reuse, by connection string. Opening one costs the server a new
/// backend process and its catalog caches, milliseconds of its CPU, which a worker running a
/// job of a few milliseconds would otherwise pay for every job. The postgres source reads
/// through it.
public final class PGConnectionPool: @unchecked Sendable {
  /// The process's pool.
  public static let shared = PGConnectionPool()

  /// Idle connections kept per connection string; one returned beyond that is closed.
  public let idlePerTarget: Int
  private var idle: [String: [PGConnection]] = [:]
  private let lock = NSLock()

  public init(idlePerTarget: Int = 16) { self.idlePerTarget = idlePerTarget }

  /// Runs `body` on an idle connection to `conninfo` (or a new one) and keeps the connection for
  /// the next caller, unless `body` threw. A kept connection the server closed meanwhile (it
  /// restarted) is replaced and `body` run once more on a new one, so `body` must be safe to
  /// repeat: a read in a transaction that is rolled back.
  public func withConnection<T>(_ conninfo: String, _ body: (PGConnection) throws -> T) throws -> T {
    if let kept = take(conninfo) {
      do {
        let value = try body(kept)
        keep(kept, for: conninfo)
        return value
      } catch SeismoError.database(_) where !kept.isOpen {
        // Closed while idle: run it again on a new connection.
      }
    }
    let db = try PGConnection(conninfo)
    let value = try body(db)
    keep(db, for: conninfo)
    return value
  }

  /// Idle connections held now for `conninfo`.
  public func idleCount(for conninfo: String) -> Int { lock.withLock { idle[conninfo]?.count ?? 0 } }

  private func take(_ conninfo: String) -> PGConnection? { lock.withLock { idle[conninfo]?.popLast() } }

  private func keep(_ db: PGConnection, for conninfo: String) {
    guard db.isOpen else { return }
    lock.withLock {
      if idle[conninfo, default: []].count < idlePerTarget { idle[conninfo, default: []].append(db) }
    }
  }
}
