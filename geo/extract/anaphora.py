"""A part of "the city" named after the city (round 10 of issue 12).

"Militants fired rockets on al-Ghouta of Homs ... They also fired mortar shells into the
city's Karm al-Shami neighborhood": the neighbourhood lies in the city the report has just
named. Unknown to the gazetteer, it came out with no point, as an incident of its own; it
now lies in that city, near its point (precision 2), as a part named through its container.
"""

from __future__ import annotations

import re
from dataclasses import replace

from geo.extract.containers import inside_container
from geo.extract.places import PlaceMention

#: "the city's", "the town's", "the provincial capital's" right before the part.
_CITY_THAT = re.compile(r"\bthe\s+(?:city|town|provincial\s+capital)['’]s\s+(?:[a-z-]+\s+)?$",
                        re.I)


def parts_of_the_city(text: str, sites: list[PlaceMention], offset: int,
                      last: list[tuple[int, PlaceMention]]) -> list[PlaceMention]:
    """Give a part of "the city" the city the report named last as its container.

    Parameters
    ----------
    text : str
        The sentence.
    sites : list of PlaceMention
        Its sites (article offsets).
    offset : int
        The sentence's offset in the article.
    last : list of (int, PlaceMention)
        The sites of the last sentence that named one (sentence index, mention).

    Returns
    -------
    list of PlaceMention
        The same sites; one written after "the city's" with no container of its own and no
        point near the city lies in the city (:func:`geo.extract.containers.inside_container`).
    """
    cities = [m for _, m in last if m.place is not None and m.place.precision <= 2 and
              m.place.kind not in ("camp", "border crossing", "country")]
    if not cities:
        return sites
    city = cities[-1]  # a part found through its city ("al-Ghouta of Homs") stands for it
    city = replace(city, text=city.container or city.text, container="", near=False)
    out = []
    for m in sites:
        if not m.container and _CITY_THAT.search(text[:m.start - offset][-50:]):
            outer = replace(city, role="container")
            m = inside_container(replace(m, container=outer.text), [outer])
        out.append(m)
    return out
