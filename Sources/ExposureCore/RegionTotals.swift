/// Sums for one region: population, population per hazard class, population where the hazard is unknown.
/// All are `sum over cells of coverage fraction x cell count [x class share]`.
public struct RegionTotals: Sendable, Equatable {
    public var population: Double = 0
    public var hazardUnknown: Double = 0
    /// Population in class i at index i - 1.
    public var exposedByClass: [Double]

    public init(classCount: Int) {
        exposedByClass = [Double](repeating: 0, count: classCount)
    }

    public var exposed: Double { exposedByClass.reduce(0, +) }

    public mutating func add(_ other: RegionTotals) {
        population += other.population
        hazardUnknown += other.hazardUnknown
        for i in exposedByClass.indices { exposedByClass[i] += other.exposedByClass[i] }
    }
}

/// The figures reported for a region, derived from its totals and the classes' rates (docs/methodology.md).
public struct RegionFigures: Sendable {
    public let population: Double
    public let exposed: Double
    public let displaced: Double
    /// exposed / population (0 where nobody lives).
    public let exposedShare: Double
    /// displaced per 100,000 inhabitants (0 where nobody lives).
    public let displacedPer100k: Double
    public let hazardUnknown: Double
    public let exposedByClass: [Double]
    public let displacedByClass: [Double]

    public init(totals: RegionTotals, classes: HazardClasses?) {
        population = totals.population
        hazardUnknown = totals.hazardUnknown
        exposedByClass = totals.exposedByClass
        let rates = classes?.rates ?? []
        displacedByClass = zip(totals.exposedByClass, rates).map { $0 * $1 }
        exposed = totals.exposed
        displaced = displacedByClass.reduce(0, +)
        exposedShare = population > 0 ? exposed / population : 0
        displacedPer100k = population > 0 ? displaced / population * 100_000 : 0
    }
}
