import GDALSwift
import Synchronization

/// EPSG codes of CRSs, identified once per distinct CRS: identifying a CRS without an authority code
/// searches PROJ's database (about 0.1 s), and a scenario run meets the same CRS many times.
public enum CRSIdentification {
    private static let cache = Mutex<[String: Int?]>([:])

    public static func epsg(of srs: SpatialReference, wkt: String) -> Int? {
        if let known = cache.withLock({ $0[wkt] }) { return known }
        let code = srs.epsgCode
        cache.withLock { $0[wkt] = code }
        return code
    }
}
