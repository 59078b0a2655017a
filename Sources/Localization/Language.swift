/// A language of the maps' texts.
public enum Language: String, CaseIterable, Sendable {
    case en, es, pt, fr

    /// The base language of a language tag or locale name: "es", "es-CO", "pt_BR", "fr-FR", "pt_BR.UTF-8"
    /// (any case); nil for a language without a catalog.
    public init?(code: String) {
        let base = code.prefix { $0.isLetter }.lowercased()
        self.init(rawValue: base)
    }
}
