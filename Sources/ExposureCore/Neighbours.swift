/// Calls `body` with the index of each of the (up to) 8 neighbours of cell `index` in a row-major grid.
@inline(__always)
public func forEachNeighbour8(of index: Int, width: Int, height: Int, _ body: (Int) -> Void) {
    let r = index / width, c = index % width
    for dr in -1...1 {
        let rr = r + dr
        if rr < 0 || rr >= height { continue }
        for dc in -1...1 where dr != 0 || dc != 0 {
            let cc = c + dc
            if cc < 0 || cc >= width { continue }
            body(rr * width + cc)
        }
    }
}
