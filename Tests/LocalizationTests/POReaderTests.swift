import Testing

@testable import Localization

@Suite struct POReaderTests {
    @Test func headerCommentsContextMultiLineStringsAndEscapes() throws {
        let text = #"""
            # A translator's comment
            msgid ""
            msgstr ""
            "Language: es-CO\n"
            "Content-Type: text/plain; charset=UTF-8\n"

            #. English: Two
            #. lines
            #: Sources/Somewhere.swift:12
            #, fuzzy
            msgid "a.multi"
            msgstr ""
            "primera línea\n"
            "segunda "   
              "línea"

            msgctxt "ignored"
            msgid "b.escapes"
            msgstr "tab\tquote\" backslash\\ newline\n{x}"
            #~ msgid "obsolete"
            #~ msgstr "old"
            msgid "c.empty"
            msgstr ""
            """#
        let catalog = try Catalog.parse(poText: text, language: .es, file: "t.po")
        #expect(catalog.keys == ["a.multi", "b.escapes", "c.empty"])
        #expect(catalog.messages["a.multi"] == "primera línea\nsegunda línea")
        #expect(catalog.text("b.escapes", ["x": "X"]) == "tab\tquote\" backslash\\ newline\nX")
        #expect(catalog.messages["c.empty"] == "")
        #expect(catalog.text("c.empty") == "c.empty")

        let entries = try PO.parse(text, file: "t.po")
        #expect(entries.map(\.id) == ["", "a.multi", "b.escapes", "c.empty"])
        #expect(entries[1].extractedComments == ["English: Two", "lines"])
        #expect(entries[1].line == 11)
        #expect(entries[2].context == "ignored")
        #expect(entries[3].extractedComments == [])
    }

    @Test func windowsLineEndingsAndAByteOrderMark() throws {
        let text = "\u{FEFF}msgid \"k\"\r\nmsgstr \"\"\r\n\"v1\"\r\n\"v2\"\r\n\r\nmsgid \"l\"\r\nmsgstr \"w\"\r\n"
        let catalog = try Catalog.parse(poText: text, language: .fr, file: "crlf.po")
        #expect(catalog.messages == ["k": "v1v2", "l": "w"])
    }

    /// A malformed file is an error naming the file and the line, never a trap.
    @Test(arguments: [
        ("msgid \"a\"\nmsgstr \"x\"\nmsgstr \"y\"", 3, "second msgstr"),
        ("msgid \"a\"\n\nmsgstr \"x", 3, "closing quote"),
        ("msgid \"a\"\nmsgstr \"x\" \"y\"", 2, "after the closing quote"),
        ("msgid \"a\"\nmsgstr \"bad \\q\"", 2, "unknown escape \\q"),
        ("msgid \"a\"\nmsgstr \"trailing\\\"", 2, "closing quote"),
        ("\"orphan\"\nmsgid \"a\"\nmsgstr \"x\"", 1, "continues nothing"),
        ("msgstr \"x\"", 1, "msgstr without msgid"),
        ("msgid \"a\"\nmsgid \"b\"\nmsgstr \"x\"", 2, "without msgstr"),
        ("msgid \"a\"\nmsgstr \"x\"\n\nmsgid \"b\"", 4, "\"b\" without msgstr"),
        ("msgid \"a\"\nmsgstr x", 2, "double quotes"),
        ("msgid \"a\"\nmsgstr \"x\"\nmsgtxt \"oops\"", 3, "expected msgctxt"),
        ("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"x\"", 2, "plural"),
        ("msgid \"a\"\nmsgstr \"x\"\n\nmsgid \"a\"\nmsgstr \"y\"", 4, "again (first on line 1)"),
        ("msgid \"\"\nmsgstr \"Language: pt\\n\"", 1, "Language: pt"),
        ("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=ISO-8859-1\\n\"", 1, "charset=UTF-8"),
    ])
    func malformedFilesAreErrorsWithTheLine(text: String, line: Int, reason: String) {
        let error = #expect(throws: CatalogFileError.self) { try Catalog.parse(poText: text, language: .es, file: "bad.po") }
        #expect(error?.file == "bad.po")
        #expect(error?.line == line, "\(error.map(String.init(describing:)) ?? "")")
        #expect(error?.reason.contains(reason) == true, "\(error.map(String.init(describing:)) ?? "")")
        #expect(error?.description.hasPrefix("bad.po:\(line): ") == true)
    }
}
