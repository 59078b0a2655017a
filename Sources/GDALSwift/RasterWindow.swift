/// A rectangle of cells: column and row of its top-left cell, and its size in cells.
public struct RasterWindow: Hashable, Sendable, CustomStringConvertible {
    public var column: Int
    public var row: Int
    public var width: Int
    public var height: Int

    public init(column: Int, row: Int, width: Int, height: Int) {
        self.column = column
        self.row = row
        self.width = width
        self.height = height
    }

    public var cellCount: Int { width * height }
    public var description: String { "window(col \(column), row \(row), \(width)x\(height))" }
}
