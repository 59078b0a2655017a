/// A gettext `.po` file is malformed or cannot be read: the file, the line (1-based, when known) and why.
public struct CatalogFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int?
    public let reason: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(reason)" }
}

/// One entry of a `.po` file.
struct POEntry: Sendable, Equatable {
    var context: String?
    var id: String
    var text: String
    /// The `#.` comments, one element a line, without the `#. `.
    var extractedComments: [String]
    /// The line of its `msgid`.
    var line: Int
}

/// A reader for the part of gettext's `.po` format that a catalog needs: comments (`#…`, `#.` kept),
/// `msgctxt`, `msgid`, `msgstr`, strings continued on following `"…"` lines, the escapes `\n \t \r \" \\`.
/// Plural entries and obsolete (`#~`) entries are not supported (`#~` lines are skipped as comments).
enum PO {
    static func parse(_ text: String, file: String) throws(CatalogFileError) -> [POEntry] {
        enum Field { case context, id, text }
        var entries: [POEntry] = []
        var context: String?, id: String?, msgstr: String?
        var comments: [String] = [], pendingComments: [String] = []
        var idLine = 0
        var last: Field?

        func fail(_ line: Int, _ reason: String) -> CatalogFileError {
            CatalogFileError(file: file, line: line, reason: reason)
        }
        func flush() throws(CatalogFileError) {
            guard let currentID = id else {
                if context != nil { throw fail(idLine, "msgctxt without msgid") }
                return
            }
            guard let currentText = msgstr else { throw fail(idLine, "msgid \"\(currentID)\" without msgstr") }
            entries.append(POEntry(context: context, id: currentID, text: currentText, extractedComments: comments, line: idLine))
            context = nil; id = nil; msgstr = nil; comments = []; last = nil
        }

        var number = 0
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            var line = Substring(rawLine)
            if number == 1, line.first == "\u{FEFF}" { line = line.dropFirst() }
            line = line.drop { $0 == " " || $0 == "\t" }
            while let c = line.last, c == " " || c == "\t" { line = line.dropLast() }

            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                if line.hasPrefix("#.") {
                    var comment = line.dropFirst(2)
                    if comment.first == " " { comment = comment.dropFirst() }
                    pendingComments.append(String(comment))
                }
                continue
            }
            if line.hasPrefix("\"") {
                let value = try unquote(line, number, fail)
                switch last {
                case .context: context! += value
                case .id: id! += value
                case .text: msgstr! += value
                case nil: throw fail(number, "a string continues nothing (it must follow msgctxt, msgid or msgstr)")
                }
                continue
            }
            let keyword = line.prefix { $0 != " " && $0 != "\t" && $0 != "\"" }
            let rest = line.dropFirst(keyword.count).drop { $0 == " " || $0 == "\t" }
            switch keyword {
            case "msgctxt":
                try flush()
                context = try unquote(rest, number, fail); last = .context; idLine = number
            case "msgid":
                if msgstr != nil { try flush() }
                if id != nil { throw fail(number, "msgid after msgid \"\(id!)\" without msgstr") }
                id = try unquote(rest, number, fail); last = .id; idLine = number
                comments = pendingComments; pendingComments = []
            case "msgstr":
                guard id != nil else { throw fail(number, "msgstr without msgid") }
                guard msgstr == nil else { throw fail(number, "a second msgstr for msgid \"\(id!)\"") }
                msgstr = try unquote(rest, number, fail); last = .text
            case _ where keyword == "msgid_plural" || keyword.hasPrefix("msgstr["):
                throw fail(number, "plural entries (\(keyword)) are not supported")
            default:
                throw fail(number, "expected msgctxt, msgid, msgstr, a \"string\" or a # comment, found \"\(line.prefix(40))\"")
            }
        }
        try flush()
        return entries
    }

    /// The value of `"…"` (the whole of `quoted` after trimming), escapes resolved.
    private static func unquote(
        _ quoted: Substring, _ line: Int, _ fail: (Int, String) -> CatalogFileError
    ) throws(CatalogFileError) -> String {
        guard quoted.first == "\"" else { throw fail(line, "expected a string in double quotes") }
        var value = ""
        var i = quoted.index(after: quoted.startIndex)
        while i < quoted.endIndex {
            let c = quoted[i]
            if c == "\"" {
                guard quoted.index(after: i) == quoted.endIndex else {
                    throw fail(line, "text after the closing quote (a quote inside a string is written \\\")")
                }
                return value
            }
            if c == "\\" {
                i = quoted.index(after: i)
                guard i < quoted.endIndex else { break }
                switch quoted[i] {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "\"": value.append("\"")
                case "\\": value.append("\\")
                default: throw fail(line, "unknown escape \\\(quoted[i])")
                }
            } else {
                value.append(c)
            }
            i = quoted.index(after: i)
        }
        throw fail(line, "string without its closing quote")
    }
}
