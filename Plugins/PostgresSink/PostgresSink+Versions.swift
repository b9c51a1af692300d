import SeismoCore
import SeismoPostgres

extension PostgresSink {
  /// A threshold version's cut-off of each of a run's rows from `firstRow` on (infinity: none
  /// yet, stored as NULL), with the rows' stored scores (an ensemble's, its margins); under a
  /// version that re-cut an ensemble's members, also each row's margin (its score under the
  /// version) and the members' cut-offs, member-major.
  public struct VersionCuts: Sendable {
    public var firstRow: Int
    public var cutoffs: [Float]
    public var scores: [Float]
    public var margins: [Float]?
    public var memberCutoffs: [[Float]]?

    public init(
      firstRow: Int, cutoffs: [Float], scores: [Float], margins: [Float]? = nil, memberCutoffs: [[Float]]? = nil
    ) {
      precondition(scores.count == cutoffs.count, "a score for each cut-off")
      self.firstRow = firstRow
      self.cutoffs = cutoffs
      self.scores = scores
      self.margins = margins
      self.memberCutoffs = memberCutoffs
    }

    /// Whether the version flags its `i`th row, as seismo.threshold_cutoffs keeps it
    /// (`flagged`) and seismo.judged_scores compares: the row's score under the version (its
    /// margin, or else its stored score) above its cut-off as PostgreSQL orders reals (NaN
    /// above every number); never without a finite cut-off (stored as NULL).
    public func flags(_ i: Int) -> Bool {
      let score = margins?[i] ?? scores[i]
      return cutoffs[i].isFinite && (score.isNaN || score > cutoffs[i])
    }

    /// How many rows the version flags.
    public var flaggedCount: Int { cutoffs.indices.count(where: flags) }

    /// These cuts of the rows from series row `row` on (at least `firstRow`).
    func fromRow(_ row: Int) -> VersionCuts {
      let skipped = min(max(0, row - firstRow), cutoffs.count)
      return VersionCuts(
        firstRow: firstRow + skipped, cutoffs: Array(cutoffs.dropFirst(skipped)), scores: Array(scores.dropFirst(skipped)),
        margins: margins.map { Array($0.dropFirst(skipped)) },
        memberCutoffs: memberCutoffs.map { $0.map { Array($0.dropFirst(skipped)) } })
    }
  }

  /// The cut-offs a per-row version keeps, read back (`storedCuts`): each row's from the
  /// version's first row on (infinity: none yet) and, when it re-cut an ensemble's members, the
  /// members' (member-major).
  public struct KeptCuts: Sendable {
    public var cutoffs: [Float]
    public var memberCutoffs: [[Float]]?
  }

  /// A run's threshold version with a cut-off per row (one `rethreshold` made): its rule, as
  /// stored in seismo.threshold_versions, and the rows it covers, `count` rows from `firstRow` on.
  public struct PerRowVersion: Sendable {
    public var number: Int
    public var plugin: String
    /// The rule's parameters as JSON (an ensemble's re-cut: its members' rules, a list).
    public var parameters: String
    public var firstRow: Int
    public var count: Int
  }

  /// Cuts the stored rows of run `runID` by per-row `version`'s rule, as `rethreshold` cut them,
  /// on `db` inside the caller's transaction (the rows just appended included): every row from
  /// the first it has no cut-off of on, and any number of rows before it (all of them, or those
  /// after the last the caller cut itself). The caller knows the threshold rules; the sink does
  /// not. Throws `SeismoError.invalidInput` with the reason when the rule cannot cut them.
  public typealias VersionCutter = (_ runID: String, _ version: PerRowVersion, _ db: PGConnection) throws -> VersionCuts

  /// Rows as a run's later threshold version judges them (as seismo.anomalies lists them): its
  /// number, and each row's score under it (an ensemble's margin over its cut-offs), cut-off
  /// (infinity: none yet) and, for an ensemble, the members that flag it (from 1), in row order.
  public struct LatestJudgement: Sendable {
    public var version: Int
    public var scores: [Float]
    public var cutoffs: [Float]
    public var flaggedBy: [[Int]]?

    /// How many of the rows are flagged: their score above their cut-off.
    public var anomalies: Int { zip(scores, cutoffs).filter { $0 > $1 }.count }
  }

  /// Run `id`'s series rows `rows` as its latest threshold version, `version`, judges them
  /// (seismo.judged_scores), `members` the run's members.
  static func judged(ofRun id: String, rows: ClosedRange<Int>, version: Int, members: Int, on db: PGConnection) throws
    -> LatestJudgement
  {
    var judged = LatestJudgement(version: version, scores: [], cutoffs: [], flaggedBy: members > 1 ? [] : nil)
    for row in try db.execute(judgedRowsQuery(members: members), [id, String(rows.lowerBound), String(rows.upperBound)]).rows {
      guard let score = row[0].flatMap(Float.init) else {
        throw SeismoError.database("postgres: run \(id) has an appended row without its score")
      }
      judged.scores.append(score)
      judged.cutoffs.append(row[1].flatMap(Float.init) ?? .infinity)  // NULL: no cut-off yet
      judged.flaggedBy?.append(row.count > 2 ? row[2].map(members(flagging:)) ?? [] : [])
    }
    return judged
  }

  /// Run `$1`'s rows from series row `$2` through `$3` as seismo.judged_scores judges them: score
  /// and cut-off, and for an ensemble of `members`, the members that flag each. Both ends bound
  /// the read, as in `flaggedRowsQuery`: the view's per-row cut-offs are then read by their keys.
  static func judgedRowsQuery(members: Int) -> String {
    """
    SELECT j.score::text, j.cut::text\(members > 1 ? ", \(flaggingMembers)" : "") FROM seismo.judged_scores j
    WHERE j.run = (SELECT $1::bigint) AND j.row_no BETWEEN $2::integer AND $3::integer ORDER BY j.row_no
    """
  }

  /// Why a run's latest per-row version still has no cut-off of some appended rows, which the run's
  /// own threshold judges instead.
  public struct UncoveredVersion: Sendable {
    public var number: Int
    public var reason: String
  }

  /// Run `runID`'s per-row `version`'s stored cut-offs (infinity where it has none), with its
  /// `members` members' cut-offs when it re-cut them (an ensemble's; nil when it kept none), read
  /// on `db` inside the caller's transaction through a cursor, 50,000 rows a fetch (a row at a
  /// time, a call of `score --new-rows` on a run of 1,000,000 rows took 0.4 s longer). Throws
  /// `SeismoError.invalidInput` when it lacks some of the rows it covers.
  public static func storedCuts(
    of runID: String, version: PerRowVersion, members: Int, on db: PGConnection
  ) throws -> KeptCuts {
    var cutoffs: [Float] = []
    var own: [[Float]]? = members > 1 ? Array(repeating: [], count: members) : nil
    cutoffs.reserveCapacity(version.count)
    var next = version.firstRow
    try db.forEachFloat8Row(
      """
      SELECT row_no::float8, cut::float8\(members > 1 ? ", member_cutoffs" : "") FROM seismo.threshold_cutoffs
      WHERE run = (SELECT id FROM seismo.runs WHERE run_id = $1) AND version = $2::integer
      ORDER BY threshold_cutoffs.row_no  -- the column, in its key's order (`row_no` is the float8)
      """, [runID, String(version.number)], fetching: 50_000
    ) { row in
      guard row[0].map(Int.init) == next else {
        throw SeismoError.invalidInput("it lacks the cut-off of row \(next + 1) of those it covers")
      }
      next += 1
      cutoffs.append(row[1].map(Float.init) ?? .infinity)  // NULL: no cut-off yet
      // One detector's read has no third column: libpq would make (and drop) an error message
      // for it at every row, 15 % of a call of `score --new-rows` under a version.
      guard own != nil else { return }
      if let rowCutoffs = row.floats(2), rowCutoffs.count == members {
        for k in rowCutoffs.indices { own?[k].append(rowCutoffs[k]) }
      } else {
        own = nil
      }
    }
    guard cutoffs.count == version.count else {
      throw SeismoError.invalidInput("it keeps \(cutoffs.count) cut-offs of the \(version.count) rows it covers")
    }
    return KeptCuts(cutoffs: cutoffs, memberCutoffs: own)
  }

  /// Stores `cuts` as threshold version `version`'s per-row cut-offs of run `id`, a row each in
  /// seismo.threshold_cutoffs, inside the caller's transaction. The version's row is locked
  /// against deletion until it ends (the table has no foreign key to it: schema version 19).
  /// - Throws: `SeismoError.state` when run `id` has no such version.
  public static func insertCuts(_ cuts: VersionCuts, run id: String, version: Int, on db: PGConnection) throws {
    guard !cuts.cutoffs.isEmpty else { return }
    guard let run = Int64(id) else { throw SeismoError.state("run id \(id) is not a number") }
    let found = try db.execute(
      "SELECT 1 FROM seismo.threshold_versions WHERE run = $1::bigint AND version = $2::integer FOR KEY SHARE",
      [id, String(version)])
    guard !found.rows.isEmpty else {
      throw SeismoError.state(
        "threshold version \(version) is no longer stored (its run deleted meanwhile?): its cut-offs were not stored")
    }
    // Binary COPY, 10,000 rows a chunk: no number printed or parsed. With an INSERT of unnested
    // text arrays, `rethreshold` of 1,000,000 rows took 3.8 s, against 3.1.
    let rows = cuts.cutoffs.count
    let rowsPerChunk = 10_000
    let members = cuts.memberCutoffs?.count ?? 0
    let chunks = stride(from: 0, to: rows, by: rowsPerChunk).lazy.map { start in
      var copy = start == 0 ? PGBinaryCopy.start() : PGBinaryCopy.chunk(capacity: rowsPerChunk * (51 + 8 * members))
      for i in start..<min(start + rowsPerChunk, rows) {
        copy.row(fields: 7)
        copy.int64(run)
        copy.int32(Int32(version))
        copy.int32(Int32(cuts.firstRow + i))
        if cuts.cutoffs[i].isFinite { copy.float4(cuts.cutoffs[i]) } else { copy.null() }  // NULL: no cut-off yet
        if let margins = cuts.margins { copy.float4(margins[i]) } else { copy.null() }
        if let own = cuts.memberCutoffs { copy.float4Array(count: members) { own[$0][i] } } else { copy.null() }
        copy.bool(cuts.flags(i))
      }
      if start + rowsPerChunk >= rows { copy.finish() }
      return copy.bytes
    }
    try db.copy(
      "COPY seismo.threshold_cutoffs (run, version, row_no, cut, margin, member_cutoffs, flagged) FROM STDIN (FORMAT binary)",
      byteChunks: chunks)
  }

  /// Extends run `run.id`'s per-row `version` over its stored rows up to series row `lastRow`
  /// that it has no cut-off of (from `version.firstRow + version.count` on), by `cutter`, inside
  /// the caller's transaction, the run locked.
  /// - Returns: nil, or why it could not.
  static func extend(
    _ version: PerRowVersion, ofRun run: (runID: String, id: String), through lastRow: Int, by cutter: VersionCutter,
    on db: PGConnection
  ) throws -> UncoveredVersion? {
    let first = version.firstRow + version.count
    let cuts: VersionCuts
    do {
      cuts = try cutter(run.runID, version, db)
    } catch SeismoError.invalidInput(let why) {
      return UncoveredVersion(number: version.number, reason: why)
    }
    guard version.firstRow <= cuts.firstRow, cuts.firstRow <= first, cuts.firstRow + cuts.cutoffs.count > lastRow else {
      throw SeismoError.state(
        "run '\(run.runID)': threshold version \(version.number) cut rows \(cuts.firstRow + 1) to \(cuts.firstRow + cuts.cutoffs.count) anew, not its rows \(first + 1) to \(lastRow + 1)"
      )
    }
    try insertCuts(cuts.fromRow(first), run: run.id, version: version.number, on: db)
    try db.execute(
      "UPDATE seismo.threshold_versions SET cutoff_count = $3::integer WHERE run = $1::bigint AND version = $2::integer",
      [run.id, String(version.number), String(cuts.firstRow + cuts.cutoffs.count - version.firstRow)])
    return nil
  }
}
