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
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            do {
                let dataset = try Driver.named("GeoJSON").createVector(path: partPaths[k])
                try ResultWriter.writeLayer(table, rows: ranges[k], geometries: { i in
                    try geometries[i].map { try Geometry(wkb: $0).asMultiPolygon() }
                }, spatialReference: try SpatialReference(definition: crs), into: dataset)
                try dataset.close()
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
        guard let joined = join(texts) else { return false }
        try joined.write(to: URL(fileURLWithPath: path))
        return true
    }

    /// The parts' feature arrays joined into one collection, or nil unless every part has the same header up to
    /// its `"features": [` line, at least one feature, and the driver's closing `]` and `}` lines.
    static func join(_ parts: [Data]) -> Data? {
        let opening = Data("\"features\": [\n".utf8), closing = Data("\n]\n}\n".utf8), separator = Data(",\n".utf8)
        var header: Data?
        var joined = Data()
        for part in parts {
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
            joined += part[open.upperBound..<(part.endIndex - closing.count)]
        }
        return joined + closing
    }
}
