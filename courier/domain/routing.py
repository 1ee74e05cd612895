"""Proposing the order of a round's stops.

Stops are grouped by commune (a courier works one commune, then the next);
within and between communes the tour starts at the post office, takes the
nearest next point, then 2-opt removes crossings. Stops with no coordinates
keep their commune's place, after the located ones. The dispatcher and the
courier can still reorder: this is a proposal, not a rule.
"""
import math
from dataclasses import dataclass

Point = tuple[float, float]  # (latitude, longitude)
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Stop:
    key: object
    commune: int
    point: Point | None = None


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def tour_length(points: list[Point], start: Point | None = None) -> float:
    """Length of visiting `points` in order, from `start` if given (not returning)."""
    path = ([start] if start else []) + points
    return sum(distance_m(a, b) for a, b in zip(path, path[1:]))


def propose_order(stops: list[Stop], start: Point | None = None) -> list[object]:
    """Return the stops' keys in a proposed visiting order."""
    communes: dict[int, list[Stop]] = {}
    for stop in stops:
        communes.setdefault(stop.commune, []).append(stop)
    order, here = [], start
    for commune in _commune_order(communes, start):
        located = [s for s in communes[commune] if s.point]
        tour = two_opt(nearest_neighbour(located, here), here)
        order += [s.key for s in tour] + [s.key for s in communes[commune] if not s.point]
        here = tour[-1].point if tour else here
    return order


def _commune_order(communes: dict[int, list[Stop]], start: Point | None) -> list[int]:
    centres = {}
    for commune, members in communes.items():
        points = [s.point for s in members if s.point]
        if points:
            centres[commune] = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
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
