// The engine's grids use the shared window and point types; every user of the engine sees them.
@_exported import GridGeometry
