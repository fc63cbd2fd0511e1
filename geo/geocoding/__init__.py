"""Place names to points: name keys, gazetteer, geocoder, corrections, nearest places, review queue.

May import: geo.settings, geo.vocab, geo.errors, geo.schema, geo.io.
"""
