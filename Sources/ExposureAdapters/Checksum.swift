import CCrypto
import Dispatch
import ExposureCore
import Foundation
import Synchronization

/// SHA-256 of a file, read in pieces (inputs can be gigabytes), with the system's libcrypto (OpenSSL's EVP
/// digest API, which libgdal already links).
public func sha256(ofFile path: String, isCancelled: () -> Bool = { false }) throws -> String {
    let file = open(path, O_RDONLY | O_CLOEXEC)
    guard file >= 0 else {
        throw ExposureError("cannot be read to compute its checksum (\(String(cString: strerror(errno))))", path: path)
    }
    defer { close(file) }
    guard let context = EVP_MD_CTX_new() else { throw ExposureError("libcrypto could not allocate a digest context") }
    defer { EVP_MD_CTX_free(context) }
    guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
        throw ExposureError("libcrypto could not start a SHA-256 digest")
    }
    // One buffer of 1 MB for the whole file: it stays in the core's cache between the read and the digest, and
    // no new memory is faulted in for every piece.
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    while !isCancelled() {
        let count = read(file, buffer.baseAddress, buffer.count)
        if count < 0 {
            if errno == EINTR { continue }
            throw ExposureError("could not be read to compute its checksum (\(String(cString: strerror(errno))))", path: path)
        }
        if count == 0 { break }
        guard EVP_DigestUpdate(context, buffer.baseAddress, count) == 1 else {
            throw ExposureError("libcrypto failed while computing the SHA-256 checksum", path: path)
        }
    }
    if isCancelled() { throw ExposureError("the checksum was not finished (the command stopped)", path: path) }
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else {
        throw ExposureError("libcrypto could not finish the SHA-256 checksum", path: path)
    }
    return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
}

/// SHA-256s of a command's inputs computed on a background thread from the command's start, while it reads
/// the regions and plans (work on one core), so that the manifests written at the end need not hash
/// gigabytes then. Keyed by the file's path, size, modification time and inode: a file replaced meanwhile
/// is hashed again, as it would have been.
public final class ChecksumPrefetch: Sendable {
    public static let shared = ChecksumPrefetch()

    private final class Entry: Sendable {
        let done = DispatchGroup()
        let result = Mutex<Result<String, any Error>?>(nil)
    }
    private let entries = Mutex<[String: Entry]>([:])
    private let cancelled = Mutex(false)

    /// Starts hashing the plain files among `paths` (others, and files already started, are skipped).
    public func start(_ paths: [String]) {
        guard !cancelled.withLock({ $0 }) else { return }
        for path in paths {
            guard let key = ChecksumPrefetch.key(path) else { continue }
            let entry = entries.withLock { entries -> Entry? in
                guard entries[key] == nil else { return nil }
                let entry = Entry()
                entries[key] = entry
                return entry
            }
            guard let entry else { continue }
            entry.done.enter()
            DispatchQueue.global(qos: .utility).async { [self] in
                let result = Result { try sha256(ofFile: path, isCancelled: { self.cancelled.withLock { $0 } }) }
                entry.result.withLock { $0 = result }
                entry.done.leave()
            }
        }
    }

    /// The SHA-256 of `path`: the prefetched one when the file is unchanged since, else computed now.
    public func checksum(_ path: String) throws -> String {
        guard let key = ChecksumPrefetch.key(path), let entry = entries.withLock({ $0[key] }) else {
            return try sha256(ofFile: path)
        }
        entry.done.wait()
        // A prefetch that failed or was cancelled is computed again here, where its error belongs.
        if case .success(let checksum)? = entry.result.withLock({ $0 }) { return checksum }
        return try sha256(ofFile: path)
    }

    /// Stops the hashing still going on and waits for it to stop (within one 4 MB piece): called before the
    /// process exits, since libcrypto is torn down at exit under a thread still using it.
    public func cancelAndWait() {
        cancelled.withLock { $0 = true }
        for entry in entries.withLock({ Array($0.values) }) { entry.done.wait() }
    }

    private static func key(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec):\(path)"
    }
}
