@_exported import GridGeometry

/// A rectangle of cells: column and row of its top-left cell, and its size in cells (the engine's
/// ``GridWindow``: one type for both, nothing to convert).
public typealias RasterWindow = GridWindow
