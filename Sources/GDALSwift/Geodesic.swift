import CPROJ

/// Distances on the WGS 84 ellipsoid by PROJ's geodesic routines (Karney's algorithm, exact to nanometres).
public enum Geodesic {
    /// The shortest distance in metres between two points given as (longitude, latitude) in degrees.
    public static func distance(from a: (lon: Double, lat: Double), to b: (lon: Double, lat: Double)) -> Double {
        var geodesic = geod_geodesic()
        geod_init(&geodesic, 6_378_137, 1 / 298.257223563)
        var metres = 0.0, azimuth1 = 0.0, azimuth2 = 0.0
        geod_inverse(&geodesic, a.lat, a.lon, b.lat, b.lon, &metres, &azimuth1, &azimuth2)
        return metres
    }
}
