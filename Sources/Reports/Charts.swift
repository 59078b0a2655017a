import Foundation
import Localization

/// Charts as inline SVG with real text: the exceedance curve of a run and the comparison of its scenarios.
public enum Charts {
    /// Line colours of scenarios, distinguishable in colour and in grey (ColorBrewer Dark2).
    public static let seriesColours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]

    public struct Series {
        public var name: String
        /// (return period in years, value).
        public var points: [(years: Double, value: Double)]
        public init(name: String, points: [(years: Double, value: Double)]) {
            self.name = name
            self.points = points
        }
    }

    static let width = 640.0, height = 340.0
    static let left = 70.0, right = 170.0, top = 34.0, bottom = 52.0

    /// Value against annual exceedance probability (1/T, logarithmic axis, rarer events to the right), one
    /// line per series, with the probabilities of the return periods as ticks.
    public static func exceedance(_ series: [Series], title: String, xLabel: String, yLabel: String, numbers: NumberStyle,
                                  percent: (String) -> String) -> String {
        let periods = Array(Set(series.flatMap { $0.points.map(\.years) })).sorted()
        let top = niceCeiling(series.flatMap { $0.points.map(\.value) }.max() ?? 1)
        guard let low = periods.first, let high = periods.last else { return "" }
        let plotWidth = width - left - right, plotHeight = height - Self.top - bottom
        let lowLog = log10(1 / low), highLog = log10(1 / high)
        let span = lowLog == highLog ? 1 : lowLog - highLog
        func x(_ years: Double) -> Double { left + (lowLog - log10(1 / years)) / span * plotWidth }
        func y(_ value: Double) -> Double { Self.top + plotHeight - value / top * plotHeight }
        var svg = header(title: title)
        svg += axes(yTop: top, yLabel: yLabel, numbers: numbers, plotWidth: plotWidth, plotHeight: plotHeight, y: y)
        for years in periods {
            let p = 100 / years
            let label = percent(numbers.format(p, decimals: p >= 1 ? 0 : p >= 0.1 ? 1 : 2))
            svg += line(x(years), Self.top + plotHeight, x(years), Self.top + plotHeight + 4, "#555")
            svg += text(label, x(years), Self.top + plotHeight + 16, anchor: "middle", size: 10)
            svg += text("(\(numbers.format(years, decimals: 0)))", x(years), Self.top + plotHeight + 28, anchor: "middle", size: 9, fill: "#666")
        }
        svg += text(xLabel, left + plotWidth / 2, height - 6, anchor: "middle", size: 10.5)
        for (i, s) in series.enumerated() {
            let colour = seriesColours[i % seriesColours.count]
            let points = s.points.sorted { $0.years < $1.years }.map { "\(f(x($0.years))),\(f(y($0.value)))" }
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2.2\" points=\"\(points.joined(separator: " "))\"/>\n"
            for p in s.points { svg += "<circle cx=\"\(f(x(p.years)))\" cy=\"\(f(y(p.value)))\" r=\"3\" fill=\"\(colour)\"/>\n" }
            svg += legendEntry(s.name, colour: colour, index: i)
        }
        return svg + "</svg>"
    }

    /// One bar per item (a scenario's AAD), its value written above it.
    public static func bars(_ items: [(label: String, value: Double)], title: String, yLabel: String, numbers: NumberStyle, decimals: Int) -> String {
        let top = niceCeiling(items.map(\.value).max() ?? 1)
        let plotWidth = width - left - right, plotHeight = height - Self.top - bottom
        func y(_ value: Double) -> Double { Self.top + plotHeight - value / top * plotHeight }
        var svg = header(title: title)
        svg += axes(yTop: top, yLabel: yLabel, numbers: numbers, plotWidth: plotWidth, plotHeight: plotHeight, y: y)
        let slot = plotWidth / Double(max(items.count, 1)), barWidth = min(80, slot * 0.6)
        for (i, item) in items.enumerated() {
            let cx = left + slot * (Double(i) + 0.5)
            let colour = seriesColours[i % seriesColours.count]
            svg += "<rect x=\"\(f(cx - barWidth / 2))\" y=\"\(f(y(item.value)))\" width=\"\(f(barWidth))\" height=\"\(f(max(0, y(0) - y(item.value))))\" fill=\"\(colour)\"/>\n"
            svg += text(numbers.format(item.value, decimals: decimals), cx, y(item.value) - 5, anchor: "middle", size: 10.5, bold: true)
            svg += text(item.label, cx, Self.top + plotHeight + 16, anchor: "middle", size: 10)
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one row per item (a region) and one panel per series (all displaced people, then
    /// each group), every panel on the same scale so that groups compare with each other and with the
    /// whole; each bar's value is written at its end. The first series is drawn in grey when `firstIsTotal`.
    public static func panelBars(_ rows: [(label: String, values: [Double])], series: [String], title: String, unit: String,
                                 numbers: NumberStyle, decimals: Int, firstIsTotal: Bool) -> String {
        let width = 900.0, labelWidth = 200.0, gap = 14.0, valueRoom = 50.0
        let headerY = 62.0, rowsTop = 74.0, rowHeight = 20.0, barHeight = 12.0
        let plotHeight = Double(rows.count) * rowHeight
        let height = rowsTop + plotHeight + 30
        let n = Double(max(series.count, 1))
        let panelWidth = (width - labelWidth - 10 - gap * (n - 1)) / n
        let scale = niceCeiling(rows.flatMap(\.values).max() ?? 1)
        let barSpace = max(10, panelWidth - valueRoom)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(xml(title))\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
            + text(title, 10, 20, anchor: "start", size: 13, bold: true)
            + text(unit, 10, 38, anchor: "start", size: 10.5, fill: "#555")
        for (i, row) in rows.enumerated() {
            let y = rowsTop + Double(i) * rowHeight
            if i % 2 == 1 { svg += "<rect x=\"0\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(rowHeight))\" fill=\"#f6f6f6\"/>\n" }
            svg += text(shortened(row.label, 32), labelWidth - 8, y + rowHeight / 2 + 3.5, anchor: "end", size: 10)
        }
        for (j, name) in series.enumerated() {
            let x0 = labelWidth + Double(j) * (panelWidth + gap)
            let colour = firstIsTotal && j == 0 ? "#737373" : seriesColours[(firstIsTotal ? j - 1 : j) % seriesColours.count]
            // The panel's name on up to two lines, the second ending at the panel's edge.
            let lines = wrapped(name, Int(panelWidth / 6.6), lines: 2)
            for (k, l) in lines.enumerated() {
                let y = headerY - Double(lines.count - 1 - k) * 13
                svg += "<text x=\"\(f(x0))\" y=\"\(f(y))\" text-anchor=\"start\" font-size=\"10.5\" font-weight=\"bold\" fill=\"#222\"><title>\(xml(name))</title>\(xml(l))</text>\n"
            }
            svg += line(x0, rowsTop - 2, x0, rowsTop + plotHeight + 2, "#555")
            // The scale's end under each panel, with a faint guide.
            svg += line(x0 + barSpace, rowsTop, x0 + barSpace, rowsTop + plotHeight, "#dddddd")
            svg += text("0", x0, rowsTop + plotHeight + 14, anchor: "middle", size: 9, fill: "#555")
            svg += text(numbers.format(scale, decimals: scale >= 1 ? 0 : 1), x0 + barSpace, rowsTop + plotHeight + 14, anchor: "middle", size: 9, fill: "#555")
            for (i, row) in rows.enumerated() {
                let value = row.values.indices.contains(j) ? row.values[j] : 0
                let y = rowsTop + Double(i) * rowHeight + (rowHeight - barHeight) / 2
                let w = max(0, value / scale * barSpace)
                svg += "<rect x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(barHeight))\" fill=\"\(colour)\"/>\n"
                svg += text(numbers.format(value, decimals: decimals), x0 + w + 3, y + barHeight - 2, anchor: "start", size: 9)
            }
        }
        return svg + "</svg>"
    }

    /// Words on at most `lines` lines of `count` characters, the last shortened if they do not fit.
    static func wrapped(_ s: String, _ count: Int, lines: Int) -> [String] {
        var result: [String] = []
        var current = ""
        for word in s.split(separator: " ").map(String.init) {
            if current.isEmpty { current = word } else if current.count + 1 + word.count <= count { current += " " + word } else {
                result.append(current)
                current = word
            }
        }
        if !current.isEmpty { result.append(current) }
        guard result.count > lines else { return result.map { shortened($0, count) } }
        return result.prefix(lines - 1).map { shortened($0, count) } + [shortened(result.dropFirst(lines - 1).joined(separator: " "), count)]
    }

    /// At most `count` characters, an ellipsis marking the cut.
    static func shortened(_ s: String, _ count: Int) -> String {
        s.count <= max(count, 4) ? s : String(s.prefix(max(count, 4) - 1)) + "…"
    }

    // MARK: pieces

    static func header(title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(xml(title))\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
            + text(title, left, 20, anchor: "start", size: 12.5, bold: true)
    }

    static func axes(yTop: Double, yLabel: String, numbers: NumberStyle, plotWidth: Double, plotHeight: Double, y: (Double) -> Double) -> String {
        var svg = ""
        let steps = 5
        let decimals = yTop / Double(steps) >= 1 ? 0 : 1
        for i in 0...steps {
            let v = yTop * Double(i) / Double(steps)
            svg += line(left, y(v), left + plotWidth, y(v), i == 0 ? "#555" : "#e2e2e2")
            svg += text(numbers.format(v, decimals: decimals), left - 6, y(v) + 3.5, anchor: "end", size: 10)
        }
        svg += "<text transform=\"translate(14 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"#222\">\(xml(yLabel))</text>\n"
        return svg
    }

    static func legendEntry(_ name: String, colour: String, index: Int) -> String {
        let x = width - right + 16, y = top + 10 + Double(index) * 18
        return line(x, y, x + 22, y, colour, width: 2.5) + text(name, x + 28, y + 4, anchor: "start", size: 10.5)
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ colour: String, width: Double = 1) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(colour)\" stroke-width=\"\(f(width))\"/>\n"
    }

    static func text(_ s: String, _ x: Double, _ y: Double, anchor: String, size: Double, bold: Bool = false, fill: String = "#222") -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(f(size))\"\(bold ? " font-weight=\"bold\"" : "") fill=\"\(fill)\">\(xml(s))</text>\n"
    }

    /// 1, 2, 2.5 or 5 times a power of ten, at least `x`.
    static func niceCeiling(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(x)))
        return [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= x } ?? 10 * magnitude
    }

    static func f(_ v: Double) -> String { String(format: "%.2f", v) }

    public static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
