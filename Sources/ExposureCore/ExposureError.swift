/// A problem with the user's input or request, phrased for the user: what is wrong and with which file.
public struct ExposureError: Error, CustomStringConvertible, Sendable, Equatable {
    public let path: String?
    public let message: String

    public init(_ message: String, path: String? = nil) {
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
