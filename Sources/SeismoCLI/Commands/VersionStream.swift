import PostgresSink
import SeismoCore
import SeismoPostgres

/// A run's per-row threshold version's rule, kept where it last cut the run's rows: the
/// `VersionCutter` that `score --new-rows` and `watch` extend the version with. A watcher's
/// batch then cuts only the rows it appends, not every stored row again from the version's
/// stored cut-offs (reading the run's scores and the cut-offs, and replaying the rule over them,
/// takes time in the run's rows).
///
/// What it keeps holds for one version, one fold and the rows it cut itself: a later version, a
/// refit (a fold calibrated anew), or rows without a cut-off before those it would cut next
/// (another scorer's append that could not cut them, or one of its own whose transaction did
/// not land) make it cut every stored row again, as a fresh `Recut` does, and keep that.
final class VersionStream {
  /// The rule where it stopped: the version it cut, the run's fold count then, and the series
  /// row after the last it cut.
  private struct Kept {
    var version: PostgresSink.PerRowVersion
    var folds: Int
    var nextRow: Int
    var next: Recut.Continuation

    /// How many members' scores the rule reads: an ensemble's, or one detector's.
    var members: Int {
      if case .members(let members) = next { return members.count }
      return 1
    }

    /// Whether this is still `version`'s rule, on the same fold, with no row uncut before its
    /// next one.
    func goesOn(_ version: PostgresSink.PerRowVersion, folds: Int) -> Bool {
      version.number == self.version.number && version.plugin == self.version.plugin
        && version.parameters == self.version.parameters && version.firstRow == self.version.firstRow
        && folds == self.folds && nextRow <= version.firstRow + version.count
    }
  }

  private var kept: Kept?
  /// The run's stored scores as its reader read them, after which the next cut, when it cuts
  /// every row, reads only the rows stored since (otherwise it reads them all).
  private var read: PostgresSink.StoredScores?

  /// Hands over the run's stored scores as the reader read them (`storedScores`, with the run's
  /// members'), for the next cut of every row.
  func know(_ stored: PostgresSink.StoredScores?) { read = stored }

  /// Run `runID`'s stored rows cut by per-row `version`'s rule, as `rethreshold` cut them, from
  /// the row after the last this cut when it goes on from there, else every row (the sink's
  /// `VersionCutter`, inside its transaction on `db`).
  func cut(_ runID: String, by version: PostgresSink.PerRowVersion, on db: PGConnection) throws
    -> PostgresSink.VersionCuts
  {
    defer { read = nil }  // read before this cut; later ones read the rows stored since
    let folds = try PostgresSink.storedCalibration(of: runID, on: db).folds
    if var kept, kept.goesOn(version, folds: folds),
      let later = try PostgresSink.storedScores(of: runID, members: kept.members, from: kept.nextRow, on: db),
      later.firstRow == kept.nextRow, later.isContiguous
    {
      let cuts = try kept.next.cut(later)
      kept.nextRow = later.lastRow + 1
      self.kept = kept
      return cuts
    }
    kept = nil
    let recut = try Recut(runID, continuing: version, after: read, on: db)
    kept = recut.next.map {
      Kept(version: version, folds: folds, nextRow: recut.cuts.firstRow + recut.cuts.cutoffs.count, next: $0)
    }
    return recut.cuts
  }
}
