import ExposureAdapters
import ExposureCore
import Foundation
import TestSupport
import Testing

/// The manifests' SHA-256 of input files: the standard's test vectors, and a file of several read buffers
/// against coreutils' sha256sum.
@Suite struct ChecksumTests {
    @Test func knownDigests() throws {
        let dir = try TemporaryDirectory()
        try Data().write(to: dir.url.appendingPathComponent("empty"))
        try Data("abc".utf8).write(to: dir.url.appendingPathComponent("abc"))
        #expect(try sha256(ofFile: dir.path("empty")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try sha256(ofFile: dir.path("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(throws: (any Error).self) { try sha256(ofFile: dir.path("missing")) }
    }

    @Test func aFileOfManyBuffersHasTheDigestOfSha256sum() throws {
        let dir = try TemporaryDirectory()
        var random = SeededGenerator(seed: 9)
        let bytes = (0..<(3 << 20) + 12345).map { _ in UInt8.random(in: 0...255, using: &random) }
        let path = dir.path("data.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(try sha256(ofFile: path) == String(output.prefix(64)))
    }
}
