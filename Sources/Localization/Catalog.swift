import Foundation

/// The messages of one language: texts by stable key (`map.caution`), with named `{placeholders}`.
public struct Catalog: Sendable {
    public let language: Language
    /// Text by key; an empty text is untranslated.
    let messages: [String: String]
    /// English, for keys this catalog lacks (or leaves untranslated); empty for English itself.
    let fallback: [String: String]

    init(language: Language, messages: [String: String], fallback: [String: String] = [:]) {
        self.language = language
        self.messages = messages
        self.fallback = fallback
    }

    /// The catalog of `language` from the resource folder, with English behind it for missing keys.
    public static func load(_ language: Language) throws -> Catalog {
        let folder = try CatalogFolder.locate()
        let own = try read(language, in: folder)
        guard language != .en else { return own }
        return Catalog(language: language, messages: own.messages, fallback: try read(.en, in: folder).messages)
    }

    /// A catalog from the text of a `.po` file (`file` names it in errors). No English behind it: a missing
    /// key reads as the key itself.
    public static func parse(poText: String, language: Language, file: String) throws -> Catalog {
        var messages: [String: String] = [:]
        var lines: [String: Int] = [:]
        for entry in try PO.parse(poText, file: file) {
            if entry.id.isEmpty {
                try checkHeader(entry, language: language, file: file)
                continue
            }
            if let first = lines[entry.id] {
                throw CatalogFileError(file: file, line: entry.line, reason: "key \"\(entry.id)\" again (first on line \(first))")
            }
            messages[entry.id] = entry.text
            lines[entry.id] = entry.line
        }
        return Catalog(language: language, messages: messages)
    }

    /// The keys this catalog has (untranslated ones included).
    public var keys: Set<String> { Set(messages.keys) }

    public func has(_ key: String) -> Bool { messages[key] != nil }

    /// The message with {placeholders} replaced; a missing key returns the English text if English has it,
    /// else the key itself (never traps). An argument that is not used is ignored; a placeholder without an
    /// argument stays as {name}.
    public func text(_ key: String, _ arguments: [String: String] = [:]) -> String {
        let message = [messages[key], fallback[key]].lazy.compactMap { $0 }.first { !$0.isEmpty } ?? key
        return Placeholders.fill(message, defaults.merging(arguments) { $1 })
    }

    /// Arguments every message gets unless the call gives its own (the number 100,000 as the reader's
    /// number style writes it: `{n100k}`).
    public private(set) var defaults: [String: String] = [:]

    /// This catalog, with `{n100k}` written in `numbers`' style.
    public func writingNumbers(_ numbers: NumberStyle) -> Catalog {
        var copy = self
        copy.defaults["n100k"] = numbers.format(100_000, decimals: 0)
        return copy
    }

    /// The names of the {placeholders} in `message`.
    public static func placeholders(in message: String) -> Set<String> {
        Set(Placeholders.scan(message).compactMap { if case .placeholder(let name) = $0 { name } else { nil } })
    }

    private static func read(_ language: Language, in folder: URL) throws -> Catalog {
        let url = folder.appendingPathComponent("\(language.rawValue).po")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CatalogFileError(file: url.path, line: nil, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CatalogFileError(file: url.path, line: nil, reason: "is not UTF-8")
        }
        return try parse(poText: text, language: language, file: url.path)
    }

    /// The header entry (`msgid ""`): if it names a language or a charset, they must be this one and UTF-8.
    private static func checkHeader(_ entry: POEntry, language: Language, file: String) throws {
        for field in entry.text.split(separator: "\n") {
            let parts = field.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            if name == "language", !value.isEmpty, Language(code: value) != language {
                throw CatalogFileError(file: file, line: entry.line, reason: "header says Language: \(value), expected \(language.rawValue)")
            }
            if name == "content-type", let charset = value.range(of: "charset=", options: .caseInsensitive),
                !["utf-8", "utf8"].contains(value[charset.upperBound...].lowercased())
            {
                throw CatalogFileError(file: file, line: entry.line, reason: "header says \(value), expected charset=UTF-8")
            }
        }
    }
}

/// `{name}` placeholders: a name is letters, digits and `_`; any other brace is text.
enum Placeholders {
    enum Piece: Equatable { case text(Substring), placeholder(String) }

    static func scan(_ message: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = message[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            let name = rest[after...].prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
            if !name.isEmpty, name.endIndex < rest.endIndex, rest[name.endIndex] == "}" {
                pieces.append(.text(rest[..<open]))
                pieces.append(.placeholder(String(name)))
                rest = rest[rest.index(after: name.endIndex)...]
            } else {
                pieces.append(.text(rest[...open]))
                rest = rest[after...]
            }
        }
        pieces.append(.text(rest))
        return pieces
    }

    /// One pass: a value that contains `{x}` is not filled in again.
    static func fill(_ message: String, _ arguments: [String: String]) -> String {
        guard message.contains("{") else { return message }
        return scan(message).map {
            switch $0 {
            case .text(let s): String(s)
            case .placeholder(let name): arguments[name] ?? "{\(name)}"
            }
        }.joined()
    }
}
