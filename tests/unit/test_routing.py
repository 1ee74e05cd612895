"""Proposed round orders: shorter than the order stops came in, communes kept together."""
import random

from courier.domain.routing import Stop, distance_m, propose_order, tour_length

POST_OFFICE = (15.5731, 108.4745)  # Bưu cục Tam Kỳ


def test_distance_between_two_known_places():
    # Tam Kỳ post office to Đà Nẵng city centre is about 60 km as the crow flies.
    assert 55_000 < distance_m(POST_OFFICE, (16.0544, 108.2022)) < 65_000


def test_the_proposed_tour_is_shorter_than_the_input_order():
    rng = random.Random(7)
    stops = [Stop(n, 1, (15.55 + rng.random() * 0.08, 108.44 + rng.random() * 0.08)) for n in range(25)]
    order = propose_order(stops, POST_OFFICE)
    by_key = {s.key: s.point for s in stops}
    assert sorted(order) == list(range(25))
    proposed = tour_length([by_key[k] for k in order], POST_OFFICE)
    given = tour_length([s.point for s in stops], POST_OFFICE)
    assert proposed < given * 0.6


def test_a_line_of_points_is_walked_end_to_end():
    stops = [Stop(n, 1, (15.57 + 0.01 * x, 108.47)) for n, x in enumerate([3, 1, 4, 2, 5])]
    assert propose_order(stops, (15.57, 108.47)) == [1, 3, 0, 2, 4]


def test_communes_stay_together_and_unlocated_stops_follow_their_commune():
    stops = [Stop("a1", 10, (15.60, 108.47)), Stop("b1", 20, (15.58, 108.47)),
             Stop("a2", 10, (15.61, 108.47)), Stop("b2", 20, None), Stop("c1", 30, None)]
    order = propose_order(stops, POST_OFFICE)
    assert order == ["b1", "b2", "a1", "a2", "c1"]


def test_no_stops_no_order():
    assert propose_order([], POST_OFFICE) == []
