// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "exposure",
    products: [
        .executable(name: "exposure", targets: ["exposure"]),
        .library(name: "ExposureCore", targets: ["ExposureCore"]),
        .library(name: "ExposureWorkflows", targets: ["ExposureWorkflows"]),
        .library(name: "GDALSwift", targets: ["GDALSwift"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CGDAL", pkgConfig: "gdal",
            providers: [.apt(["libgdal-dev"]), .brew(["gdal"])]),
        .systemLibrary(
            name: "CPROJ", pkgConfig: "proj",
            providers: [.apt(["libproj-dev"]), .brew(["proj"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        .systemLibrary(
            name: "CPangoCairo", pkgConfig: "pangocairo",
            providers: [.apt(["libcairo2-dev", "libpango1.0-dev"]), .brew(["pango", "cairo"])]),
        .target(name: "GridGeometry"),
        // Two inner loops in AVX2, chosen at run time on processors that have it (the Swift code is built for
        // baseline x86-64): the Float32 predictor's rows and the classing of hazard values.
        .target(name: "SIMDKernels"),
        .target(
            name: "GDALSwift",
            dependencies: ["CGDAL", "CPROJ", "GridGeometry", "SIMDKernels"]),
        .target(name: "ExposureCore", dependencies: ["GridGeometry"]),
        .target(name: "Imagery", dependencies: ["ExposureCore"]),
        .target(name: "Cartography"),
        // The maps' texts in en, es, pt and fr (gettext .po catalogs), number and date formatting.
        .target(name: "Localization", resources: [.copy("Catalog")]),
        // A thin Swift wrapper over Cairo and Pango: one page drawn as PNG, PDF or SVG from the same calls.
        .target(name: "Drawing", dependencies: ["CPangoCairo"]),
        // Printed maps: a fully worded map document laid out and drawn (title, frame, legend, notes).
        .target(name: "Maps", dependencies: ["Drawing", "GridGeometry"]),
        // Reports: one self-contained HTML file (Mustache template, inline SVG maps and charts), in four languages.
        .target(
            name: "Reports",
            dependencies: ["Localization", .product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Templates")]),
        // Between GDAL and the engine: raster and region reading, hazard plans, raster writing.
        .target(name: "ExposureAdapters", dependencies: ["GDALSwift", "ExposureCore", "Imagery", "CCrypto", "SIMDKernels"]),
        // What a command leaves: the output set (all or nothing), tables, styles, GeoPackage extras, provenance.
        .target(name: "ExposureProducts", dependencies: ["ExposureAdapters", "GDALSwift", "ExposureCore", "Cartography"]),
        // Each command's plan and run: analysis, scenario run, census gridding, inundation, water and flood mapping.
        .target(
            name: "ExposureWorkflows",
            dependencies: [
                "ExposureAdapters", "ExposureProducts", "GDALSwift", "ExposureCore", "Imagery",
                "Maps", "Drawing", "Cartography", "Localization", "Reports",
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "exposure",
            dependencies: [
                "ExposureWorkflows", "ExposureProducts", "ExposureAdapters", "ExposureCore", "Imagery",
                "Cartography", "Localization",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "make-sample-data",
            dependencies: ["ExposureWorkflows", "ExposureProducts", "ExposureAdapters", "GDALSwift", "ExposureCore"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "GDALSwiftTests", dependencies: ["GDALSwift", "SIMDKernels", "TestSupport"]),
        .testTarget(name: "ExposureCoreTests", dependencies: ["ExposureCore"]),
        .testTarget(name: "ImageryTests", dependencies: ["Imagery", "ExposureCore"]),
        .testTarget(name: "CartographyTests", dependencies: ["Cartography"]),
        .testTarget(name: "MapsTests", dependencies: ["Maps", "Drawing", "GridGeometry"]),
        .testTarget(name: "LocalizationTests", dependencies: ["Localization"]),
        .testTarget(
            name: "ExposureIOTests", dependencies: ["ExposureWorkflows", "ExposureProducts", "ExposureAdapters", "GDALSwift", "ExposureCore", "SIMDKernels", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["exposure", "GDALSwift", "Localization", "TestSupport"]),
        .testTarget(name: "FuzzTests", dependencies: ["ExposureWorkflows", "ExposureProducts", "ExposureAdapters", "ExposureCore", "GDALSwift"]),
    ],
    swiftLanguageModes: [.v6]
)
