extension Topology {
    /// The hubs that are some origin's Origin Shield.
    public var shieldHubs: Set<String> { Set(origins.compactMap(\.originShield)) }

    /// The shield hubs a hub fetches through, sorted: every shield, unless the hub is a shield
    /// itself (a shield fetches from origins directly, so shields never wait on each other).
    public func shields(usedBy hub: String) -> [String] {
        let shields = shieldHubs
        return shields.contains(hub) ? [] : shields.sorted()
    }

    /// The shield a hub fetches an origin through, if any: the rule of ``shields(usedBy:)``,
    /// asked per request, so an origin without a shield costs one lookup.
    public func shield(for origin: String, at hub: String) -> String? {
        guard let shield = self.origin(origin)?.originShield, !shieldHubs.contains(hub) else { return nil }
        return shield
    }
}
