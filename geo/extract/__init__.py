"""From a news report to candidate incidents: text, dates, places, events, casualties, claims.

May import: geo.settings, geo.vocab, geo.errors, geo.schema, geo.geocoding.
"""
