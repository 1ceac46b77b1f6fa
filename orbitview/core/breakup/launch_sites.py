"""Launch sites of the direct-ascent anti-satellite tests orbitview models.

Coordinates are those of the sites' Wikipedia pages (their infoboxes), quoted from memory in a
session without web access: take them as good to about 0.01 degree (a kilometre, under a
pixel of a globe view). Heights are assumptions, said as such. None of the three missiles'
exact launch points is public (the SC-19 and Nudol are mobile launchers): the named site
stands in for it.
"""

from __future__ import annotations

from orbitview.core.breakup.interceptor import LaunchSite

XICHANG = LaunchSite(
    "xichang", "Xichang", 28.246, 102.026, 1.8,
    citation="Xichang Satellite Launch Center, Sichuan: 28.246 N, 102.026 E (Wikipedia, 'Xichang "
    "Satellite Launch Center'; quoted from memory, approximate). Height 1.8 km above the ellipsoid "
    "assumed (the centre lies in the mountains of Liangshan). The SC-19's own launch point near "
    "Xichang is not public: assumed at the centre.",
)
KALAM_ISLAND = LaunchSite(
    "kalam-island", "Dr. A.P.J. Abdul Kalam Island", 20.758, 87.086, 0.0,
    citation="Dr. A.P.J. Abdul Kalam Island (formerly Wheeler Island), Odisha: 20.758 N, 87.086 E "
    "(Wikipedia, 'Abdul Kalam Island'; quoted from memory, approximate). Height 0 km assumed "
    "(a low island in the Bay of Bengal).",
)
PLESETSK = LaunchSite(
    "plesetsk", "Plesetsk", 62.926, 40.578, 0.1,
    citation="Plesetsk Cosmodrome, Arkhangelsk Oblast: 62.926 N, 40.578 E (Wikipedia, 'Plesetsk "
    "Cosmodrome'; quoted from memory, approximate). Height 0.1 km assumed. The Nudol's launch "
    "point within the range is not public: assumed at these coordinates.",
)

#: By key, as scenarios and the window's Interceptor dialog name them.
SITES: dict[str, LaunchSite] = {site.key: site for site in (XICHANG, KALAM_ISLAND, PLESETSK)}
