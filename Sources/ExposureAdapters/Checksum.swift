import CCrypto
import ExposureCore
import Foundation

/// SHA-256 of a file, read in pieces (inputs can be gigabytes), with the system's libcrypto (OpenSSL's EVP
/// digest API, which libgdal already links).
public func sha256(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw ExposureError("cannot be read to compute its checksum", path: path)
    }
    defer { try? handle.close() }
    guard let context = EVP_MD_CTX_new() else { throw ExposureError("libcrypto could not allocate a digest context") }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
        throw ExposureError("libcrypto could not start a SHA-256 digest")
    }
    while let data = try handle.read(upToCount: 4 << 20), !data.isEmpty {
        let ok = data.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        guard ok == 1 else { throw ExposureError("libcrypto failed while computing the SHA-256 checksum", path: path) }
    }
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else {
        throw ExposureError("libcrypto could not finish the SHA-256 checksum", path: path)
    }
    return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
}
