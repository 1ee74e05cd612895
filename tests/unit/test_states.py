"""The shipment life cycle, checked pair by pair against the life cycle the issue describes."""
import itertools

import pytest

from courier.domain.states import (
    TERMINAL, TRANSITIONS, Action, IllegalTransition, State, after_failure, allowed_actions,
    next_state,
)

S, A = State, Action
# Written out by hand from the business description, not derived from TRANSITIONS,
# so a change to the table that breaks the life cycle fails here.
LEGAL = {
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
}
ALL_PAIRS = list(itertools.product(State, Action))


@pytest.mark.parametrize("state,action", [p for p in ALL_PAIRS if p in LEGAL])
def test_legal_transition_leads_where_the_life_cycle_says(state, action):
    outcome = next_state(state, action, attempts=0, max_attempts=3)
    assert (outcome.from_state, outcome.to_state, outcome.action) == (state, LEGAL[state, action], action)


@pytest.mark.parametrize("state,action", [p for p in ALL_PAIRS if p not in LEGAL])
def test_illegal_transition_is_refused_with_a_clear_error(state, action):
    with pytest.raises(IllegalTransition) as refused:
        next_state(state, action)
    assert refused.value.state is state and refused.value.action is action
    assert str(action) in str(refused.value) and str(state) in str(refused.value)


def test_the_table_allows_nothing_the_life_cycle_does_not():
    table = {(s, a): target for a, (sources, target) in TRANSITIONS.items() for s in sources}
    assert table == LEGAL


@pytest.mark.parametrize("state", sorted(TERMINAL))
def test_nothing_leaves_a_terminal_state(state):
    assert allowed_actions(state) == []


def test_reattempt_is_refused_once_the_attempt_limit_is_reached():
    assert next_state(S.FAILED_ATTEMPT, A.REATTEMPT, attempts=2, max_attempts=3).to_state is S.ASSIGNED
    with pytest.raises(IllegalTransition, match="limit is 3"):
        next_state(S.FAILED_ATTEMPT, A.REATTEMPT, attempts=3, max_attempts=3)
    assert allowed_actions(S.FAILED_ATTEMPT, attempts=3, max_attempts=3) == [A.START_RETURN, A.CANCEL]


@pytest.mark.parametrize("attempts,limit,expected", [
    (1, 3, A.REATTEMPT), (2, 3, A.REATTEMPT), (3, 3, A.START_RETURN), (1, 1, A.START_RETURN),
])
def test_after_a_failure_the_machine_decides_reattempt_or_return(attempts, limit, expected):
    assert after_failure(attempts, limit) is expected


def test_states_accept_their_stored_strings():
    assert next_state("out_for_delivery", "deliver").to_state is S.DELIVERED
    with pytest.raises(ValueError):
        next_state("lost", "deliver")
