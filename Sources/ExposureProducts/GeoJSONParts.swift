import ExposureAdapters
import ExposureCore
import Foundation
import GDALSwift
import Synchronization

/// A GeoJSON layer written in parts on several threads. GDAL's GeoJSON driver writes a layer on one thread, and
/// with RFC 7946 (reprojection to WGS 84, right-hand winding, 7 decimals) and a hundred columns per region that
/// takes most of a second for a country's municipalities. So each part of the rows is written by its own driver
/// instance into its own file (its own GDAL handles, its geometries rebuilt from WKB), and the parts' feature
/// arrays are joined: the same bytes as one driver writing every feature (ResultWriterTests checks it).
/// The driver writes the properties; the geometries, where ``RFC7946Geometry`` can make the driver's text
/// (almost always), are written by it (the driver gets no geometry and writes `null`, replaced when joining).
enum GeoJSONParts {
    /// Parts worth their overhead: one per thread, each of at least `minimumRows` rows.
    static let minimumRows = 100

    static func count(rows: Int, threads: Int) -> Int {
        max(1, min(threads, rows / minimumRows))
    }

    /// Writes `table` (one row per region of `regions`) as one GeoJSON file at `path`, in `parts` parts; false
    /// (nothing at `path`) when the driver wrote the parts in a form ``join(_:)`` does not know. The part files
    /// lie beside `path` (in the output folder) and are removed, whatever happens.
    static func write(_ table: ResultTable, regions: RegionSet, to path: String, parts: Int) throws -> Bool {
        let crs = try regions.spatialReference.wkt()
        let geometries = try regions.geometries.map { try $0?.wkb() }
        let n = table.rows.count
        let ranges = (0..<parts).map { k in (k * n / parts)..<((k + 1) * n / parts) }
        let partPaths = ranges.indices.map { "\(path).part\($0)" }
        // A part left by a command killed while writing is replaced, and every part is removed at the end.
        for part in partPaths { try? FileManager.default.removeItem(atPath: part) }
        defer { for part in partPaths { try? FileManager.default.removeItem(atPath: part) } }
        let failures = Mutex<[Int: any Error]>([:])
        let madeTexts = Mutex<[Int: [String?]]>([:])
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            do {
                let dataset = try Driver.named("GeoJSON").createVector(path: partPaths[k])
                let spatialReference = try SpatialReference(definition: crs)
                let maker = try RFC7946Geometry(crs: spatialReference)
                var texts: [String?] = []
                try ResultWriter.writeLayer(table, rows: ranges[k], geometries: { i in
                    guard let wkb = geometries[i] else {
                        texts.append(nil)
                        return nil
                    }
                    let geometry = try Geometry(wkb: wkb).asMultiPolygon()
                    let text = try maker?.text(geometry)
                    texts.append(text)
                    return text == nil ? geometry : nil
                }, spatialReference: spatialReference, into: dataset)
                try dataset.close()
                madeTexts.withLock { $0[k] = texts }
            } catch {
                failures.withLock { $0[k] = error }
            }
        }
        if let (k, failure) = failures.withLock({ $0.min { $0.key < $1.key } }) {
            // Named as the output (the part file is an implementation detail), with the rows it held.
            let message = "\(failure)".replacingOccurrences(of: partPaths[k], with: path)
            throw ExposureError("\(message) (writing the features of rows \(ranges[k].lowerBound + 1)-\(ranges[k].upperBound))")
        }
        let texts = try partPaths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let made = madeTexts.withLock { made in ranges.indices.map { made[$0] ?? [] } }
        guard let joined = join(texts, geometries: made) else { return false }
        try joined.write(to: URL(fileURLWithPath: path))
        return true
    }

    /// The parts' feature arrays joined into one collection, or nil unless every part has the same header up to
    /// its `"features": [` line, at least one feature, and the driver's closing `]` and `}` lines. With
    /// `geometries` (per part, per feature: the geometry's text, or nil where the driver wrote it), each part
    /// must hold one line per feature, and a feature with a text must end in the driver's `"geometry": null }`,
    /// whose `null` the text replaces.
    static func join(_ parts: [Data], geometries: [[String?]]? = nil) -> Data? {
        let opening = Data("\"features\": [\n".utf8), closing = Data("\n]\n}\n".utf8), separator = Data(",\n".utf8)
        var header: Data?
        var joined = Data()
        for (k, part) in parts.enumerated() {
            guard let open = part.range(of: opening), part.count > open.upperBound + closing.count,
                  part.suffix(closing.count) == closing else { return nil }
            let head = part[part.startIndex..<open.upperBound]
            if let header {
                guard head == header else { return nil }
                joined += separator
            } else {
                header = head
                joined += head
            }
            let features = part[open.upperBound..<(part.endIndex - closing.count)]
            if let geometries {
                guard k < geometries.count, let spliced = splice(features, geometries[k]) else { return nil }
                joined += spliced
            } else {
                joined += features
            }
        }
        return joined + closing
    }

    /// The features of one part (one per line, `,` ending all but the last) with `null` geometries replaced.
    private static func splice(_ features: Data, _ geometries: [String?]) -> Data? {
        guard !geometries.isEmpty else { return nil }
        let null = Array("\"geometry\": null }".utf8), member = Array("\"geometry\": ".utf8)
        let bytes = [UInt8](features)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + geometries.reduce(0) { $0 + ($1?.utf8.count ?? 0) })
        var start = 0
        for (j, text) in geometries.enumerated() {
            let last = j == geometries.count - 1
            guard start <= bytes.count else { return nil }
            let newline = last ? bytes.count : (bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? -1)
            guard newline >= 0 else { return nil }
            var end = newline
            if !last {
                guard end > start, bytes[end - 1] == UInt8(ascii: ",") else { return nil }
                end -= 1
            } else if bytes[start..<end].contains(UInt8(ascii: "\n")) {
                return nil
            }
            if let text {
                guard end - start >= null.count, bytes[(end - null.count)..<end].elementsEqual(null) else { return nil }
                out += bytes[start..<(end - null.count)]
                out += member
                out += text.utf8
                out += " }".utf8
            } else {
                out += bytes[start..<end]
            }
            if !last { out += ",\n".utf8 }
            start = newline + 1
        }
        return Data(out)
    }
}
