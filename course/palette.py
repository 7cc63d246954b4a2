"""The course's colours, in one place: the Altair charts (`course.charts`), the room-poll
chart (`course.poll_charts`) and the facilitator pack's inline SVG charts and stylesheet
(`course.export`) all take them from here, so a chart looks the same on screen, on a
projector and on paper.

Okabe-Ito colours: distinguishable with the common colour-vision deficiencies, and each at
least 3:1 against white for graphical objects (WCAG 1.4.11); text colours at least 4.5:1.
This module imports nothing, so a static file (the pack) can use the palette without
pulling in Altair.
"""

from __future__ import annotations

BAR_COLOUR = "#0072B2"  # Okabe-Ito blue, 5.3:1 on white
ACCENT_COLOUR = "#D55E00"  # Okabe-Ito vermilion
TEXT_COLOUR = "#1A1A1A"  # 17:1 on white
GRID_COLOUR = "#D0D0D0"
GREEN_COLOUR = "#009E73"  # Okabe-Ito bluish green, 3.4:1
PURPLE_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple, 3.1:1
HEADING_COLOUR = "#1F4E79"  # headings, links and printed marks in the facilitator pack
