"""Proposing the order of a round's stops.

Stops are grouped by commune (a courier works one commune, then the next);
within and between communes the tour starts at the post office, takes the
nearest next point, then 2-opt removes crossings. Stops with no coordinates
are placed by their address instead (see _with_unlocated). The dispatcher and
the courier can still reorder: this is a proposal, not a rule.
"""
import math
import re
from dataclasses import dataclass

from .addresses import normalise_address

Point = tuple[float, float]  # (latitude, longitude)
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Stop:
    key: object
    commune: int
    point: Point | None = None
    street: str = ""  # the address line, which places a stop that has no point


@dataclass(frozen=True, order=True)
class StreetAddress:
    """An address line taken apart for ordering: '12/3 Trần Phú' → ('tran phu', 12, 3)."""

    street: str
    number: int | None = None
    sub: int | None = None


# A house number, maybe in an alley (kiệt, hẻm, ngõ: "K12/3"), before the street's name.
_NUMBERED = re.compile(r"^(?:(?:so|kiet|hem|ngo|k)\s*)?(\d+)(?:/(\d+))?[a-z]?\s+(.+)$")


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def tour_length(points: list[Point], start: Point | None = None) -> float:
    """Length of visiting `points` in order, from `start` if given (not returning)."""
    path = ([start] if start else []) + points
    return sum(distance_m(a, b) for a, b in zip(path, path[1:]))


def centre(points: list[Point]) -> Point:
    """The mean of some nearby points (a few metres apart: no need for spherical means)."""
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def parse_street(line: str | None) -> StreetAddress:
    """Take the first part of an address line (before a comma) apart into street, number, sub-number.

    '12/3 Trần Phú' → ('tran phu', 12, 3); 'Số 45 Đường Phan Châu Trinh' → ('phan chau trinh', 45);
    'Thôn Phú Ninh' → ('thon phu ninh', None): the street is normalise_address()'s.
    """
    first = normalise_address((line or "").split(",")[0])
    match = _NUMBERED.match(first)
    if match is None:
        return StreetAddress(first)
    number, sub, street = match.groups()
    return StreetAddress(street, int(number), int(sub) if sub else None)


def address_order(line: str | None) -> tuple:
    """Sort key for stops without a point: by street, then house number (numbered ones first), then sub-number."""
    parsed = parse_street(line)
    return (parsed.street, parsed.number is None, parsed.number or 0, parsed.sub or 0)


def propose_order(stops: list[Stop], start: Point | None = None) -> list[object]:
    """Return the stops' keys in a proposed visiting order.

    Communes whose stops all lack a point come last, by commune code.
    """
    communes: dict[int, list[Stop]] = {}
    for stop in stops:
        communes.setdefault(stop.commune, []).append(stop)
    order, here = [], start
    for commune in _commune_order(communes, start):
        located = [s for s in communes[commune] if s.point]
        tour = two_opt(nearest_neighbour(located, here), here)
        order += [s.key for s in _with_unlocated(tour, [s for s in communes[commune] if not s.point])]
        here = tour[-1].point if tour else here
    return order


def _with_unlocated(tour: list[Stop], unlocated: list[Stop]) -> list[Stop]:
    """The commune's tour with its unlocated stops placed by address.

    One on a street the tour visits goes right after the tour's last stop on that street:
    the courier is there already, and numbers on one street are rarely far apart. The
    others follow the tour, by street then number, so that a street is walked once.
    """
    waiting: dict[str, list[Stop]] = {}
    for stop in sorted(unlocated, key=lambda s: address_order(s.street)):
        waiting.setdefault(parse_street(stop.street).street, []).append(stop)
    last_on_street = {parse_street(stop.street).street: index for index, stop in enumerate(tour)}
    placed = []
    for index, stop in enumerate(tour):
        placed.append(stop)
        street = parse_street(stop.street).street
        if last_on_street[street] == index:
            placed += waiting.pop(street, [])
    return placed + [stop for rest in waiting.values() for stop in rest]


def _commune_order(communes: dict[int, list[Stop]], start: Point | None) -> list[int]:
    centres = {}
    for commune, members in communes.items():
        points = [s.point for s in members if s.point]
        if points:
            centres[commune] = centre(points)
    centre_stops = [Stop(commune, commune, centre) for commune, centre in centres.items()]
    located = [s.key for s in nearest_neighbour(centre_stops, start)]
    return located + sorted(c for c in communes if c not in centres)


def nearest_neighbour(stops: list[Stop], start: Point | None) -> list[Stop]:
    """Greedy tour: from `start` (or the first stop), always the closest unvisited stop next."""
    left = list(stops)
    if not left:
        return []
    here = start or left[0].point
    tour = []
    while left:
        nearest = min(left, key=lambda s: distance_m(here, s.point))
        left.remove(nearest)
        tour.append(nearest)
        here = nearest.point
    return tour


def two_opt(tour: list[Stop], start: Point | None) -> list[Stop]:
    """Reverse segments while that shortens the open tour from `start`; stops when none does."""
    best = list(tour)
    improved = True
    while improved and len(best) > 2:
        improved = False
        for i in range(len(best) - 1):
            for j in range(i + 1, len(best)):
                candidate = best[:i] + best[i:j + 1][::-1] + best[j + 1:]
                if _length(candidate, start) + 1e-6 < _length(best, start):
                    best, improved = candidate, True
    return best


def _length(tour: list[Stop], start: Point | None) -> float:
    return tour_length([s.point for s in tour], start)
