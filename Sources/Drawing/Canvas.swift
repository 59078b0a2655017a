import CPangoCairo
import Foundation

/// A failure reported by Cairo or Pango, with the library's message, what was being done and the file.
public struct DrawingError: Error, CustomStringConvertible, Equatable, Sendable {
    public let path: String?
    public let message: String

    public init(path: String?, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.map { "\($0): \(message)" } ?? message }
}

/// The one way this module checks Cairo: a status other than success becomes a ``DrawingError`` carrying
/// Cairo's own words.
enum CairoCall {
    static func check(_ status: cairo_status_t, _ action: @autoclosure () -> String, path: String?) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        let reason = String(cString: cairo_status_to_string(status))
        throw DrawingError(path: path, message: "\(action()): \(reason)")
    }
}

/// An RGBA colour, components 0...1.
public struct Colour: Sendable, Equatable, Hashable {
    public var red: Double, green: Double, blue: Double, alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// `#rrggbb` or `#rrggbbaa`; nil for anything else.
    public init?(hex: String) {
        var text = Substring(hex)
        guard text.first == "#" else { return nil }
        text = text.dropFirst()
        guard text.count == 6 || text.count == 8, let value = UInt32(text, radix: 16) else { return nil }
        let v = text.count == 6 ? value << 8 | 0xff : value
        self.init(red: Double(v >> 24 & 0xff) / 255, green: Double(v >> 16 & 0xff) / 255,
                  blue: Double(v >> 8 & 0xff) / 255, alpha: Double(v & 0xff) / 255)
    }

    /// `#rrggbb` (alpha left out).
    public var hex: String {
        func byte(_ c: Double) -> Int { Int((max(0, min(1, c)) * 255).rounded()) }
        return String(format: "#%02x%02x%02x", byte(red), byte(green), byte(blue))
    }

    public func withAlpha(_ alpha: Double) -> Colour { Colour(red: red, green: green, blue: blue, alpha: alpha) }

    public static let black = Colour(red: 0, green: 0, blue: 0)
    public static let white = Colour(red: 1, green: 1, blue: 1)
}

/// A rectangle in page units (points).
public struct Rect: Sendable, Equatable {
    public var x: Double, y: Double, width: Double, height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    public func intersects(_ other: Rect) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    public func insetBy(_ d: Double) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}

/// A page to draw on, in points (1/72 inch) whatever the output: a PNG image (scaled to its dots per inch),
/// a PDF page or an SVG document, from the same drawing calls. Text is laid out by Pango: real,
/// selectable text with its fonts embedded in PDF and SVG.
///
/// Not thread-safe: one thread draws on one canvas.
public final class Canvas {
    public enum Format: String, Sendable { case png, pdf, svg }

    public let format: Format
    /// The page size in points.
    public let width: Double, height: Double
    /// For PNG: the image size in pixels and the scale from points to pixels.
    public let pixelWidth: Int, pixelHeight: Int
    public let pixelsPerPoint: Double
    /// Where a PDF or SVG is being written (PNG: where ``finish(writingTo:)`` writes).
    private let path: String?

    private let surface: OpaquePointer
    let context: OpaquePointer
    let pango: OpaquePointer
    private var finished = false

    /// A PNG image of `pixelWidth` x `pixelHeight` pixels at `dpi` dots per inch (white background).
    public static func image(pixelWidth: Int, pixelHeight: Int, dpi: Double) throws -> Canvas {
        guard pixelWidth > 0, pixelHeight > 0, pixelWidth <= 32767, pixelHeight <= 32767 else {
            throw DrawingError(path: nil, message: "an image of \(pixelWidth) x \(pixelHeight) pixels cannot be drawn (1 to 32767 a side)")
        }
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(pixelWidth), Int32(pixelHeight))!
        let scale = dpi / 72
        let canvas = try Canvas(format: .png, surface: surface, path: nil, width: Double(pixelWidth) / scale,
                                height: Double(pixelHeight) / scale, pixelWidth: pixelWidth, pixelHeight: pixelHeight,
                                pixelsPerPoint: scale)
        canvas.setColour(.white)
        cairo_paint(canvas.context)
        return canvas
    }

    /// A one-page PDF of `width` x `height` points written to `path`, with its document title.
    public static func pdf(path: String, width: Double, height: Double, title: String) throws -> Canvas {
        let surface = cairo_pdf_surface_create(path, width, height)!
        let canvas = try Canvas(format: .pdf, surface: surface, path: path, width: width, height: height,
                                pixelWidth: 0, pixelHeight: 0, pixelsPerPoint: 1)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "exposure")
        return canvas
    }

    /// An SVG document of `width` x `height` points, written to `path` by ``finish(writingTo:)`` (nil: kept
    /// in memory for ``svgDocument``). Cairo draws the shapes; text is written as SVG `<text>` elements (Cairo
    /// would write glyph outlines), so it can be selected, searched and read by a screen reader.
    public static func svg(path: String?, width: Double, height: Double) throws -> Canvas {
        let sink = SVGSink()
        let surface = cairo_svg_surface_create_for_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<SVGSink>.fromOpaque(closure).takeUnretainedValue().data.append(data, count: Int(length))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque(), width, height)!
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT)
        let canvas = try Canvas(format: .svg, surface: surface, path: path, width: width, height: height,
                                pixelWidth: 0, pixelHeight: 0, pixelsPerPoint: 1)
        canvas.svgSink = sink
        return canvas
    }

    /// Where Cairo's SVG stream goes, and the text elements drawn meanwhile.
    final class SVGSink {
        var data = Data()
        var texts: [String] = []
    }

    private(set) var svgSink: SVGSink?

    /// The finished SVG (after ``finish(writingTo:)``), with its text.
    public private(set) var svgDocument: String?

    private init(format: Format, surface: OpaquePointer, path: String?, width: Double, height: Double,
                 pixelWidth: Int, pixelHeight: Int, pixelsPerPoint: Double) throws {
        if let error = Self.status(of: surface, path: path, action: "create the \(format.rawValue) surface") {
            cairo_surface_destroy(surface)
            throw error
        }
        self.format = format
        self.surface = surface
        self.path = path
        self.width = width
        self.height = height
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
        self.pixelsPerPoint = pixelsPerPoint
        context = cairo_create(surface)
        cairo_scale(context, pixelsPerPoint, pixelsPerPoint)
        pango = pango_cairo_create_context(context)
        // One point of font size is one unit of the page, whatever the output.
        pango_cairo_context_set_resolution(pango, 72)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        pango_cairo_context_set_font_options(pango, options)
        cairo_font_options_destroy(options)
        pango_cairo_update_context(context, pango)
        try CairoCall.check(cairo_status(context), "start drawing", path: path)
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(pango))
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    private static func status(of surface: OpaquePointer, path: String?, action: String) -> DrawingError? {
        let status = cairo_surface_status(surface)
        guard status != CAIRO_STATUS_SUCCESS else { return nil }
        return DrawingError(path: path, message: "\(action): \(String(cString: cairo_status_to_string(status)))")
    }

    /// Ends the page: a PDF or SVG is complete on disk, a PNG is written to `pngPath`. Any drawing error met
    /// on the way (Cairo keeps the first) is thrown here.
    public func finish(writingTo pngPath: String? = nil) throws {
        guard !finished else { return }
        finished = true
        try CairoCall.check(cairo_status(context), "draw the \(format.rawValue)", path: path ?? pngPath)
        if format == .png {
            guard let pngPath else { throw DrawingError(path: nil, message: "a PNG canvas needs a file to write to") }
            cairo_surface_flush(surface)
            try CairoCall.check(cairo_surface_write_to_png(surface, pngPath), "write the PNG", path: pngPath)
        } else if format == .svg, let sink = svgSink {
            cairo_surface_finish(surface)
            if let error = Self.status(of: surface, path: path, action: "write the svg") { throw error }
            var document = String(decoding: sink.data, as: UTF8.self)
            guard let end = document.range(of: "</svg>", options: .backwards) else {
                throw DrawingError(path: path, message: "Cairo's SVG has no closing tag")
            }
            document.insert(contentsOf: "<g id=\"text\">\n" + sink.texts.joined(separator: "\n") + "\n</g>\n", at: end.lowerBound)
            svgDocument = document
            if let path {
                do {
                    try document.write(toFile: path, atomically: false, encoding: .utf8)
                } catch {
                    throw DrawingError(path: path, message: "cannot write the SVG (\(error.localizedDescription))")
                }
            }
        } else {
            cairo_surface_finish(surface)
            if let error = Self.status(of: surface, path: path, action: "write the \(format.rawValue)") { throw error }
        }
    }

    // MARK: state

    public func save() { cairo_save(context) }
    public func restore() { cairo_restore(context) }
    public func translate(_ dx: Double, _ dy: Double) { cairo_translate(context, dx, dy) }
    public func rotate(_ radians: Double) { cairo_rotate(context, radians) }

    public func setColour(_ c: Colour) { cairo_set_source_rgba(context, c.red, c.green, c.blue, c.alpha) }
    public func setLineWidth(_ width: Double) { cairo_set_line_width(context, width) }
    public func setDash(_ pattern: [Double]) { cairo_set_dash(context, pattern, Int32(pattern.count), 0) }
    public func setRoundJoins() {
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_ROUND)
    }
    public func setBevelJoins() { cairo_set_line_join(context, CAIRO_LINE_JOIN_BEVEL) }
    /// Holes of polygons are holes whatever their winding.
    public func setEvenOddFill() { cairo_set_fill_rule(context, CAIRO_FILL_RULE_EVEN_ODD) }
    /// Edges drawn without antialiasing (crisp shared borders of a choropleth in PNG).
    public func setAntialias(_ on: Bool) { cairo_set_antialias(context, on ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE) }

    // MARK: paths

    public func newPath() { cairo_new_path(context) }
    public func move(to x: Double, _ y: Double) { cairo_move_to(context, x, y) }
    public func line(to x: Double, _ y: Double) { cairo_line_to(context, x, y) }
    public func closePath() { cairo_close_path(context) }
    public func rectangle(_ r: Rect) { cairo_rectangle(context, r.x, r.y, r.width, r.height) }
    public func fill(preserve: Bool = false) { preserve ? cairo_fill_preserve(context) : cairo_fill(context) }
    public func stroke(preserve: Bool = false) { preserve ? cairo_stroke_preserve(context) : cairo_stroke(context) }
    /// Restricts drawing to the current path (until the enclosing ``restore()``).
    public func clip() { cairo_clip(context) }

    // MARK: images

    /// Draws an RGBA image (row-major, 4 bytes a pixel, not premultiplied) scaled into `rect`.
    /// `smooth`: bilinear filtering; else nearest neighbour (classes and masks keep their edges).
    public func drawImage(rgba: [UInt8], width: Int, height: Int, in rect: Rect, smooth: Bool) throws {
        guard width > 0, height > 0, rgba.count == width * height * 4 else {
            throw DrawingError(path: path, message: "an image of \(width) x \(height) pixels needs \(width * height * 4) bytes, got \(rgba.count)")
        }
        let image = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(image) }
        if let error = Self.status(of: image, path: path, action: "create a \(width) x \(height) image") { throw error }
        cairo_surface_flush(image)
        let stride = Int(cairo_image_surface_get_stride(image))
        let data = cairo_image_surface_get_data(image)!
        for row in 0..<height {
            let line = data + row * stride
            for column in 0..<width {
                let s = (row * width + column) * 4
                let a = UInt32(rgba[s + 3])
                // Cairo's ARGB32: premultiplied, native-endian 32-bit words.
                let r = UInt32(rgba[s]) * a / 255, g = UInt32(rgba[s + 1]) * a / 255, b = UInt32(rgba[s + 2]) * a / 255
                let word = a << 24 | r << 16 | g << 8 | b
                (line + column * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee = word }
            }
        }
        cairo_surface_mark_dirty(image)
        save()
        rectangle(rect)
        clip()
        cairo_translate(context, rect.x, rect.y)
        cairo_scale(context, rect.width / Double(width), rect.height / Double(height))
        cairo_set_source_surface(context, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST)
        cairo_paint(context)
        restore()
        try CairoCall.check(cairo_status(context), "draw an image", path: path)
    }

    // MARK: text

    /// Lays out `text` in `font` (a Pango description such as "DejaVu Sans Bold 9"), wrapped at `width`
    /// points when given.
    public func text(_ text: String, font: String, width: Double? = nil, alignment: TextBlock.Alignment = .left) -> TextBlock {
        TextBlock(canvas: self, text: text, font: font, width: width, alignment: alignment)
    }
}

/// Laid-out text: its size is known before it is drawn, so a layout can place it.
public final class TextBlock {
    public enum Alignment: Sendable { case left, centre, right }

    let canvas: Canvas
    private let layout: OpaquePointer
    public let text: String
    /// The logical size in points (what lines of text occupy, with their line spacing).
    public let width: Double, height: Double

    /// The font as SVG names it.
    private let family: String, size: Double, bold: Bool

    init(canvas: Canvas, text: String, font: String, width: Double?, alignment: Alignment) {
        self.canvas = canvas
        self.text = text
        layout = pango_layout_new(canvas.pango)
        let description = pango_font_description_from_string(font)
        family = pango_font_description_get_family(description).map { String(cString: $0) } ?? "sans-serif"
        size = Double(pango_font_description_get_size(description)) / Double(PANGO_SCALE)
        bold = pango_font_description_get_weight(description).rawValue >= PANGO_WEIGHT_BOLD.rawValue
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_text(layout, text, -1)
        if let width {
            pango_layout_set_width(layout, Int32((width * Double(PANGO_SCALE)).rounded(.down)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        switch alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .centre: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        let scale = Double(PANGO_SCALE)
        // With a wrap width, alignment is within that width: the block is that wide.
        self.width = width ?? Double(logical.width) / scale
        self.height = Double(logical.height) / scale
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }

    public var lineCount: Int { Int(pango_layout_get_line_count(layout)) }

    /// Draws the text with its top-left corner at (x, y); with `halo`, outlined first in that colour so it
    /// stays readable over a map.
    public func draw(at x: Double, _ y: Double, colour: Colour, halo: Colour? = nil, haloWidth: Double = 2) {
        if let sink = canvas.svgSink {
            sink.texts += svgElements(at: x, y, colour: colour, halo: halo, haloWidth: haloWidth)
            return
        }
        let cr = canvas.context
        if let halo {
            canvas.save()
            cairo_new_path(cr)
            cairo_move_to(cr, x, y)
            pango_cairo_layout_path(cr, layout)
            canvas.setColour(halo)
            canvas.setLineWidth(haloWidth)
            canvas.setRoundJoins()
            cairo_stroke(cr)
            canvas.restore()
        }
        cairo_new_path(cr)
        cairo_move_to(cr, x, y)
        canvas.setColour(colour)
        pango_cairo_show_layout(cr, layout)
        cairo_new_path(cr)
    }

    /// One `<text>` a line, at Pango's baseline, in the current transformation, stretched to Pango's width
    /// (`textLength`) so the layout holds in a viewer with other fonts.
    private func svgElements(at x: Double, _ y: Double, colour: Colour, halo: Colour?, haloWidth: Double) -> [String] {
        var matrix = cairo_matrix_t()
        cairo_get_matrix(canvas.context, &matrix)
        let transform = "matrix(\(n(matrix.xx)) \(n(matrix.yx)) \(n(matrix.xy)) \(n(matrix.yy)) \(n(matrix.x0)) \(n(matrix.y0)))"
        let bytes = Array(text.utf8)
        let scale = Double(PANGO_SCALE)
        var elements: [String] = []
        let iterator = pango_layout_get_iter(layout)
        defer { pango_layout_iter_free(iterator) }
        repeat {
            guard let line = pango_layout_iter_get_line_readonly(iterator) else { continue }
            let start = Int(line.pointee.start_index), length = Int(line.pointee.length)
            guard start >= 0, length > 0, start + length <= bytes.count else { continue }
            let content = String(decoding: bytes[start..<(start + length)], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !content.isEmpty else { continue }
            var ink = PangoRectangle(), logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iterator, &ink, &logical)
            let baseline = Double(pango_layout_iter_get_baseline(iterator)) / scale
            var attributes = "x=\"\(n(x + Double(logical.x) / scale))\" y=\"\(n(y + baseline))\" transform=\"\(transform)\" "
                + "font-family=\"\(xml(family)), sans-serif\" font-size=\"\(n(size))\"\(bold ? " font-weight=\"bold\"" : "") "
                + "fill=\"\(colour.hex)\"\(colour.alpha < 1 ? " fill-opacity=\"\(n(colour.alpha))\"" : "") "
                + "textLength=\"\(n(Double(logical.width) / scale))\" lengthAdjust=\"spacingAndGlyphs\""
            if let halo {
                attributes += " stroke=\"\(halo.hex)\" stroke-opacity=\"\(n(halo.alpha))\" stroke-width=\"\(n(haloWidth))\" stroke-linejoin=\"round\" paint-order=\"stroke\""
            }
            elements.append("<text \(attributes) xml:space=\"preserve\">\(xml(content))</text>")
        } while pango_layout_iter_next_line(iterator) != 0
        return elements
    }

    private func n(_ v: Double) -> String { String(format: "%.3f", v) }

    private func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
