import Foundation
import SeismoCore

/// The job queue in `seismo.jobs` (migration 7), as workers and `seismo jobs` use it.
///
/// The pattern is the one Oban, River, graphile-worker and Que use: a worker claims the oldest
/// due job with `FOR UPDATE SKIP LOCKED` (so concurrent claims never wait for or take the same
/// job), holds a lease it renews while it works, and finishes the job in the transaction that
/// writes the job's results. Every state change is fenced by (worker, attempt): a worker whose
/// lease ran out and whose job was claimed again cannot finish it any more.
public struct JobQueue {
  public let db: PGConnection

  public init(_ db: PGConnection) { self.db = db }

  /// A claimed job.
  public struct Claim: Sendable, Equatable {
    public var id: Int64
    public var group: String
    /// Nil: the job runs the whole config.
    public var indicator: String?
    /// The stored config (jsonb text).
    public var config: String
    /// This claim's number, 1 for the first; the fencing token of every later change.
    public var attempt: Int
    public var maxAttempts: Int
    /// True when the job was claimed from a worker whose lease ran out.
    public var reclaimed: Bool
  }

  /// Claims the oldest job that is due: queued with `run_after` passed, or running under a
  /// lease that ran out (its worker died). Marks it running under `worker` with a lease of
  /// `lease` seconds. Nil when no job is due.
  public func claim(worker: String, lease: Double) throws -> Claim? {
    let row = try db.execute(
      """
      WITH next AS (
        SELECT id, status FROM seismo.jobs
        WHERE (status = 'queued' AND run_after <= now()) OR (status = 'running' AND lease_until < now())
        ORDER BY id LIMIT 1
        FOR UPDATE SKIP LOCKED)
      UPDATE seismo.jobs j
      SET status = 'running', attempts = j.attempts + 1, worker = $1,
          lease_until = now() + $2::float8 * interval '1 second', started_at = now()
      FROM next WHERE j.id = next.id
      RETURNING j.id::text, j.group_id, j.indicator, j.config::text, j.attempts::text, j.max_attempts::text,
                (next.status = 'running')::text
      """, [worker, String(lease)]
    ).rows.first
    guard let row, let id = row[0].flatMap({ Int64($0) }), let group = row[1], let config = row[3],
      let attempt = row[4].flatMap({ Int($0) }), let maxAttempts = row[5].flatMap({ Int($0) })
    else { return nil }
    return Claim(
      id: id, group: group, indicator: row[2], config: config, attempt: attempt, maxAttempts: maxAttempts,
      reclaimed: row[6] == "true")
  }

  /// Extends the leases of `jobs` (ids) that `worker` still holds; returns how many it holds.
  @discardableResult
  public func renew(_ jobs: [Int64], worker: String, lease: Double) throws -> Int {
    guard !jobs.isEmpty else { return 0 }
    return try db.execute(
      """
      UPDATE seismo.jobs SET lease_until = now() + $3::float8 * interval '1 second'
      WHERE id = ANY($1::bigint[]) AND worker = $2 AND status = 'running'
      """, [PGText.array(jobs.map(String.init)), worker, String(lease)]
    ).affectedRows
  }

  /// Locks the claimed job for the finishing transaction; false when the claim no longer holds
  /// (the lease ran out and another worker claimed it, or it was cancelled). Call inside a
  /// transaction; write the results only when this is true.
  public func lock(_ claim: Claim, worker: String) throws -> Bool {
    try !db.execute(
      "SELECT 1 FROM seismo.jobs WHERE id = $1::bigint AND worker = $2 AND attempts = $3::integer AND status = 'running' FOR UPDATE",
      [String(claim.id), worker, String(claim.attempt)]
    ).rows.isEmpty
  }

  /// Marks the locked job done with the run it wrote (inside the finishing transaction).
  public func markDone(_ claim: Claim, runID: String) throws {
    try db.execute(
      """
      UPDATE seismo.jobs SET status = 'done', run_id = $2, finished_at = now(), lease_until = NULL, last_error = NULL
      WHERE id = $1::bigint
      """, [String(claim.id), runID])
  }

  /// What became of a failed attempt.
  public enum Outcome: String, Sendable {
    /// Queued again, to be claimed after the back-off.
    case retrying
    /// Failed for good: the error cannot go away by retrying, or the attempts are used up.
    case failed
    /// The claim no longer held; nothing was changed.
    case lost
  }

  /// Records a failed attempt: queued again after `backoff(attempt)` seconds, or failed for good
  /// when `permanent` or when this was the last attempt. The error is kept in `last_error`.
  public func fail(_ claim: Claim, worker: String, error: String, permanent: Bool, backoff: Double) throws -> Outcome {
    let final = permanent || claim.attempt >= claim.maxAttempts
    let changed = try db.execute(
      """
      UPDATE seismo.jobs
      SET status = CASE WHEN $4::boolean THEN 'failed' ELSE 'queued' END, last_error = $5, lease_until = NULL,
          run_after = now() + $6::float8 * interval '1 second', finished_at = CASE WHEN $4::boolean THEN now() END
      WHERE id = $1::bigint AND worker = $2 AND attempts = $3::integer AND status = 'running'
      """, [String(claim.id), worker, String(claim.attempt), final ? "true" : "false", error, String(backoff)]
    ).affectedRows
    return changed == 0 ? .lost : final ? .failed : .retrying
  }

  /// Seconds to wait before attempt `attempt + 1`: `base`, doubling per attempt, at most an hour.
  public static func backoff(after attempt: Int, base: Double) -> Double {
    min(3600, base * pow(2, Double(max(0, attempt - 1))))
  }

  /// True while any job is queued or running: work a `--exit-when-done` worker waits for.
  public func hasUnfinishedJobs() throws -> Bool {
    try db.execute("SELECT EXISTS (SELECT 1 FROM seismo.jobs WHERE status IN ('queued', 'running'))").rows.first?.first
      == "t"
  }

  /// Enqueues `config` (jsonb text) once per indicator, or once when `indicators` is empty, with
  /// `seismo.enqueue`; returns the group id.
  public func enqueue(config: String, indicators: [String], maxAttempts: Int, group: String?) throws -> String {
    guard
      let id = try db.execute(
        "SELECT seismo.enqueue($1::jsonb, $2::text[], $3::integer, $4)",
        [config, indicators.isEmpty ? nil : PGText.array(indicators), String(maxAttempts), group]
      ).rows.first?.first ?? nil
    else { throw SeismoError.database("postgres: seismo.enqueue returned no group id") }
    return id
  }
}
