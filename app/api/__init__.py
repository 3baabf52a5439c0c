"""The JSON API: one router per subject (chains, lookups, analyses, tokens, imports) and the listing
and response helpers they share. Routers here depend on ``app.deps`` and the read model, never on each other."""
