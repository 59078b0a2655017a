import Foundation
import Testing

@testable import Localization

/// The catalogs shipped in the resource folder.
@Suite struct CatalogTests {
    static let translated: [Language] = [.es, .pt, .fr]
    let english: Catalog

    init() throws { english = try Catalog.load(.en) }

    @Test(arguments: Language.allCases) func everyLanguageLoadsFromTheResources(_ language: Language) throws {
        let catalog = try Catalog.load(language)
        #expect(catalog.language == language)
        #expect(catalog.keys.count >= 60)
        #expect(catalog.has("map.caution"))
    }

    @Test(arguments: translated) func everyLanguageHasExactlyTheKeysOfEnglish(_ language: Language) throws {
        let catalog = try Catalog.load(language)
        let missing = english.keys.subtracting(catalog.keys).sorted()
        let extra = catalog.keys.subtracting(english.keys).sorted()
        #expect(missing.isEmpty, "\(catalog.language).po lacks \(missing)")
        #expect(extra.isEmpty, "\(catalog.language).po has keys English does not: \(extra)")
    }

    @Test(arguments: translated) func everyMessageHasTheEnglishPlaceholders(_ language: Language) throws {
        let catalog = try Catalog.load(language)
        for key in english.keys.sorted() {
            let expected = Catalog.placeholders(in: english.messages[key]!)
            let found = Catalog.placeholders(in: catalog.messages[key] ?? "")
            #expect(found == expected, "\(language) \(key): \(found.sorted()), English \(expected.sorted())")
        }
    }

    @Test(arguments: Language.allCases) func noMessageIsEmpty(_ language: Language) throws {
        let catalog = try Catalog.load(language)
        let empty = catalog.messages.filter { $0.value.isEmpty }.keys.sorted()
        #expect(empty.isEmpty, "\(language): empty msgstr for \(empty)")
    }

    /// The Sendai terms (and the "modelled risk" qualifier) in the messages that carry them.
    @Test(arguments: Language.allCases) func officialTermsAppearInTheirMessages(_ language: Language) throws {
        let terms: [(keys: [String], term: [Language: String])] = [
            (["column.displaced", "column.displaced_per_100k", "column.displaced_class", "map.risk_note"],
             [.en: "displaced p", .es: "personas desplazadas", .pt: "pessoas deslocadas", .fr: "personnes déplacées"]),
            (["column.exposed", "column.exposed_class"],
             [.en: "exposed population", .es: "población expuesta", .pt: "população exposta", .fr: "population exposée"]),
            (["column.pmd", "map.return_period"],
             [.en: "return period", .es: "período de retorno", .pt: "período de retorno", .fr: "période de retour"]),
            (["column.aad_displaced", "column.aad_per_100k", "column.aad_change", "column.aad_change_pct"],
             [.en: "average annual displacement", .es: "desplazamiento anual promedio", .pt: "deslocamento médio anual",
              .fr: "déplacement annuel moyen"]),
            (["column.pmd"],
             [.en: "probable maximum displacement", .es: "desplazamiento máximo probable", .pt: "deslocamento máximo provável",
              .fr: "déplacement maximum probable"]),
            (["column.displaced", "column.displaced_per_100k", "column.displaced_class", "column.aad_per_100k"],
             [.en: "(modelled risk)", .es: "(riesgo modelado)", .pt: "(risco modelado)", .fr: "(risque modélisé)"]),
            (["column.aad_displaced"], [.en: "modelled risk)", .es: "(riesgo modelado)", .pt: "(risco modelado)", .fr: "(risque modélisé)"]),
        ]
        let catalog = try Catalog.load(language)
        for (keys, term) in terms {
            for key in keys {
                let text = catalog.text(key)
                #expect(text.lowercased().contains(term[language]!), "\(language) \(key) \"\(text)\" lacks \"\(term[language]!)\"")
            }
        }
        #expect(catalog.text("map.return_period", ["years": "100"]) == [
            .en: "100-year return period", .es: "período de retorno de 100 años", .pt: "período de retorno de 100 anos",
            .fr: "période de retour de 100 ans",
        ][language])
    }

    /// French: a no-break space before : ; ? ! and inside « », never an ordinary one (or none).
    @Test func frenchPunctuationHasNoBreakSpaces() throws {
        let french = try Catalog.load(.fr)
        for (key, text) in french.messages {
            let chars = Array(text)
            for (i, c) in chars.enumerated() {
                if ":;?!»".contains(c) {
                    #expect(i > 0 && "\u{00A0}\u{202F}".contains(chars[i - 1]), "fr \(key): \"\(text)\"")
                }
                if c == "«" { #expect(i + 1 < chars.count && chars[i + 1] == "\u{202F}", "fr \(key): \"\(text)\"") }
            }
        }
        #expect(french.text("map.source", ["sources": "x"]) == "Source\u{00A0}: x")
    }

    /// The `#.` comment of each translated entry gives the current English text.
    @Test(arguments: translated) func translatorCommentsGiveTheCurrentEnglish(_ language: Language) throws {
        let catalog = try Catalog.load(language)
        let file = try CatalogFolder.locate().appendingPathComponent("\(catalog.language).po")
        for entry in try PO.parse(String(contentsOf: file, encoding: .utf8), file: file.path) where !entry.id.isEmpty {
            #expect(entry.extractedComments.first == "English: \(english.messages[entry.id] ?? "?")", "\(file.lastPathComponent):\(entry.line)")
        }
    }

    @Test func textFillsPlaceholdersAndFallsBack() throws {
        let spanish = try Catalog.load(.es)
        #expect(spanish.text("map.scale_km", ["value": "2,5", "unused": "x"]) == "2,5 km")
        #expect(spanish.text("column.exposed_class", ["class": "3"]) == "Población expuesta, clase de amenaza 3 ({range})")
        #expect(spanish.text("no.such.key") == "no.such.key")

        // A key Spanish lacks (or leaves untranslated) reads in English; without English behind, as the key.
        let partial = Catalog(language: .es, messages: ["a": "", "c": "C es"], fallback: ["a": "A en", "b": "B {x} en"])
        #expect(partial.text("a") == "A en")
        #expect(partial.text("b", ["x": "1"]) == "B 1 en")
        #expect(partial.text("c") == "C es")
        #expect(partial.text("d") == "d")
        // One pass: a value that looks like a placeholder stays as it is.
        #expect(partial.text("b", ["x": "{x}"]) == "B {x} en")
    }

    @Test func placeholdersAreNamesInBraces() {
        #expect(Catalog.placeholders(in: "{what}, {where} and {what}") == ["what", "where"])
        #expect(Catalog.placeholders(in: "{ not } {} {a-b} { {x_1}} {y") == ["x_1"])
        #expect(Placeholders.fill("{ {x_1}} {y {}", ["x_1": "X"]) == "{ X} {y {}")
    }

    @Test func languageFromATagOrLocale() {
        #expect(Language(code: "es") == .es)
        #expect(Language(code: "es-CO") == .es)
        #expect(Language(code: "pt_BR.UTF-8") == .pt)
        #expect(Language(code: "FR-fr") == .fr)
        #expect(Language(code: "de") == nil)
        #expect(Language(code: "") == nil)
        #expect(Language(rawValue: "es-CO") == nil)
    }

    @Test func aMissingFolderIsAnErrorNamingThePathsTried() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("l10n-\(UUID().uuidString)")
        let empty = root.appendingPathComponent("empty"), full = root.appendingPathComponent("full")
        try FileManager.default.createDirectory(
            at: full.appendingPathComponent("exposure_Localization.resources/Catalog"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        #expect(try CatalogFolder.locate(in: [empty, full]).path.hasSuffix("full/exposure_Localization.resources/Catalog"))
        let error = #expect(throws: CatalogNotFoundError.self) { try CatalogFolder.locate(in: [empty, empty]) }
        #expect(error?.tried == [empty.appendingPathComponent("exposure_Localization.resources/Catalog").path])
        #expect(error?.description.contains("must stay beside the exposure binary") == true)
        #expect(error?.description.contains(empty.path) == true)
    }
}
