"""ChainAtlas web app and command line."""
