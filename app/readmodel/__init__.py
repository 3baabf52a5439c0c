"""The read model: projections of the store cached per revision, and what is answered from them
without a round trip (name search, neighbourhoods, lookups, the workspace pages' analyses)."""
