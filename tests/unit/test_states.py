"""The shipment life cycle, checked pair by pair against the life cycle the issue describes."""
import itertools

import pytest

from courier.domain.states import (
    OFF_THE_ROUND, TERMINAL, TRANSITIONS, Action, Direction, IllegalTransition, State, after_failure,
    allowed_actions, first_state, next_state,
)

S, A = State, Action
DELIVER, COLLECT = Direction.DELIVER_RESULT, Direction.COLLECT_DOSSIER
# Written out by hand from the business description, not derived from TRANSITIONS,
# so a change to the table that breaks the life cycle fails here.
LEGAL = {
    DELIVER: {
        (S.REGISTERED, A.RECEIVE): S.RECEIVED,
        (S.RECEIVED, A.ASSIGN): S.ASSIGNED,
        (S.ASSIGNED, A.UNASSIGN): S.RECEIVED,
        (S.ASSIGNED, A.DISPATCH): S.OUT_FOR_DELIVERY,
        (S.OUT_FOR_DELIVERY, A.DELIVER): S.DELIVERED,
        (S.OUT_FOR_DELIVERY, A.FAIL): S.FAILED_ATTEMPT,
        (S.FAILED_ATTEMPT, A.REATTEMPT): S.ASSIGNED,
        (S.FAILED_ATTEMPT, A.START_RETURN): S.RETURNING,
        (S.RECEIVED, A.START_RETURN): S.RETURNING,
        (S.ASSIGNED, A.START_RETURN): S.RETURNING,
        (S.RETURNING, A.COMPLETE_RETURN): S.RETURNED,
        (S.REGISTERED, A.CANCEL): S.CANCELLED,
        (S.RECEIVED, A.CANCEL): S.CANCELLED,
        (S.ASSIGNED, A.CANCEL): S.CANCELLED,
        (S.OUT_FOR_DELIVERY, A.CANCEL): S.CANCELLED,
        (S.FAILED_ATTEMPT, A.CANCEL): S.CANCELLED,
        (S.RETURNING, A.CANCEL): S.CANCELLED,
    },
    # A dossier from the citizen's door (or the counter) to the agency's one-stop desk.
    COLLECT: {
        (S.REQUESTED, A.ASSIGN): S.ASSIGNED,
        (S.ASSIGNED, A.UNASSIGN): S.REQUESTED,
        (S.ASSIGNED, A.PICK_UP): S.PICKED_UP,
        (S.ASSIGNED, A.REFUSE_PICKUP): S.PICKUP_REFUSED,
        (S.PICKUP_REFUSED, A.REATTEMPT): S.ASSIGNED,
        (S.PICKED_UP, A.HAND_IN): S.HANDED_IN,
        (S.HANDED_IN, A.SEND_TO_AGENCY): S.IN_TRANSIT,
        (S.IN_TRANSIT, A.ACKNOWLEDGE): S.AT_AGENCY,
        (S.IN_TRANSIT, A.RETURN_FOR_SUPPLEMENT): S.RETURNED_FOR_SUPPLEMENT,
        (S.AT_AGENCY, A.RETURN_FOR_SUPPLEMENT): S.RETURNED_FOR_SUPPLEMENT,
        (S.REQUESTED, A.CANCEL): S.CANCELLED,
        (S.ASSIGNED, A.CANCEL): S.CANCELLED,
        (S.PICKUP_REFUSED, A.CANCEL): S.CANCELLED,
    },
}
ALL = [(d, s, a) for d in Direction for s, a in itertools.product(State, Action)]


@pytest.mark.parametrize("direction,state,action", [t for t in ALL if t[1:] in LEGAL[t[0]]])
def test_legal_transition_leads_where_the_life_cycle_says(direction, state, action):
    outcome = next_state(state, action, attempts=0, max_attempts=3, direction=direction)
    assert (outcome.from_state, outcome.to_state, outcome.action) == \
        (state, LEGAL[direction][state, action], action)


@pytest.mark.parametrize("direction,state,action", [t for t in ALL if t[1:] not in LEGAL[t[0]]])
def test_illegal_transition_is_refused_with_a_clear_error(direction, state, action):
    with pytest.raises(IllegalTransition) as refused:
        next_state(state, action, direction=direction)
    assert refused.value.state is state and refused.value.action is action
    assert str(action) in str(refused.value) and str(state) in str(refused.value)


@pytest.mark.parametrize("direction", list(Direction))
def test_the_table_allows_nothing_the_life_cycle_does_not(direction):
    table = {(s, a): target for a, (sources, target) in TRANSITIONS[direction].items() for s in sources}
    assert table == LEGAL[direction]


@pytest.mark.parametrize("direction,state", [(d, s) for d in Direction for s in sorted(TERMINAL)])
def test_nothing_leaves_a_terminal_state(direction, state):
    assert allowed_actions(state, direction=direction) == []


def test_a_pickup_leaves_its_round_once_the_courier_has_the_dossier():
    assert S.PICKED_UP in OFF_THE_ROUND and S.PICKUP_REFUSED not in OFF_THE_ROUND
    assert TERMINAL <= OFF_THE_ROUND


def test_the_agency_may_still_return_a_dossier_it_acknowledged():
    assert S.AT_AGENCY not in TERMINAL
    assert allowed_actions(S.AT_AGENCY, direction=COLLECT) == [A.RETURN_FOR_SUPPLEMENT]


def test_a_dossier_in_our_hands_cannot_be_cancelled():
    for state in (S.PICKED_UP, S.HANDED_IN, S.IN_TRANSIT, S.AT_AGENCY):
        assert A.CANCEL not in allowed_actions(state, direction=COLLECT)


@pytest.mark.parametrize("direction,at_counter,expected", [
    (DELIVER, False, S.REGISTERED), (COLLECT, False, S.REQUESTED), (COLLECT, True, S.PICKED_UP),
])
def test_each_way_starts_where_the_paper_is(direction, at_counter, expected):
    assert first_state(direction, at_counter) is expected


def test_reattempt_is_refused_once_the_attempt_limit_is_reached():
    assert next_state(S.FAILED_ATTEMPT, A.REATTEMPT, attempts=2, max_attempts=3).to_state is S.ASSIGNED
    with pytest.raises(IllegalTransition, match="limit is 3"):
        next_state(S.FAILED_ATTEMPT, A.REATTEMPT, attempts=3, max_attempts=3)
    assert allowed_actions(S.FAILED_ATTEMPT, attempts=3, max_attempts=3) == [A.START_RETURN, A.CANCEL]


def test_a_refused_pickup_is_offered_again_until_the_limit_then_only_cancelled():
    assert next_state(S.PICKUP_REFUSED, A.REATTEMPT, attempts=1, direction=COLLECT).to_state is S.ASSIGNED
    assert allowed_actions(S.PICKUP_REFUSED, attempts=3, max_attempts=3, direction=COLLECT) == [A.CANCEL]


@pytest.mark.parametrize("attempts,limit,expected", [
    (1, 3, A.REATTEMPT), (2, 3, A.REATTEMPT), (3, 3, A.START_RETURN), (1, 1, A.START_RETURN),
])
def test_after_a_failure_the_machine_decides_reattempt_or_return(attempts, limit, expected):
    assert after_failure(attempts, limit) is expected


def test_states_accept_their_stored_strings():
    assert next_state("out_for_delivery", "deliver").to_state is S.DELIVERED
    assert next_state("assigned", "pick_up", direction="collect_dossier").to_state is S.PICKED_UP
    with pytest.raises(ValueError):
        next_state("lost", "deliver")
