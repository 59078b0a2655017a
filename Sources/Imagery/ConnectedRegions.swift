import ExposureCore

/// Groups of set pixels touching each other (8 neighbours, as UN-SPIDER's connectedPixelCount).
public enum ConnectedRegions {
    /// Clears every group of fewer than `minimum` set pixels (value 1) in a 0/1 mask; other values
    /// (e.g. 255 nodata) are left alone and never join a group. Returns how many pixels were cleared.
    @discardableResult
    public static func removeSmall(_ mask: inout [UInt8], width: Int, height: Int, minimum: Int) -> Int {
        guard minimum > 1 else { return 0 }
        var visited = [Bool](repeating: false, count: mask.count)
        var group: [Int] = []
        var stack: [Int] = []
        var cleared = 0
        for start in mask.indices where mask[start] == 1 && !visited[start] {
            group.removeAll(keepingCapacity: true)
            stack.append(start)
            visited[start] = true
            while let i = stack.popLast() {
                group.append(i)
                forEachNeighbour8(of: i, width: width, height: height) { j in
                    if mask[j] == 1 && !visited[j] {
                        visited[j] = true
                        stack.append(j)
                    }
                }
            }
            if group.count < minimum {
                for i in group { mask[i] = 0 }
                cleared += group.count
            }
        }
        return cleared
    }
}
