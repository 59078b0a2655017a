import ExposureAdapters
import Cartography
import ExposureCore
import Foundation

/// The default QGIS style of a per-region layer, as QML (QGIS's style format, loaded from `NAME.qml` beside a
/// GeoJSON or from a GeoPackage's `layer_styles` table):
///
/// * one rule per class of the headline column (zero its own class, then classes over the non-zero values
///   with breaks rounded to readable numbers, ColorBrewer YlOrRd), drawn with the legend's labels;
/// * one more rule on top, "hazard data incomplete (> 5 % of people)": regions whose share of people with
///   the hazard unknown is above the threshold get a hatch over their class colour, so an incomplete region
///   never reads as safe;
/// * region names as labels, each field's title as its alias and its display precision (whole people, rates
///   to one decimal) set without rounding the stored values.
///
/// The renderer is QGIS's rule-based one because a graduated renderer can hold no extra rule: the classes
/// and the hatch must both be legend entries.
public struct LayerStyle: Sendable {
    public let headline: ResultColumn
    public let classification: Classification
    public let colours: [String]
    public let labelField: String?
    public let unknownShareField: String?
    public let unknownThreshold: Double
    public let columns: [ResultColumn]

    /// The style for `table`: graduated on `headline`, hatched where `hazard_unknown_share` exceeds `unknownThreshold`.
    public init(table: ResultTable, headline: String, unknownThreshold: Double, palette: Palette = .yellowOrangeRed, classes: Int = 5) {
        let index = table.columns.firstIndex { $0.name == headline } ?? 0
        self.headline = table.columns[index]
        let values = table.rows.map { row -> Double in
            if case .real(let v) = row[index] { return v }
            return .nan
        }
        classification = Classification.make(values, method: .quantile, count: classes)
        let nonZero = classification.classes.filter { !$0.isZero }.count
        let ramp = palette.colours(nonZero)
        var colours: [String] = []
        var next = 0
        for c in classification.classes {
            if c.isZero { colours.append(Palette.zeroColour) } else { colours.append(ramp[next]); next += 1 }
        }
        self.colours = colours
        let names = table.columns.firstIndex { $0.name == "region_name" }
        let hasNames = names.map { i in table.rows.contains { if case .string(let s) = $0[i] { return !s.isEmpty } else { return false } } } ?? false
        labelField = hasNames ? "region_name" : (table.columns.contains { $0.name == "region_id" } ? "region_id" : nil)
        unknownShareField = table.columns.contains { $0.name == "hazard_unknown_share" } ? "hazard_unknown_share" : nil
        self.unknownThreshold = unknownThreshold
        columns = table.columns
    }

    /// "hazard data incomplete (> 5 % of people)".
    public var incompleteLabel: String { "hazard data incomplete (> \(LayerStyle.percent(unknownThreshold)) of people)" }

    /// The legend label of each class, e.g. "0", "0 - 12", "12 - 40", "> 40" (numbers as English writes them).
    public var classLabels: [String] {
        classification.classes.enumerated().map { i, c in
            if c.isZero { return "0" }
            let decimals = headline.kind == .people ? 0 : 1
            if i == classification.classes.count - 1 && classification.classes.count > 1 {
                return "> \(LayerStyle.number(c.lower, decimals: decimals))"
            }
            // The class just above the zero class starts above zero.
            if i == 1 && classification.classes[0].isZero {
                return "> 0 - \(LayerStyle.number(c.upper, decimals: decimals))"
            }
            return "\(LayerStyle.number(c.lower, decimals: decimals)) - \(LayerStyle.number(c.upper, decimals: decimals))"
        }
    }

    /// QGIS's filter expression of each class (the last class is open above, so no value is left unstyled).
    public var classFilters: [String] {
        let field = LayerStyle.quoted(headline.name)
        let count = classification.classes.count
        return classification.classes.enumerated().map { i, c in
            if c.isZero { return "\(field) = 0" }
            let first = i == 0 || (i == 1 && classification.classes[0].isZero)
            let lower = first && !classification.classes[0].isZero ? "\(field) >= \(c.lower)" : "\(field) > \(c.lower)"
            return i == count - 1 ? lower : "\(lower) AND \(field) <= \(c.upper)"
        }
    }

    /// The whole QML document.
    public func qml() -> String {
        var rules = ""
        var symbols = ""
        let labels = classLabels
        for (i, filter) in classFilters.enumerated() {
            rules += "      <rule key=\"{class-\(i)}\" symbol=\"\(i)\" filter=\"\(LayerStyle.xml(filter))\" label=\"\(LayerStyle.xml(labels[i]))\"/>\n"
            symbols += LayerStyle.fillSymbol(name: "\(i)", colour: colours[i])
        }
        if let unknownShareField {
            let i = classFilters.count
            let filter = "\(LayerStyle.quoted(unknownShareField)) > \(unknownThreshold)"
            rules += "      <rule key=\"{incomplete}\" symbol=\"\(i)\" filter=\"\(LayerStyle.xml(filter))\" label=\"\(LayerStyle.xml(incompleteLabel))\"/>\n"
            symbols += LayerStyle.hatchSymbol(name: "\(i)")
        }
        var fields = "", aliases = ""
        for (index, column) in columns.enumerated() {
            if column.isText {
                fields += "    <field name=\"\(LayerStyle.xml(column.name))\" configurationFlags=\"None\"><editWidget type=\"TextEdit\"><config><Option/></config></editWidget></field>\n"
            } else {
                fields += """
                    <field name="\(LayerStyle.xml(column.name))" configurationFlags="None"><editWidget type="Range"><config><Option type="Map">\
                <Option type="bool" name="AllowNull" value="true"/><Option type="int" name="Precision" value="\(column.displayDecimals)"/>\
                <Option type="double" name="Min" value="-1.7976931348623157e+308"/><Option type="double" name="Max" value="1.7976931348623157e+308"/>\
                <Option type="QString" name="Style" value="SpinBox"/></Option></config></editWidget></field>

                """
            }
            aliases += "    <alias index=\"\(index)\" field=\"\(LayerStyle.xml(column.name))\" name=\"\(LayerStyle.xml(column.title))\"/>\n"
        }
        let labeling = labelField.map { field in
            """
              <labeling type="simple">
                <settings calloutType="simple">
                  <text-style fieldName="\(LayerStyle.xml(field))" isExpression="0" fontSize="8" fontSizeUnit="Point" textColor="35,35,35,255" fontFamily="Sans Serif" namedStyle="Regular" fontWeight="50" textOpacity="1">
                    <text-buffer bufferDraw="1" bufferSize="0.7" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.8" bufferNoFill="1" bufferJoinStyle="128" bufferBlendMode="0"/>
                  </text-style>
                  <placement placement="1" polygonPlacementFlags="2" fitInPolygonOnly="1" centroidInside="1" centroidWhole="0" priority="5" dist="0" distUnits="MM"/>
                  <rendering obstacle="1" obstacleType="1" displayAll="0" drawLabels="1" upsidedownLabels="0" labelPerPart="0" mergeLines="0" scaleVisibility="0" maxNumLabels="2000" limitNumLabels="0" fontMinPixelSize="3" fontMaxPixelSize="10000" fontLimitPixelSize="0" minFeatureSize="0" zIndex="0"/>
                </settings>
              </labeling>

            """
        } ?? ""
        return """
            <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
            <qgis version="3.22.0" styleCategories="AllStyleCategories" labelsEnabled="\(labelField == nil ? 0 : 1)">
              <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">
                <rules key="{root}">
            \(rules)    </rules>
                <symbols>
            \(symbols)    </symbols>
              </renderer-v2>
            \(labeling)  <fieldConfiguration>
            \(fields)  </fieldConfiguration>
              <aliases>
            \(aliases)  </aliases>
              <legend type="default-vector" showLabelLegend="0"/>
              <layerGeometryType>2</layerGeometryType>
            </qgis>

            """
    }

    public static func fillSymbol(name: String, colour: String) -> String {
        """
              <symbol type="fill" name="\(name)" alpha="1" clip_to_extent="1" force_rhr="0">
                <layer class="SimpleFill" pass="0" enabled="1" locked="0">
                  <Option type="Map">
                    <Option type="QString" name="color" value="\(rgba(colour))"/>
                    <Option type="QString" name="style" value="solid"/>
                    <Option type="QString" name="outline_color" value="99,99,99,255"/>
                    <Option type="QString" name="outline_style" value="solid"/>
                    <Option type="QString" name="outline_width" value="0.2"/>
                    <Option type="QString" name="outline_width_unit" value="MM"/>
                    <Option type="QString" name="joinstyle" value="bevel"/>
                  </Option>
                </layer>
              </symbol>

        """
    }

    /// Dark diagonal lines 2 mm apart, over a transparent fill: the class colour shows through.
    public static func hatchSymbol(name: String) -> String {
        """
              <symbol type="fill" name="\(name)" alpha="1" clip_to_extent="1" force_rhr="0">
                <layer class="LinePatternFill" pass="0" enabled="1" locked="0">
                  <Option type="Map">
                    <Option type="QString" name="angle" value="45"/>
                    <Option type="QString" name="distance" value="2"/>
                    <Option type="QString" name="distance_unit" value="MM"/>
                    <Option type="QString" name="line_width" value="0.3"/>
                    <Option type="QString" name="line_width_unit" value="MM"/>
                    <Option type="QString" name="color" value="37,37,37,255"/>
                  </Option>
                  <symbol type="line" name="@\(name)@0" alpha="1" clip_to_extent="1" force_rhr="0">
                    <layer class="SimpleLine" pass="0" enabled="1" locked="0">
                      <Option type="Map">
                        <Option type="QString" name="line_color" value="37,37,37,255"/>
                        <Option type="QString" name="line_width" value="0.3"/>
                        <Option type="QString" name="line_width_unit" value="MM"/>
                        <Option type="QString" name="line_style" value="solid"/>
                      </Option>
                    </layer>
                  </symbol>
                </layer>
                <layer class="SimpleLine" pass="0" enabled="1" locked="0">
                  <Option type="Map">
                    <Option type="QString" name="line_color" value="37,37,37,255"/>
                    <Option type="QString" name="line_width" value="0.4"/>
                    <Option type="QString" name="line_width_unit" value="MM"/>
                    <Option type="QString" name="line_style" value="solid"/>
                  </Option>
                </layer>
              </symbol>

        """
    }

    /// `#fd8d3c` -> `253,141,60,255`.
    public static func rgba(_ hex: String) -> String {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        let value = Int(digits, radix: 16) ?? 0
        return "\((value >> 16) & 255),\((value >> 8) & 255),\(value & 255),255"
    }

    public static func quoted(_ field: String) -> String { "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    public static func xml(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { out += " " } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    /// A number as English writes it in a legend: thousands separated by commas, `decimals` at most.
    public static func number(_ value: Double, decimals: Int) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.numberStyle = .decimal
        formatter.usesGroupingSeparator = true
        formatter.groupingSeparator = ","
        formatter.groupingSize = 3
        formatter.minimumFractionDigits = 0
        // Breaks below 1 keep their two significant digits.
        formatter.maximumFractionDigits = abs(value) < 1 && value != 0 ? max(decimals, 3) : decimals
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    public static func percent(_ share: Double) -> String {
        let value = share * 100
        return (value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)) + " %"
    }
}
