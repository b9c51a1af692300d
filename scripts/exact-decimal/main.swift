// Reads back the text (`description`) of every float whose bit pattern is `offset` mod `every`
// (all 2³² with the arguments 1 0) with `ExactDecimal.float`, which must give the float itself
// wherever it reads the text without `strtof`: the numbers of scores.csv are written so. Prints
// the counts; exits 1 on any difference. Built by scripts/check-exact-decimal.sh with the file
// it checks.
import Foundation

let every = UInt64(CommandLine.arguments[1])!
let offset = UInt64(CommandLine.arguments[2])!
var (checked, read, wrong) = (0, 0, 0)
var bits = offset
while bits < 1 << 32 {
  let value = Float(bitPattern: UInt32(bits))
  var text = value.description
  if let back = text.withUTF8({ ExactDecimal.float($0) }) {
    read += 1
    if back.bitPattern != value.bitPattern {
      wrong += 1
      if wrong <= 10 { print("differs: \(text) read back as \(back)") }
    }
  }
  checked += 1
  bits += every
}
print("\(checked) floats: \(read) read back without strtof, \(wrong) wrong")
exit(wrong == 0 ? 0 : 1)
