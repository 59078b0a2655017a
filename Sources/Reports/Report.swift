import Foundation
import Localization
import Mustache

/// Everything a report shows, already worded in its language: the renderer only fills the template.
public struct ReportDocument {
    /// A table: its columns and rows; a numeric column's cells sort by their raw value.
    public struct Table {
        public struct Column {
            public var title: String
            public var numeric: Bool
            public init(title: String, numeric: Bool) {
                self.title = title
                self.numeric = numeric
            }
        }

        public struct Cell {
            /// As printed (people as whole people, rates to one decimal).
            public var text: String
            /// What the browser sorts by (and a test compares): the full-precision number, or the text.
            public var sortKey: String
            public init(text: String, sortKey: String) {
                self.text = text
                self.sortKey = sortKey
            }
        }

        public struct Row {
            public var cells: [Cell]
            /// Hazard data incomplete: the row is flagged.
            public var incomplete: Bool
            public init(cells: [Cell], incomplete: Bool) {
                self.cells = cells
                self.incomplete = incomplete
            }
        }

        public var id: String
        public var columns: [Column]
        public var rows: [Row]
        /// A heading above the table (tables of the extra sections).
        public var caption: String?
        public init(id: String, columns: [Column], rows: [Row], caption: String? = nil) {
            self.id = id
            self.columns = columns
            self.rows = rows
            self.caption = caption
        }
    }

    /// A section shown only when the outputs have what it is about (population groups, minimum needs):
    /// paragraphs, sortable tables, charts and notes.
    public struct Section {
        public var id: String
        public var heading: String
        public var paragraphs: [String]
        public var tables: [Table]
        public var charts: [Figure]
        public var notes: [String]
        public init(id: String, heading: String, paragraphs: [String], tables: [Table], charts: [Figure], notes: [String]) {
            self.id = id
            self.heading = heading
            self.paragraphs = paragraphs
            self.tables = tables
            self.charts = charts
            self.notes = notes
        }
    }

    /// An inline SVG (map or chart) with its caption.
    public struct Figure {
        public var svg: String
        public var caption: String
        public init(svg: String, caption: String) {
            self.svg = svg
            self.caption = caption
        }
    }

    public struct Input {
        public var role: String, path: String, sha256: String
        public init(role: String, path: String, sha256: String) {
            self.role = role
            self.path = path
            self.sha256 = sha256
        }
    }

    public var language: Language
    public var title: String
    public var subtitle: String
    public var caution: String
    /// Section headings by section id (question, figures, maps, regions, charts, notes, provenance).
    public var headings: [String: String]
    public var question: [String]
    /// Headline figures: label and value.
    public var figures: [(label: String, value: String)]
    /// Runs: one row per scenario (AAE, AAD, PMD per return period, change).
    public var scenarioTable: Table?
    public var maps: [Figure]
    public var regions: Table
    public var regionsNote: String
    public var charts: [Figure]
    /// Sections after the regions table, present when the outputs have groups or needs.
    public var sections: [Section] = []
    public var notes: [String]
    public var inputs: [Input]
    /// Label and value lines of the provenance (command, versions, date).
    public var provenance: [(label: String, value: String)]
    /// Table header labels of the inputs: role, file, SHA-256.
    public var inputHeadings: [String]
    public var footer: String

    public init(language: Language, title: String, subtitle: String, caution: String, headings: [String: String],
                question: [String], figures: [(label: String, value: String)], scenarioTable: Table?, maps: [Figure],
                regions: Table, regionsNote: String, charts: [Figure], notes: [String], inputs: [Input],
                provenance: [(label: String, value: String)], inputHeadings: [String], footer: String) {
        self.language = language
        self.title = title
        self.subtitle = subtitle
        self.caution = caution
        self.headings = headings
        self.question = question
        self.figures = figures
        self.scenarioTable = scenarioTable
        self.maps = maps
        self.regions = regions
        self.regionsNote = regionsNote
        self.charts = charts
        self.notes = notes
        self.inputs = inputs
        self.provenance = provenance
        self.inputHeadings = inputHeadings
        self.footer = footer
    }
}

/// Fills `Templates/report.mustache` (with its inline style and script) with a ``ReportDocument``: one
/// HTML file that needs nothing else, no network and no other file.
public enum ReportRenderer {
    static let bundle = "exposure_Reports.resources"

    public static func html(_ document: ReportDocument) throws -> String {
        let folder = try ResourceFolder.locate(bundle: bundle, subfolder: "Templates")
        func read(_ name: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            do {
                return try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw ReportError("the report's template \(name) cannot be read (\(url.path))")
            }
        }
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: try read("report.mustache"))
        } catch let error as ReportError {
            throw error
        } catch {
            throw ReportError("the report's template is not valid Mustache: \(error)")
        }
        return template.render(context(document, style: try read("report.css"), script: try read("report.js")))
    }

    static func context(_ d: ReportDocument, style: String, script: String) -> [String: Any] {
        func table(_ t: ReportDocument.Table) -> [String: Any] {
            [
                "id": t.id,
                "caption": t.caption ?? "",
                "hasCaption": t.caption != nil,
                "columns": t.columns.enumerated().map { ["title": $1.title, "numeric": $1.numeric, "index": $0] as [String: Any] },
                "rows": t.rows.map { row in
                    ["incomplete": row.incomplete,
                     "cells": row.cells.enumerated().map { i, cell in
                         ["text": cell.text, "sortKey": cell.sortKey, "numeric": t.columns.indices.contains(i) && t.columns[i].numeric] as [String: Any]
                     }] as [String: Any]
                },
            ]
        }
        var context: [String: Any] = [
            "lang": d.language.rawValue,
            "title": d.title,
            "subtitle": d.subtitle,
            "caution": d.caution,
            "style": style,
            "script": script,
            "question": d.question,
            "figures": d.figures.map { ["label": $0.label, "value": $0.value] },
            "maps": d.maps.map { ["svg": $0.svg, "caption": $0.caption] },
            "hasMaps": !d.maps.isEmpty,
            "regions": table(d.regions),
            "regionsNote": d.regionsNote,
            "charts": d.charts.map { ["svg": $0.svg, "caption": $0.caption] },
            "hasCharts": !d.charts.isEmpty,
            "sections": d.sections.map { section in
                ["id": section.id, "heading": section.heading, "paragraphs": section.paragraphs,
                 "tables": section.tables.map(table), "charts": section.charts.map { ["svg": $0.svg, "caption": $0.caption] },
                 "notes": section.notes] as [String: Any]
            },
            "notes": d.notes,
            "inputs": d.inputs.map { ["role": $0.role, "path": $0.path, "sha256": $0.sha256] },
            "inputHeadings": d.inputHeadings,
            "provenance": d.provenance.map { ["label": $0.label, "value": $0.value] },
            "footer": d.footer,
        ]
        for (id, heading) in d.headings { context["h_" + id] = heading }
        if let scenarios = d.scenarioTable { context["scenarios"] = table(scenarios) }
        return context
    }
}

public struct ReportError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
