"""The shipment state machine: the one definition of states and transitions.

The server's routes, the API and the tests all read this module; nothing else
decides whether a shipment may move from one state to another.
"""
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where a shipment is in its life."""

    REGISTERED = "registered"              # announced by the agency, not yet in our hands
    RECEIVED = "received"                  # in the post office's custody
    ASSIGNED = "assigned"                  # placed on a courier's round
    OUT_FOR_DELIVERY = "out_for_delivery"  # the courier has it on the road
    DELIVERED = "delivered"
    FAILED_ATTEMPT = "failed_attempt"      # a visit failed; reattempt or return follows
    RETURNING = "returning"                # on its way back to the agency
    RETURNED = "returned"
    CANCELLED = "cancelled"


class Action(StrEnum):
    """What someone does to a shipment; each action names one transition."""

    RECEIVE = "receive"
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    DISPATCH = "dispatch"
    DELIVER = "deliver"
    FAIL = "fail"
    REATTEMPT = "reattempt"
    START_RETURN = "start_return"
    COMPLETE_RETURN = "complete_return"
    CANCEL = "cancel"


TERMINAL = frozenset({State.DELIVERED, State.RETURNED, State.CANCELLED})
# Still to go out from the office: a failed one waits there for its next visit (the board's
# "due and not out" list, and the partial index that answers it: models.shipment).
NOT_YET_OUT = (State.REGISTERED, State.RECEIVED, State.ASSIGNED, State.FAILED_ATTEMPT)

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[State], State]] = {
    Action.RECEIVE: (frozenset({State.REGISTERED}), State.RECEIVED),
    Action.ASSIGN: (frozenset({State.RECEIVED}), State.ASSIGNED),
    Action.UNASSIGN: (frozenset({State.ASSIGNED}), State.RECEIVED),
    Action.DISPATCH: (frozenset({State.ASSIGNED}), State.OUT_FOR_DELIVERY),
    Action.DELIVER: (frozenset({State.OUT_FOR_DELIVERY}), State.DELIVERED),
    Action.FAIL: (frozenset({State.OUT_FOR_DELIVERY}), State.FAILED_ATTEMPT),
    Action.REATTEMPT: (frozenset({State.FAILED_ATTEMPT}), State.ASSIGNED),
    # A dispatcher may also send a result back before any visit (e.g. the
    # agency recalls it); after the last allowed failure it is the only way on.
    Action.START_RETURN: (
        frozenset({State.RECEIVED, State.ASSIGNED, State.FAILED_ATTEMPT}),
        State.RETURNING,
    ),
    Action.COMPLETE_RETURN: (frozenset({State.RETURNING}), State.RETURNED),
    # Cancelling is allowed while the courier is out: a hand-over made offline
    # before the courier learns of it is still recorded, and flagged.
    Action.CANCEL: (
        frozenset({
            State.REGISTERED, State.RECEIVED, State.ASSIGNED,
            State.OUT_FOR_DELIVERY, State.FAILED_ATTEMPT, State.RETURNING,
        }),
        State.CANCELLED,
    ),
}


class IllegalTransition(Exception):
    """Raised when an action is not allowed from a shipment's current state."""

    def __init__(self, state: State, action: Action, reason: str = ""):
        self.state = State(state)
        self.action = Action(action)
        self.reason = reason or f"'{self.action}' is not allowed from '{self.state}'"
        super().__init__(self.reason)


@dataclass(frozen=True)
class Outcome:
    """The result of checking a transition: where the shipment goes."""

    from_state: State
    to_state: State
    action: Action


def next_state(state: State | str, action: Action | str, attempts: int = 0,
               max_attempts: int = 3) -> Outcome:
    """Return the transition for `action` from `state`.

    `attempts` is the number of failed visits so far; a reattempt is refused
    once it reaches `max_attempts`, so the only way on is the return.
    Raises IllegalTransition for anything the table does not allow.
    """
    state, action = State(state), Action(action)
    sources, target = TRANSITIONS[action]
    if state not in sources:
        raise IllegalTransition(state, action)
    if action is Action.REATTEMPT and attempts >= max_attempts:
        raise IllegalTransition(
            state, action, f"{attempts} attempts made, the limit is {max_attempts}: return it"
        )
    return Outcome(state, target, action)


def after_failure(attempts: int, max_attempts: int) -> Action:
    """Decide what follows a failed visit: another attempt, or the return."""
    return Action.REATTEMPT if attempts < max_attempts else Action.START_RETURN


def allowed_actions(state: State | str, attempts: int = 0, max_attempts: int = 3) -> list[Action]:
    """List the actions allowed from `state`, in table order (for menus and the API)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            next_state(state, action, attempts, max_attempts)
        except IllegalTransition:
            continue
        allowed.append(action)
    return allowed
