"""Close cells joined (geo.render.cell_merge)."""

import numpy as np

from geo.render.cell_merge import merge_close


def test_merge_close_joins_cells_into_the_fullest_neighbour():
    cell = np.array([0, 0, 0, 1, 2, 3])
    x = np.array([0.0, 0.0, 0.0, 30.0, 500.0, 60.0])
    y = np.zeros(6)
    merged = merge_close(cell, x, y, 44.0)
    # cell 1 is within 44 px of the fullest cell 0; cell 3 (60 px away) and 2 stay apart
    assert merged[0] == merged[3]
    assert len({merged[0], merged[4], merged[5]}) == 3

