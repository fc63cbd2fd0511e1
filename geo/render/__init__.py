"""Outputs of a view: Folium layers, details Markdown, the incident table, review maps, exports.

May import: any geo subpackage except render's callers (geo.ingest, geo.geocode, geo.query).
"""
