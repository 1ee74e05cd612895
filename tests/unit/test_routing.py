"""Proposed round orders: shorter than the order stops came in, communes kept together, unlocated stops by address."""
import random

from courier.domain.routing import Stop, StreetAddress, distance_m, parse_street, propose_order, tour_length

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


def test_an_address_line_is_taken_apart_into_street_number_and_sub_number():
    assert parse_street("12/3 Trần Phú, P. An Mỹ") == StreetAddress("tran phu", 12, 3)
    assert parse_street("Số 45 Đường Phan Châu Trinh") == StreetAddress("phan chau trinh", 45)
    assert parse_street("K12/3 Hùng Vương") == StreetAddress("hung vuong", 12, 3)
    assert parse_street("12A Trần Phú") == StreetAddress("tran phu", 12)
    assert parse_street("Thôn Phú Ninh, xã Tam Thăng") == StreetAddress("thon phu ninh")


def test_unlocated_stops_are_ordered_by_street_then_number_then_sub_number():
    lines = ["40 Trần Phú", "12/3 Trần Phú", "Trần Phú", "9 Hùng Vương", "12 Trần Phú", "100 Hùng Vương"]
    stops = [Stop(line, 10, None, line) for line in lines]
    assert propose_order(stops, POST_OFFICE) == [
        "9 Hùng Vương", "100 Hùng Vương", "12 Trần Phú", "12/3 Trần Phú", "40 Trần Phú", "Trần Phú"]


def test_an_unlocated_stop_follows_the_tours_last_stop_on_its_street_the_rest_end_their_commune():
    stops = [Stop("far", 10, (15.60, 108.47), "200 Trần Phú"), Stop("near", 10, (15.58, 108.47), "5 Hùng Vương"),
             Stop("same street", 10, None, "210 Trần Phú"), Stop("other street", 10, None, "3 Lê Lợi"),
             Stop("other ward", 20, None, "1 Bạch Đằng"), Stop("first of its street", 10, None, "1 Hùng Vương")]
    assert propose_order(stops, POST_OFFICE) == [
        "near", "first of its street", "far", "same street", "other street", "other ward"]
