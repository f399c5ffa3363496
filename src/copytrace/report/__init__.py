"""Reports of copytrace results: terminal (rich) and JSON."""
