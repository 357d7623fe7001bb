extension Topology {
    /// The hubs that are some origin's Origin Shield.
    public var shieldHubs: Set<String> { Set(origins.compactMap(\.originShield)) }

    /// The shield a hub fetches an origin through: the origin's shield, unless the hub is a
    /// shield itself (a shield fetches from origins directly, so shields never wait on each other).
    public func shield(for origin: String, at hub: String) -> String? {
        guard let shield = self.origin(origin)?.originShield, shield != hub, !shieldHubs.contains(hub) else { return nil }
        return shield
    }
}
