import Drawing
import GridGeometry

/// Everything a printed map shows, already decided and worded: regions in the map's CRS with their class,
/// the legend's lines, backgrounds as images, the texts of the margins. The renderer only places and
/// draws; deciding classes, languages and sources is the caller's (ExposureWorkflows' map workflow).
public struct MapDocument {
    /// A region to draw: its polygons (exterior ring first, then holes) in the map's CRS.
    public struct Region {
        public var id: String
        public var polygons: [[[MapPoint]]]
        /// Index into ``MapDocument/classes``; nil draws the region as "no data".
        public var classIndex: Int?
        public var hatched: Bool
        /// The label drawn inside the region (nil: none) and where (a point inside it, map CRS).
        public var label: String?
        public var labelPoint: MapPoint?
        /// Larger regions get their labels first when labels collide.
        public var area: Double

        public init(id: String, polygons: [[[MapPoint]]], classIndex: Int?, hatched: Bool, label: String?,
                    labelPoint: MapPoint?, area: Double) {
            self.id = id
            self.polygons = polygons
            self.classIndex = classIndex
            self.hatched = hatched
            self.label = label
            self.labelPoint = labelPoint
            self.area = area
        }
    }

    /// A legend entry: a swatch of `colour` and its label.
    public struct LegendClass {
        public var colour: Colour
        public var label: String

        public init(colour: Colour, label: String) {
            self.colour = colour
            self.label = label
        }
    }

    /// A raster drawn under the regions, already on the map's grid, with its own legend.
    public struct Background {
        public enum Legend {
            /// Category swatches (a water or flood mask).
            case swatches(title: String, [LegendClass])
            /// A continuous ramp from `low` to `high` (a depth).
            case ramp(title: String, colours: [Colour], low: String, high: String)
            /// A line of text (a true-colour scene).
            case note(String)
        }

        public var rgba: [UInt8]
        public var width: Int, height: Int
        /// The image's extent in the map's CRS.
        public var extent: MapExtent
        /// Bilinear when scaled (scenes, depths); nearest neighbour for categories.
        public var smooth: Bool
        public var legend: Legend

        public init(rgba: [UInt8], width: Int, height: Int, extent: MapExtent, smooth: Bool, legend: Legend) {
            self.rgba = rgba
            self.width = width
            self.height = height
            self.extent = extent
            self.smooth = smooth
            self.legend = legend
        }
    }

    public var title: String
    public var subtitle: String?
    /// The legend's heading (what the colours mean) and its unit line.
    public var legendTitle: String
    public var legendUnit: String
    public var classes: [LegendClass]
    /// Shown in the legend when some region has no value.
    public var noDataLabel: String
    /// Shown in the legend when some region is hatched.
    public var hatchLabel: String
    public var regions: [Region]
    /// The rasters under the regions, made for the extent the frame shows at the size it has in pixels
    /// (known only once the page is laid out).
    public var backgrounds: (_ extent: MapExtent, _ width: Int, _ height: Int) throws -> [Background]
    /// What the map frame must show (the regions' extent, map CRS).
    public var extent: MapExtent
    /// Ground metres per map unit at the map's centre (the CRS's unit and its scale factor there), for the
    /// scale bar.
    public var groundMetresPerUnit: Double
    /// The direction of true north at the centre, in radians clockwise from the page's up.
    public var northAngle: Double
    /// The letter on the north arrow and how a scale bar length is written ("5 km", "500 m").
    public var northLetter: String
    public var formatScaleLength: (Double) -> String
    /// Lines of the margin below the map (CRS, sources, producer and date, caution, disclaimer).
    public var footer: [String]
    /// Fill opacity of the regions (below 1 over a background, so it shows through).
    public var regionOpacity: Double

    public init(title: String, subtitle: String?, legendTitle: String, legendUnit: String, classes: [LegendClass],
                noDataLabel: String, hatchLabel: String, regions: [Region],
                backgrounds: @escaping (MapExtent, Int, Int) throws -> [Background],
                extent: MapExtent, groundMetresPerUnit: Double, northAngle: Double, northLetter: String,
                formatScaleLength: @escaping (Double) -> String, footer: [String], regionOpacity: Double) {
        self.title = title
        self.subtitle = subtitle
        self.legendTitle = legendTitle
        self.legendUnit = legendUnit
        self.classes = classes
        self.noDataLabel = noDataLabel
        self.hatchLabel = hatchLabel
        self.regions = regions
        self.backgrounds = backgrounds
        self.extent = extent
        self.groundMetresPerUnit = groundMetresPerUnit
        self.northAngle = northAngle
        self.northLetter = northLetter
        self.formatScaleLength = formatScaleLength
        self.footer = footer
        self.regionOpacity = regionOpacity
    }
}

/// A rectangle of map coordinates.
public struct MapExtent: Sendable, Equatable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }

    /// The extent of the exterior rings of `polygons` (nil when there are none).
    public static func of(_ polygons: [[[MapPoint]]]) -> MapExtent? {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for polygon in polygons {
            guard let ring = polygon.first else { continue }
            for p in ring where p.x.isFinite && p.y.isFinite {
                minX = min(minX, p.x); maxX = max(maxX, p.x)
                minY = min(minY, p.y); maxY = max(maxY, p.y)
            }
        }
        return minX <= maxX ? MapExtent(minX: minX, minY: minY, maxX: maxX, maxY: maxY) : nil
    }

    /// The smallest extent holding both.
    public func union(_ other: MapExtent) -> MapExtent {
        MapExtent(minX: min(minX, other.minX), minY: min(minY, other.minY), maxX: max(maxX, other.maxX), maxY: max(maxY, other.maxY))
    }
}

/// Where the map frame landed on the page and how page points map to map coordinates: what a world file
/// needs.
public struct MapPlacement: Sendable, Equatable {
    /// The map frame, in page points.
    public let frame: Rect
    /// The map coordinates shown in the frame (the regions' extent grown to the frame's shape).
    public let extent: MapExtent
    /// Map units per page point (the same along x and y).
    public let unitsPerPoint: Double
    /// Labels drawn and labels left out because they collided or did not fit in their region.
    public let labelsDrawn: Int, labelsDropped: Int

    /// The page point of a map coordinate.
    public func page(_ p: MapPoint) -> (x: Double, y: Double) {
        (frame.x + (p.x - extent.minX) / unitsPerPoint, frame.y + (extent.maxY - p.y) / unitsPerPoint)
    }

    /// The world file of an image of this page at `pixelsPerPoint`: pixel size, rotations (0), and the
    /// map coordinates of the upper-left pixel's centre (ESRI's six lines).
    public func worldFile(pixelsPerPoint: Double) -> [Double] {
        let size = unitsPerPoint / pixelsPerPoint
        let halfPixel = 0.5 / pixelsPerPoint
        return [size, 0, 0, -size,
                extent.minX + (halfPixel - frame.x) * unitsPerPoint,
                extent.maxY - (halfPixel - frame.y) * unitsPerPoint]
    }
}
