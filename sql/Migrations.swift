/// The results schema's migrations, in order. The SQL lives in `sql/migrations/` and is
/// compiled into the binary, so `seismo db migrate` needs no files at run time.
public enum Migrations {
  public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
  }

  public static let all: [Migration] = [
    Migration(version: 1, name: "results", sql: String(decoding: PackageResources._01_results_sql, as: UTF8.self)),
    Migration(
      version: 2, name: "thresholds_events",
      sql: String(decoding: PackageResources._02_thresholds_events_sql, as: UTF8.self)),
    Migration(
      version: 3, name: "calendar_days", sql: String(decoding: PackageResources._03_calendar_days_sql, as: UTF8.self)),
    Migration(version: 4, name: "run_groups", sql: String(decoding: PackageResources._04_run_groups_sql, as: UTF8.self)),
    Migration(
      version: 5, name: "threshold_versions",
      sql: String(decoding: PackageResources._05_threshold_versions_sql, as: UTF8.self)),
    Migration(version: 6, name: "watch", sql: String(decoding: PackageResources._06_watch_sql, as: UTF8.self)),
    Migration(version: 7, name: "jobs", sql: String(decoding: PackageResources._07_jobs_sql, as: UTF8.self)),
    Migration(
      version: 8, name: "score_partitions",
      sql: String(decoding: PackageResources._08_score_partitions_sql, as: UTF8.self)),
    Migration(
      version: 9, name: "fold_scores", sql: String(decoding: PackageResources._09_fold_scores_sql, as: UTF8.self)),
    Migration(
      version: 10, name: "version_events",
      sql: String(decoding: PackageResources._10_version_events_sql, as: UTF8.self)),
    Migration(
      version: 11, name: "input_digests",
      sql: String(decoding: PackageResources._11_input_digests_sql, as: UTF8.self)),
    Migration(
      version: 12, name: "warmup_digests",
      sql: String(decoding: PackageResources._12_warmup_digests_sql, as: UTF8.self)),
    Migration(
      version: 13, name: "changed_rows",
      sql: String(decoding: PackageResources._13_changed_rows_sql, as: UTF8.self)),
    Migration(
      version: 14, name: "later_warnings",
      sql: String(decoding: PackageResources._14_later_warnings_sql, as: UTF8.self)),
    Migration(
      version: 15, name: "per_run_reads",
      sql: String(decoding: PackageResources._15_per_run_reads_sql, as: UTF8.self)),
    Migration(
      version: 16, name: "version_cutoffs",
      sql: String(decoding: PackageResources._16_version_cutoffs_sql, as: UTF8.self)),
    Migration(
      version: 17, name: "member_scores",
      sql: String(decoding: PackageResources._17_member_scores_sql, as: UTF8.self)),
    Migration(
      version: 18, name: "member_recuts",
      sql: String(decoding: PackageResources._18_member_recuts_sql, as: UTF8.self)),
    Migration(
      version: 19, name: "cutoff_key_once",
      sql: String(decoding: PackageResources._19_cutoff_key_once_sql, as: UTF8.self)),
    Migration(
      version: 20, name: "stored_flags",
      sql: String(decoding: PackageResources._20_stored_flags_sql, as: UTF8.self)),
    Migration(
      version: 21, name: "event_key_once",
      sql: String(decoding: PackageResources._21_event_key_once_sql, as: UTF8.self)),
  ]
}
