import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift

/// How a raster written by exposure opens in QGIS: a sidecar `NAME.qml` that QGIS loads by itself, with the
/// categories of a mask (QGIS 3.22 takes a GeoTIFF's colours but not its category names) or the colour
/// ramp of a continuous raster (depths, indices, distances, people per cell). Masks also carry the colour
/// table and category names in the file itself, for `gdalinfo` and other GDAL readers.
public enum RasterStyle: Sendable {
    /// Categories of a mask (1 yes, 0 no, 255 no data).
    case categories([RasterCategory])
    /// A continuous ramp: (value, colour, label) stops, interpolated; with `clip`, values below the first
    /// stop (and above the last) are not drawn.
    case ramp([(value: Double, colour: String, label: String)], clip: Bool = false)

    /// Water masks of `exposure water`.
    public static let water = RasterStyle.categories([
        RasterCategory(value: 0, name: "not water", colour: "#f0f0f0"),
        RasterCategory(value: 1, name: "water", colour: "#2171b5"),
        RasterCategory(value: 255, name: "no data", colour: "#00000000"),
    ])

    /// Flood masks of `exposure flood-extent`.
    public static let flood = RasterStyle.categories([
        RasterCategory(value: 0, name: "not flooded", colour: "#f0f0f0"),
        RasterCategory(value: 1, name: "flooded", colour: "#08519c"),
        RasterCategory(value: 255, name: "no data", colour: "#00000000"),
    ])

    /// Water depth in metres, light to dark blue (ColorBrewer Blues) up to `maximum`; dry cells (depth 0)
    /// are not drawn, so dry land never looks flooded.
    public static func depth(maximum: Double) -> RasterStyle {
        let top = max(0.1, maximum)
        return .ramp([(0.001, "#deebf7", "> 0 m"), (top / 2, "#6baed6", String(format: "%.2g m", top / 2)),
                      (top, "#08306b", String(format: "%.2g m", top))], clip: true)
    }

    /// A normalised difference index, -1 to 1: brown (dry) through white to blue (wet), ColorBrewer BrBG.
    public static let normalisedIndex = RasterStyle.ramp([(-1, "#8c510a", "-1"), (-0.5, "#d8b365", "-0.5"), (0, "#f5f5f5", "0"),
                                                          (0.5, "#5ab4ac", "0.5"), (1, "#01665e", "1")])

    /// Distance to water in metres, 0 to `maximum`: dark blue near water to pale far away.
    public static func distance(maximum: Double) -> RasterStyle {
        let top = max(1, maximum)
        return .ramp([(0, "#08306b", "0 m"), (top / 4, "#4292c6", String(format: "%.0f m", top / 4)), (top, "#f7fbff", String(format: "%.0f m", top))])
    }

    /// People per cell, 0 to `maximum`: ColorBrewer YlOrRd.
    public static func people(maximum: Double) -> RasterStyle {
        let top = max(1, maximum)
        return .ramp([(0, "#ffffb2", "0"), (top / 4, "#fd8d3c", String(format: "%.0f", top / 4)), (top, "#bd0026", String(format: "%.0f", top))])
    }

    /// The sidecar QML.
    public var qml: String? {
        switch self {
        case .categories(let categories):
            let entries = categories.map { c -> String in
                let (r, g, b, a) = RasterCategory.components(c.colour)
                let colour = String(format: "#%02x%02x%02x", r, g, b)
                return "          <paletteEntry value=\"\(c.value)\" color=\"\(colour)\" alpha=\"\(a)\" label=\"\(LayerStyle.xml(c.name))\"/>"
            }
            return RasterStyle.document(renderer: """
                <rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" nodataColor="">
                  <colorPalette>
                \(entries.joined(separator: "\n"))
                  </colorPalette>
                </rasterrenderer>
                """)
        case .ramp(let stops, let clip):
            guard let first = stops.first, let last = stops.last else { return nil }
            let items = stops.map {
                "          <item value=\"\($0.value)\" alpha=\"255\" label=\"\(LayerStyle.xml($0.label))\" color=\"\($0.colour)\"/>"
            }
            return RasterStyle.document(renderer: """
                <rasterrenderer type="singlebandpseudocolor" band="1" opacity="1" alphaBand="-1" classificationMin="\(first.value)" classificationMax="\(last.value)" nodataColor="">
                  <rastershader>
                    <colorrampshader colorRampType="INTERPOLATED" classificationMode="1" clip="\(clip ? 1 : 0)" minimumValue="\(first.value)" maximumValue="\(last.value)">
                \(items.joined(separator: "\n"))
                    </colorrampshader>
                  </rastershader>
                </rasterrenderer>
                """)
        }
    }

    /// A raster QML document around its renderer.
    public static func document(renderer: String) -> String {
        let indented = renderer.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        return """
            <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
            <qgis version="3.22.0" styleCategories="AllStyleCategories">
              <pipe>
            \(indented)
                <brightnesscontrast gamma="1" contrast="0" brightness="0"/>
                <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0"/>
                <rasterresampler maxOversampling="2"/>
              </pipe>
              <blendMode>0</blendMode>
            </qgis>

            """
    }

    /// `depth.tif` -> `depth.qml`.
    public static func sidecarPath(for raster: String) -> String { (raster as NSString).deletingPathExtension + ".qml" }

}
