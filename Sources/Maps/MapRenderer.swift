import Drawing
import Foundation
import GridGeometry

/// Draws a ``MapDocument`` on a page: the title block on top, the map frame (backgrounds, regions, hatching,
/// labels, north arrow, scale bar) with the legend panel on its right, and the footer lines below, on a
/// grid with margins. Sizes follow the page, so an A3 or a small screen image keep the proportions of A4.
public struct MapRenderer {
    public let document: MapDocument

    public init(_ document: MapDocument) { self.document = document }

    static let font = "DejaVu Sans"
    static let ink = Colour(red: 0.13, green: 0.13, blue: 0.13)
    static let muted = Colour(red: 0.35, green: 0.35, blue: 0.35)
    static let border = Colour(red: 0.45, green: 0.45, blue: 0.45)
    static let hatchInk = Colour(red: 0.15, green: 0.15, blue: 0.15, alpha: 0.9)

    /// Draws the whole page and tells where the map frame is.
    @discardableResult
    public func draw(on canvas: Canvas) throws -> MapPlacement {
        let w = canvas.width, h = canvas.height
        // One scale for every size on the page: 1 on A4 landscape.
        let s = min(max((w * h / (842 * 595)).squareRoot(), 0.55), 2.5)
        let margin = 22 * s, gap = 12 * s

        // Title block.
        let title = canvas.text(document.title, font: "\(Self.font) Bold \(fmt(15 * s))", width: w - 2 * margin)
        let subtitle = document.subtitle.map { canvas.text($0, font: "\(Self.font) \(fmt(10 * s))", width: w - 2 * margin) }
        title.draw(at: margin, margin, colour: Self.ink)
        var top = margin + title.height
        if let subtitle {
            subtitle.draw(at: margin, top + 2 * s, colour: Self.muted)
            top += 2 * s + subtitle.height
        }
        top += gap

        // Footer, bottom up.
        let footer = document.footer.map { canvas.text($0, font: "\(Self.font) \(fmt(6.5 * s))", width: w - 2 * margin) }
        let footerHeight = footer.reduce(0) { $0 + $1.height + 1.5 * s }
        var y = h - margin - footerHeight
        let bottom = y - gap
        for line in footer {
            line.draw(at: margin, y, colour: Self.muted)
            y += line.height + 1.5 * s
        }

        let panelWidth = min(max(w * 0.25, 120 * s), 230 * s)
        let frame = Rect(x: margin, y: top, width: w - 2 * margin - panelWidth - gap, height: bottom - top)
        guard frame.width > 20, frame.height > 20 else {
            throw DrawingError(path: nil, message: "the page (\(Int(w)) x \(Int(h)) points) is too small for a map with its title, legend and notes")
        }
        var placement = fit(frame, s: s)
        // Backgrounds at the output's resolution: a PNG's pixels, 200 dots per inch in a PDF or SVG.
        let density = canvas.format == .png ? canvas.pixelsPerPoint : 200.0 / 72
        let backgrounds = try document.backgrounds(placement.extent, max(1, min(8192, Int((frame.width * density).rounded()))),
                                                   max(1, min(8192, Int((frame.height * density).rounded()))))
        try drawFrame(on: canvas, placement: &placement, backgrounds: backgrounds, s: s)
        drawLegend(on: canvas, in: Rect(x: frame.maxX + gap, y: top, width: panelWidth, height: frame.height),
                   backgrounds: backgrounds, s: s)
        return placement
    }

    /// The regions' extent centred in the frame at one scale for x and y, with a little room around.
    private func fit(_ frame: Rect, s: Double) -> MapPlacement {
        let pad = 8 * s
        let e = document.extent
        let spanX = max(e.width, 1e-9), spanY = max(e.height, 1e-9)
        let upp = max(spanX / max(frame.width - 2 * pad, 1), spanY / max(frame.height - 2 * pad, 1))
        let cx = (e.minX + e.maxX) / 2, cy = (e.minY + e.maxY) / 2
        let shown = MapExtent(minX: cx - frame.width / 2 * upp, minY: cy - frame.height / 2 * upp,
                              maxX: cx + frame.width / 2 * upp, maxY: cy + frame.height / 2 * upp)
        return MapPlacement(frame: frame, extent: shown, unitsPerPoint: upp, labelsDrawn: 0, labelsDropped: 0)
    }

    // MARK: the map frame

    private func drawFrame(on canvas: Canvas, placement: inout MapPlacement, backgrounds: [MapDocument.Background], s: Double) throws {
        let frame = placement.frame
        // Vertices closer than this on the page (half a pixel in a PNG) are one: the geometry is simplified
        // to the output's resolution as it is drawn (a PDF or SVG: a dot of a 300 dpi print).
        let tolerance = canvas.format == .png ? 0.5 / canvas.pixelsPerPoint : 72.0 / 300
        canvas.save()
        canvas.rectangle(frame)
        canvas.clip()
        for background in backgrounds {
            let a = placement.page(MapPoint(x: background.extent.minX, y: background.extent.maxY))
            let b = placement.page(MapPoint(x: background.extent.maxX, y: background.extent.minY))
            try canvas.drawImage(rgba: background.rgba, width: background.width, height: background.height,
                                  in: Rect(x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y), smooth: background.smooth)
        }
        canvas.setEvenOddFill()
        // One path per class, filled then outlined (every shared edge is outlined by one side or the
        // other, alike): each vertex is written once, which is what a PDF's or SVG's size and time follow.
        let opacity = document.regionOpacity
        var byClass: [Int: [Int]] = [:]
        for (i, region) in document.regions.enumerated() { byClass[region.classIndex ?? -1, default: []].append(i) }
        canvas.setLineWidth(0.35 * s)
        // Bevel joins: round ones cost much more on a million vertices and look the same at this width.
        canvas.setBevelJoins()
        for (classIndex, members) in byClass.sorted(by: { $0.key < $1.key }) {
            let colour = classIndex >= 0 ? document.classes[classIndex].colour : Colour.white
            canvas.newPath()
            for i in members { addPath(document.regions[i], on: canvas, placement, tolerance: tolerance) }
            canvas.setColour(colour.withAlpha(colour.alpha * opacity))
            canvas.fill(preserve: true)
            canvas.setColour(Self.border)
            canvas.stroke()
        }
        // Hatching: incomplete hazard data is never drawn as if it were known.
        for region in document.regions where region.hatched {
            canvas.save()
            canvas.newPath()
            addPath(region, on: canvas, placement, tolerance: tolerance)
            canvas.clip()
            hatch(bounds: pageBounds(region, placement) ?? frame, on: canvas, s: s)
            canvas.restore()
        }
        placement = drawLabels(on: canvas, placement, s: s)
        drawNorthArrow(on: canvas, frame: frame, s: s)
        drawScaleBar(on: canvas, placement, s: s)
        canvas.restore()
        canvas.rectangle(frame)
        canvas.setColour(Self.ink)
        canvas.setLineWidth(0.6 * s)
        canvas.stroke()
    }

    private func addPath(_ region: MapDocument.Region, on canvas: Canvas, _ placement: MapPlacement, tolerance: Double) {
        for polygon in region.polygons {
            for ring in polygon {
                guard ring.count >= 3 else { continue }
                // Vertices closer than the tolerance to the last one kept go first (cheap), then Douglas-Peucker.
                var page: [Simplification.Point] = [placement.page(ring[0])]
                page.reserveCapacity(ring.count)
                for p in ring.dropFirst() {
                    let q = placement.page(p), last = page[page.count - 1]
                    if abs(q.x - last.x) + abs(q.y - last.y) > tolerance { page.append(q) }
                }
                if page.count > 1, let last = page.last, abs(last.x - page[0].x) + abs(last.y - page[0].y) <= tolerance { page.removeLast() }
                let kept = Simplification.ring(page, tolerance: tolerance)
                let first = kept[0]
                canvas.move(to: first.x, first.y)
                for q in kept.dropFirst() { canvas.line(to: q.x, q.y) }
                if kept.count < 3 {
                    // Smaller than the output's resolution: a dot, so the region is still seen.
                    canvas.line(to: first.x + tolerance, first.y)
                    canvas.line(to: first.x + tolerance, first.y + tolerance)
                }
                canvas.closePath()
            }
        }
    }

    private func pageBounds(_ region: MapDocument.Region, _ placement: MapPlacement) -> Rect? {
        guard let e = MapExtent.of(region.polygons) else { return nil }
        let a = placement.page(MapPoint(x: e.minX, y: e.maxY)), b = placement.page(MapPoint(x: e.maxX, y: e.minY))
        return Rect(x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y)
    }

    private func hatch(bounds r: Rect, on canvas: Canvas, s: Double) {
        let spacing = 3.2 * s
        canvas.newPath()
        var x = r.x - r.height
        while x < r.maxX {
            canvas.move(to: x, r.maxY)
            canvas.line(to: x + r.height, r.y)
            x += spacing
        }
        canvas.setColour(Self.hatchInk)
        canvas.setLineWidth(0.55 * s)
        canvas.stroke()
    }

    /// Names inside their regions, largest regions first; a label that would overlap one already placed,
    /// or leave its region or the frame, is left out.
    private func drawLabels(on canvas: Canvas, _ placement: MapPlacement, s: Double) -> MapPlacement {
        let candidates = document.regions.filter { $0.label?.isEmpty == false && $0.labelPoint != nil }
            .sorted { $0.area > $1.area }
        var placed: [Rect] = []
        var dropped = 0
        let frame = placement.frame.insetBy(2 * s)
        for region in candidates {
            let block = canvas.text(region.label!, font: "\(Self.font) \(fmt(6.5 * s))")
            let centre = placement.page(region.labelPoint!)
            let rect = Rect(x: centre.x - block.width / 2, y: centre.y - block.height / 2, width: block.width, height: block.height)
            let corners = [(rect.x, rect.y), (rect.maxX, rect.y), (rect.x, rect.maxY), (rect.maxX, rect.maxY), (centre.x, centre.y)]
            let fits = rect.x >= frame.x && rect.maxX <= frame.maxX && rect.y >= frame.y && rect.maxY <= frame.maxY
                && !placed.contains { $0.intersects(rect.insetBy(-1 * s)) }
                && corners.allSatisfy { contains(region, mapPoint(of: $0, placement)) }
            guard fits else {
                dropped += 1
                continue
            }
            block.draw(at: rect.x, rect.y, colour: Self.ink, halo: Colour.white.withAlpha(0.85), haloWidth: 2 * s)
            placed.append(rect)
        }
        return MapPlacement(frame: placement.frame, extent: placement.extent, unitsPerPoint: placement.unitsPerPoint,
                            labelsDrawn: placed.count, labelsDropped: dropped)
    }

    private func mapPoint(of page: (Double, Double), _ placement: MapPlacement) -> MapPoint {
        MapPoint(x: placement.extent.minX + (page.0 - placement.frame.x) * placement.unitsPerPoint,
                 y: placement.extent.maxY - (page.1 - placement.frame.y) * placement.unitsPerPoint)
    }

    /// Even-odd point in polygon over every ring of the region.
    func contains(_ region: MapDocument.Region, _ p: MapPoint) -> Bool {
        var inside = false
        for polygon in region.polygons {
            for ring in polygon where ring.count >= 3 {
                var j = ring.count - 1
                for i in ring.indices {
                    let a = ring[i], b = ring[j]
                    if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                    j = i
                }
            }
        }
        return inside
    }

    private func drawNorthArrow(on canvas: Canvas, frame: Rect, s: Double) {
        let size = 20 * s
        let cx = frame.maxX - 14 * s - size / 2, cy = frame.y + 14 * s + size * 0.75
        let letter = canvas.text(document.northLetter, font: "\(Self.font) Bold \(fmt(8 * s))")
        canvas.save()
        canvas.translate(cx, cy)
        canvas.rotate(document.northAngle)
        canvas.newPath()
        canvas.move(to: 0, -size / 2)
        canvas.line(to: size * 0.28, size / 2)
        canvas.line(to: 0, size * 0.3)
        canvas.line(to: -size * 0.28, size / 2)
        canvas.closePath()
        canvas.setColour(.white)
        canvas.setLineWidth(2.2 * s)
        canvas.setRoundJoins()
        canvas.stroke(preserve: true)
        canvas.setColour(Self.ink)
        canvas.fill()
        letter.draw(at: -letter.width / 2, -size / 2 - letter.height - 1 * s, colour: Self.ink, halo: .white, haloWidth: 2 * s)
        canvas.restore()
    }

    private func drawScaleBar(on canvas: Canvas, _ placement: MapPlacement, s: Double) {
        let metresPerPoint = placement.unitsPerPoint * document.groundMetresPerUnit
        guard metresPerPoint.isFinite, metresPerPoint > 0 else { return }
        let target = placement.frame.width * 0.22 * metresPerPoint
        let magnitude = pow(10, floor(log10(target)))
        let length = [5, 2, 1].map { $0 * magnitude }.first { $0 <= target } ?? magnitude
        let barWidth = length / metresPerPoint, barHeight = 4 * s
        let x = placement.frame.x + 12 * s, y = placement.frame.maxY - 18 * s
        let zero = canvas.text("0", font: "\(Self.font) \(fmt(7 * s))")
        let end = canvas.text(document.formatScaleLength(length), font: "\(Self.font) \(fmt(7 * s))")
        // A white box behind, so the bar reads over any background.
        canvas.rectangle(Rect(x: x - 5 * s, y: y - zero.height - 4 * s, width: barWidth + end.width / 2 + 10 * s,
                              height: zero.height + barHeight + 8 * s))
        canvas.setColour(Colour.white.withAlpha(0.8))
        canvas.fill()
        for i in 0..<4 {
            canvas.rectangle(Rect(x: x + Double(i) * barWidth / 4, y: y, width: barWidth / 4, height: barHeight))
            canvas.setColour(i % 2 == 0 ? Self.ink : .white)
            canvas.fill(preserve: true)
            canvas.setColour(Self.ink)
            canvas.setLineWidth(0.5 * s)
            canvas.stroke()
        }
        zero.draw(at: x - zero.width / 2, y - zero.height - 1 * s, colour: Self.ink)
        end.draw(at: x + barWidth - end.width / 2, y - end.height - 1 * s, colour: Self.ink)
    }

    // MARK: the legend

    private func drawLegend(on canvas: Canvas, in panel: Rect, backgrounds: [MapDocument.Background], s: Double) {
        var y = panel.y
        let heading = canvas.text(document.legendTitle, font: "\(Self.font) Bold \(fmt(9 * s))", width: panel.width)
        heading.draw(at: panel.x, y, colour: Self.ink)
        y += heading.height + 1.5 * s
        if !document.legendUnit.isEmpty {
            let unit = canvas.text(document.legendUnit, font: "\(Self.font) \(fmt(8 * s))", width: panel.width)
            unit.draw(at: panel.x, y, colour: Self.muted)
            y += unit.height
        }
        y += 5 * s
        let swatch = (w: 16 * s, h: 10 * s)
        func entry(_ label: String, draw: (Rect) -> Void) {
            let text = canvas.text(label, font: "\(Self.font) \(fmt(8 * s))", width: panel.width - swatch.w - 6 * s)
            let rowHeight = max(swatch.h, text.height)
            let box = Rect(x: panel.x, y: y + (rowHeight - swatch.h) / 2, width: swatch.w, height: swatch.h)
            draw(box)
            canvas.rectangle(box)
            canvas.setColour(Self.border)
            canvas.setLineWidth(0.4 * s)
            canvas.stroke()
            text.draw(at: panel.x + swatch.w + 6 * s, y + (rowHeight - text.height) / 2, colour: Self.ink)
            y += rowHeight + 3 * s
        }
        // Highest class on top, as readers expect of a choropleth legend.
        for item in document.classes.reversed() {
            entry(item.label) { box in
                canvas.rectangle(box)
                canvas.setColour(item.colour.withAlpha(item.colour.alpha * document.regionOpacity))
                canvas.fill()
            }
        }
        if document.regions.contains(where: { $0.classIndex == nil }) {
            entry(document.noDataLabel) { box in
                canvas.rectangle(box)
                canvas.setColour(.white)
                canvas.fill()
            }
        }
        if document.regions.contains(where: \.hatched) {
            y += 3 * s
            entry(document.hatchLabel) { box in
                canvas.save()
                canvas.rectangle(box)
                canvas.clip()
                hatch(bounds: box, on: canvas, s: s)
                canvas.restore()
            }
        }
        for background in backgrounds {
            y += 6 * s
            switch background.legend {
            case .swatches(let title, let items):
                let heading = canvas.text(title, font: "\(Self.font) Bold \(fmt(8 * s))", width: panel.width)
                heading.draw(at: panel.x, y, colour: Self.ink)
                y += heading.height + 3 * s
                for item in items {
                    entry(item.label) { box in
                        canvas.rectangle(box)
                        canvas.setColour(item.colour)
                        canvas.fill()
                    }
                }
            case .ramp(let title, let colours, let low, let high):
                let heading = canvas.text(title, font: "\(Self.font) Bold \(fmt(8 * s))", width: panel.width)
                heading.draw(at: panel.x, y, colour: Self.ink)
                y += heading.height + 3 * s
                let barWidth = min(panel.width, 110 * s)
                let steps = max(colours.count, 1)
                for (i, colour) in colours.enumerated() {
                    canvas.rectangle(Rect(x: panel.x + Double(i) * barWidth / Double(steps), y: y,
                                          width: barWidth / Double(steps) + 0.3, height: swatch.h))
                    canvas.setColour(colour)
                    canvas.fill()
                }
                canvas.rectangle(Rect(x: panel.x, y: y, width: barWidth, height: swatch.h))
                canvas.setColour(Self.border)
                canvas.setLineWidth(0.4 * s)
                canvas.stroke()
                y += swatch.h + 1.5 * s
                let lowText = canvas.text(low, font: "\(Self.font) \(fmt(7.5 * s))")
                let highText = canvas.text(high, font: "\(Self.font) \(fmt(7.5 * s))")
                lowText.draw(at: panel.x, y, colour: Self.ink)
                highText.draw(at: panel.x + barWidth - highText.width, y, colour: Self.ink)
                y += max(lowText.height, highText.height) + 3 * s
            case .note(let text):
                let note = canvas.text(text, font: "\(Self.font) \(fmt(8 * s))", width: panel.width)
                note.draw(at: panel.x, y, colour: Self.ink)
                y += note.height + 3 * s
            }
        }
    }

    private func fmt(_ size: Double) -> String { String(format: "%.2f", size) }
}
