"""The period "Compare periods" proposes (geo/view/timeline.previous_period and the
page's proposal, clipped to the data): trial of issue 14 proposed 31 March-30 April for
May."""

from __future__ import annotations

from datetime import date

import pytest

from pages.shared.totals import _default_period

SPAN = (date(2015, 1, 1), date(2017, 12, 31))


@pytest.mark.parametrize(("first", "last", "before"), [
    (date(2016, 5, 1), date(2016, 5, 31), (date(2016, 4, 1), date(2016, 4, 30))),
    (date(2016, 3, 1), date(2016, 3, 31), (date(2016, 2, 1), date(2016, 2, 29))),
    (date(2016, 1, 1), date(2016, 1, 31), (date(2015, 12, 1), date(2015, 12, 31))),
    (date(2016, 4, 1), date(2016, 6, 30), (date(2016, 1, 1), date(2016, 3, 31))),
    (date(2016, 1, 1), date(2016, 12, 31), (date(2015, 1, 1), date(2015, 12, 31))),
    # any other span: as many days just before
    (date(2016, 5, 10), date(2016, 5, 19), (date(2016, 4, 30), date(2016, 5, 9))),
    (date(2016, 2, 1), date(2016, 4, 30), (date(2015, 11, 3), date(2016, 1, 31))),
])
def test_a_calendar_period_proposes_the_one_before(first, last, before):
    assert _default_period(first, last, SPAN) == before


def test_the_proposal_is_clipped_at_the_data_s_first_day():
    assert _default_period(date(2015, 1, 1), date(2015, 1, 31), SPAN) == (SPAN[0], SPAN[0])
    assert _default_period(date(2015, 2, 1), date(2015, 2, 28), (date(2015, 1, 10), SPAN[1])
                           ) == (date(2015, 1, 10), date(2015, 1, 31))
