import Foundation
import SeismoCore
import SeismoSupport

/// A random series of a few symbols, each with its own days (holes, a late start, an early end),
/// some cells empty and, with `duplicates` other than `error`, some days written twice; and the
/// texts of its layouts: a file per symbol, a long file, a wide file. Tests load the layouts and
/// compare them (`LoadOutcome`).
public struct RandomSeries: CustomStringConvertible {
  public var symbols: [String]
  public var columns: [String]
  /// Per symbol: its rows, each a day and a cell per column ("" for an empty one).
  public var rows: [[(day: Int, cells: [String])]]
  public var gaps: String
  public var duplicates: String

  /// The case of `seed`, with `valueColumns` (1 or 2) when given, and a `duplicates` policy
  /// among those given.
  public init(seed: UInt64, valueColumns: Int? = nil, duplicates policies: [String] = ["error", "first", "last", "mean"]) {
    var random = SeededGenerator(seed: seed)
    let symbolCount = Int.random(in: 1...4, using: &random)
    symbols = (0..<symbolCount).map { "S\($0)" }
    let two = Bool.random(using: &random)
    columns = (valueColumns.map { $0 == 2 } ?? two) ? ["open", "close"] : ["close"]
    gaps = ["ffill", "drop"].randomElement(using: &random)!
    duplicates = policies.randomElement(using: &random)!
    let days = Int.random(in: 3...30, using: &random)
    let emptyChance = [0.0, 0.05, 0.2].randomElement(using: &random)!
    let repeatChance = duplicates == "error" ? 0 : [0.0, 0.1].randomElement(using: &random)!
    let columnCount = columns.count
    rows = symbols.map { _ in
      // A run of days with holes, starting in the first third and ending in the last (now
      // and then a short one anywhere, which may share no day with the others).
      let short = Double.random(in: 0..<1, using: &random) < 0.1
      let first = Int.random(in: 1...(short ? days : max(1, days / 3)), using: &random)
      let last = Int.random(in: (short ? first : max(first, 2 * days / 3))...days, using: &random)
      var own: [(day: Int, cells: [String])] = []
      for day in first...last where day == first || Double.random(in: 0..<1, using: &random) > 0.15 {
        for _ in 0..<(Double.random(in: 0..<1, using: &random) < repeatChance ? 2 : 1) {
          let cells = (0..<columnCount).map { _ in
            Double.random(in: 0..<1, using: &random) < emptyChance
              ? "" : String(Int.random(in: -50...50, using: &random)) + "." + String(Int.random(in: 0...99, using: &random))
          }
          own.append((day, cells))
        }
      }
      return own
    }
  }

  public var description: String {
    "\(symbols.count) symbols, columns \(columns), gaps \(gaps), duplicates \(duplicates), rows \(rows.map(\.count))"
  }

  public static func date(_ day: Int) -> String { String(format: "2020-01-%02d", day) }

  /// Each symbol's file: `date` and a column per feature, named as the long layout names them.
  public func symbolFile(_ s: Int) -> String {
    let header = "date," + features(of: s).joined(separator: ",")
    return ([header] + rows[s].map { Self.date($0.day) + "," + $0.cells.joined(separator: ",") }).joined(separator: "\n")
      + "\n"
  }

  /// The long file: date, the value columns, the symbol; rows in time order (each day's
  /// symbols in a random order), or shuffled whole. A symbol's rows of one day keep their
  /// order, which `first` and `last` read.
  public func longFile(shuffled: Bool, seed: UInt64) -> String {
    var random = SeededGenerator(seed: seed)
    let written = symbols.indices.flatMap { s in
      rows[s].map {
        (day: $0.day, key: "\(s) \($0.day)", text: Self.date($0.day) + "," + $0.cells.joined(separator: ",") + "," + symbols[s])
      }
    }
    var order = written.indices.shuffled(using: &random)
    if !shuffled { order.sort { written[$0].day < written[$1].day } }
    // The k-th row of a symbol's day in the new order is its k-th as written.
    let texts = Dictionary(grouping: written, by: \.key).mapValues { $0.map(\.text) }
    var taken: [String: Int] = [:]
    let lines = order.map { i in
      let key = written[i].key
      defer { taken[key, default: 0] += 1 }
      return texts[key]![taken[key, default: 0]]
    }
    return (["date," + columns.joined(separator: ",") + ",Name"] + lines).joined(separator: "\n") + "\n"
  }

  /// A wide file, a row per day any symbol has, empty where a symbol lacks the day; nil when
  /// a symbol repeats a day (a wide row cannot repeat one symbol's day alone).
  public var wideFile: String? {
    guard rows.allSatisfy({ Set($0.map(\.day)).count == $0.count }) else { return nil }
    let days = Set(rows.flatMap { $0.map(\.day) }).sorted()
    let header = "date," + symbols.indices.flatMap(features(of:)).joined(separator: ",")
    let lines = days.map { day in
      Self.date(day) + ","
        + rows.map { own in
          (own.first { $0.day == day }?.cells ?? Array(repeating: "", count: columns.count)).joined(separator: ",")
        }.joined(separator: ",")
    }
    return ([header] + lines).joined(separator: "\n") + "\n"
  }

  public func features(of s: Int) -> [String] { columns.count == 1 ? [symbols[s]] : columns.map { "\(symbols[s])_\($0)" } }
}
