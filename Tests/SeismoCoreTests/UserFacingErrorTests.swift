import Testing

@testable import SeismoCore

@Suite struct UserFacingErrorTests {
  @Test func theDatabaseExitsTwoAndEverythingElseOne() {
    let errors: [any UserFacingError] = [
      SeismoError.database("gone"), SeismoError.config(key: "a", location: nil, message: "b"),
      SeismoError.file(path: "p", message: "m"), SeismoError.invalidInput("i"), SeismoError.state("s"),
      SeismoError.data(source: "d", line: 1, column: nil, message: "m"),
    ]
    #expect(errors.map(\.exitStatus) == [2, 1, 1, 1, 1, 1])
    #expect(errors[0].description == "gone")
  }
}
