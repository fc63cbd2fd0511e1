"""Reading incident files (CSV, Excel, GeoJSON, GeoPackage) and their column mappings.

May import: geo.settings, geo.vocab, geo.errors, geo.schema.
"""
