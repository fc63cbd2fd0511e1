"""What a session shows: the dataset, view state and URL, filters, timeline, map events, extents.

May import: geo.settings, geo.vocab, geo.errors, geo.schema, geo.io, geo.geocoding, geo.store.
"""
