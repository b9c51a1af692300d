import Foundation
import SeismoSupport
import Testing

@testable import CSVSource

/// The plain decimals the collector reads without `strtof`/`strtod` are the numbers those give,
/// bit for bit; every other cell is left to them.
@Suite struct PlainDecimalTests {
  func plain<Value: CSVNumber>(_ text: String, as _: Value.Type) -> Value? {
    Array(text.utf8).withUnsafeBufferPointer { Value.plainDecimal($0, from: 0) }
  }

  func parsed<Value: CSVNumber>(_ text: String, as _: Value.Type) -> Value {
    var end: UnsafeMutablePointer<CChar>?
    return text.withCString { Value.parse($0, &end) }
  }

  @Test func marketCellsAreReadAsStrtofReadsThem() {
    for cell in ["-0.12345", "1234.5", "0.1", "16777216", "+7", ".5", "5.", "-0", "0.0000000001", "12.5\r", "3.25  "] {
      let value = plain(cell, as: Float.self)
      #expect(value?.bitPattern == parsed(cell, as: Float.self).bitPattern, "\(cell)")
    }
    #expect(plain("-0", as: Float.self)?.sign == .minus)
  }

  @Test func otherCellsAreLeftToStrtof() {
    // An exponent, more digits or decimals than the type holds exactly, marks and text.
    for cell in ["1e5", "16777217", "0.00000000001", "nan", "inf", "0x1p3", "1.2.3", "--5", "+", ".", "", "1 2", "$5", "5%"] {
      #expect(plain(cell, as: Float.self) == nil, "\(cell)")
    }
    #expect(plain("0.00000000001", as: Double.self) != nil)  // a double holds 10^11
  }

  @Test(arguments: 0..<20)
  func randomDecimalsAgreeWithTheCParsers(seed: Int) {
    var generator = SeededGenerator(seed: UInt64(seed))
    func digits(_ most: Int) -> String {
      String((0..<Int.random(in: 0...most, using: &generator)).map { _ in "0123456789".randomElement(using: &generator)! })
    }
    var read = 0
    for _ in 0..<5_000 {
      let sign = ["", "-", "+"].randomElement(using: &generator)!
      let cell = sign + digits(12) + (Bool.random(using: &generator) ? "." + digits(14) : "")
      if let value = plain(cell, as: Float.self) {
        read += 1
        #expect(value.bitPattern == parsed(cell, as: Float.self).bitPattern, "\(cell)")
      }
      if let value = plain(cell, as: Double.self) {
        #expect(value.bitPattern == parsed(cell, as: Double.self).bitPattern, "\(cell)")
      }
    }
    #expect(read > 500)  // the fast path is taken, not only declined
  }
}
