import Foundation
import SeismoSupport
import Testing

@testable import SeismoCore

/// The decimals read without `strtof`/`strtod` are the numbers those give, bit for bit; every
/// other cell is left to them.
@Suite struct ExactDecimalTests {
  func float(_ text: String) -> Float? { Array(text.utf8).withUnsafeBufferPointer { ExactDecimal.float($0) } }
  func double(_ text: String) -> Double? { Array(text.utf8).withUnsafeBufferPointer { ExactDecimal.double($0) } }
  func strtofValue(_ text: String) -> Float { text.withCString { strtof($0, nil) } }
  func strtodValue(_ text: String) -> Double { text.withCString { strtod($0, nil) } }

  @Test func cellsAreReadAsTheCParsersReadThem() {
    let cells = [
      "-0.12345", "1234.5", "0.1", "16777216", "+7", ".5", "5.", "-0", "0.0000000001", "1e5", "1E+5", "2.5e-3",
      "1.2345678e-05", "-9.999999e+28", "0.0123456789", "123456789.123", "9007199254740992", "1e22", "1e-22",
      "000012.5",
    ]
    for cell in cells {
      #expect(float(cell)?.bitPattern == strtofValue(cell).bitPattern, "\(cell)")
      #expect(double(cell)?.bitPattern == strtodValue(cell).bitPattern, "\(cell)")
    }
    #expect(float("-0")?.sign == .minus)
  }

  @Test func otherCellsAreLeftToTheCParsers() {
    // More digits or a larger power than a double holds exactly, more than 19 digits (leading
    // zeros count), blanks, marks, text, and an exponent without digits or with more than 4.
    for cell in [
      "9007199254740993", "12345678901234567890", "1e23", "1e-23", "0e99999", "1e", "1e+", "nan", "inf", "0x1p3", "1.2.3",
      "--5", "+", ".", "", " 1", "1 ", "1\r", "1 2", "$5", "5%", "1e5.5", "00000000000000000012.5",
    ] {
      #expect(double(cell) == nil, "\(cell)")
      #expect(float(cell) == nil, "\(cell)")
    }
  }

  /// 16777217 is 2²⁴ + 1, halfway between the floats 16777216 and 16777218: a double holds it,
  /// and only `strtof` knows that it rounds to the even one.
  @Test func aFloatHalfwayBetweenTwoIsLeftToStrtof() {
    #expect(double("16777217") == 16_777_217)
    #expect(float("16777217") == nil)
    #expect(float("16777217.5") == 16_777_218)
    #expect(strtofValue("16777217") == 16_777_216)
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
      var cell = sign + digits(12) + (Bool.random(using: &generator) ? "." + digits(14) : "")
      if Bool.random(using: &generator) { cell += "e" + ["", "-", "+"].randomElement(using: &generator)! + digits(3) }
      if let value = float(cell) {
        read += 1
        #expect(value.bitPattern == strtofValue(cell).bitPattern, "\(cell)")
      }
      if let value = double(cell) {
        #expect(value.bitPattern == strtodValue(cell).bitPattern, "\(cell)")
      }
    }
    #expect(read > 1_000)  // the fast path is taken, not only declined
  }

  /// Decimals of 15 and 16 digits near the midpoints between floats, which a double often holds
  /// exactly though the decimal is not the midpoint: where `float` reads them, they are `strtof`'s.
  @Test(arguments: 0..<10)
  func decimalsNearHalfwayBetweenFloatsAgreeWithStrtof(seed: Int) {
    var generator = SeededGenerator(seed: UInt64(1_000 + seed))
    var (read, declined) = (0, 0)
    for _ in 0..<5_000 {
      let below = Float(bitPattern: UInt32.random(in: 0x0080_0000...0x7F00_0000, using: &generator))
      let midpoint = (Double(below) + Double(below.nextUp)) / 2
      let cell = String(format: Bool.random(using: &generator) ? "%.14e" : "%.15e", midpoint)
      guard let value = float(cell) else {
        if double(cell) != nil { declined += 1 }
        continue
      }
      read += 1
      #expect(value.bitPattern == strtofValue(cell).bitPattern, "\(cell)")
    }
    #expect(read > 100)
    #expect(declined > 100)  // the doubles that fell halfway were left to strtof
  }
}
