"""The shipment state machine: the one definition of states and transitions.

A shipment travels one of two ways (Decision 45 covers both): a result from the
agency to the citizen, or a dossier from the citizen to the agency. Each way has
its own table of moves below. The server's routes, the API and the tests all
read this module; nothing else decides whether a shipment may move from one
state to another.
"""
from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """Which way the paper travels."""

    DELIVER_RESULT = "deliver_result"    # result from the agency to the citizen
    COLLECT_DOSSIER = "collect_dossier"  # dossier from the citizen to the agency


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
    # Taking a dossier in (Direction.COLLECT_DOSSIER):
    REQUESTED = "requested"                # the citizen asked for a pickup at home
    PICKUP_REFUSED = "pickup_refused"      # the courier could not take it (a paper missing…); offered again
    PICKED_UP = "picked_up"                # taken at the door or the counter, sealed in its envelope
    HANDED_IN = "handed_in"                # the envelope is back in the post office's custody
    IN_TRANSIT = "in_transit"              # on the way to the agency's one-stop desk
    AT_AGENCY = "at_agency"                # the agency's desk acknowledged it
    RETURNED_FOR_SUPPLEMENT = "returned_for_supplement"  # the agency sent it back to be completed


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
    PICK_UP = "pick_up"
    REFUSE_PICKUP = "refuse_pickup"
    HAND_IN = "hand_in"
    SEND_TO_AGENCY = "send_to_agency"
    ACKNOWLEDGE = "acknowledge"
    RETURN_FOR_SUPPLEMENT = "return_for_supplement"


# The shipment's own life is over: for a dossier taken in, its papers went back to be completed
# by a delivery of their own (the agency's acknowledgement is not an end: it may still return them).
TERMINAL = frozenset({State.DELIVERED, State.RETURNED, State.CANCELLED, State.RETURNED_FOR_SUPPLEMENT})
# Its visits are over: its round stop closes (a pickup's once the courier has the dossier).
OFF_THE_ROUND = TERMINAL | {State.PICKED_UP}
# No courier will come to the citizen's door for it any more: notes for the courier are over.
NO_VISIT_AHEAD = OFF_THE_ROUND | {State.HANDED_IN, State.IN_TRANSIT, State.AT_AGENCY}
# Still to go out from the office: a failed one waits there for its next visit (the board's
# "due and not out" list, and the partial index that answers it: models.shipment).
NOT_YET_OUT = (State.REGISTERED, State.RECEIVED, State.ASSIGNED, State.FAILED_ATTEMPT)

Move = tuple[frozenset[State], State]  # (states it may start from, state it leads to)

_DELIVER_RESULT: dict[Action, Move] = {
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

_COLLECT_DOSSIER: dict[Action, Move] = {
    Action.ASSIGN: (frozenset({State.REQUESTED}), State.ASSIGNED),
    Action.UNASSIGN: (frozenset({State.ASSIGNED}), State.REQUESTED),
    # Nothing is taken out for a pickup: the courier goes to the door with an empty bag.
    Action.PICK_UP: (frozenset({State.ASSIGNED}), State.PICKED_UP),
    Action.REFUSE_PICKUP: (frozenset({State.ASSIGNED}), State.PICKUP_REFUSED),
    # Offered again once the citizen has what was missing, counted like a failed visit.
    Action.REATTEMPT: (frozenset({State.PICKUP_REFUSED}), State.ASSIGNED),
    Action.HAND_IN: (frozenset({State.PICKED_UP}), State.HANDED_IN),
    Action.SEND_TO_AGENCY: (frozenset({State.HANDED_IN}), State.IN_TRANSIT),
    Action.ACKNOWLEDGE: (frozenset({State.IN_TRANSIT}), State.AT_AGENCY),
    # At the desk, instead of acknowledging it, or later while the agency examines it.
    Action.RETURN_FOR_SUPPLEMENT: (frozenset({State.IN_TRANSIT, State.AT_AGENCY}),
                                   State.RETURNED_FOR_SUPPLEMENT),
    # Once the papers are in our hands they are never just dropped: they go on or go back.
    Action.CANCEL: (frozenset({State.REQUESTED, State.ASSIGNED, State.PICKUP_REFUSED}), State.CANCELLED),
}

# direction -> action -> (states it may start from, state it leads to)
TRANSITIONS: dict[Direction, dict[Action, Move]] = {
    Direction.DELIVER_RESULT: _DELIVER_RESULT,
    Direction.COLLECT_DOSSIER: _COLLECT_DOSSIER,
}



def _plannable(table: dict[Action, Move]) -> frozenset[State]:
    # What ASSIGN or REATTEMPT puts on a round, and what is assigned already (left open on an
    # earlier day's round, and carried over to a new one).
    return table[Action.ASSIGN][0] | table[Action.REATTEMPT][0] | {table[Action.ASSIGN][1]}


# direction -> the states a dispatcher may plan into a round (services.planning's ready list).
READY: dict[Direction, frozenset[State]] = {direction: _plannable(table) for direction, table in TRANSITIONS.items()}


def first_state(direction: Direction | str, at_counter: bool = False) -> State:
    """The state a new shipment starts in: announced by the agency, asked for by a citizen,
    or (a dossier handed in at the post office's counter) already in our hands."""
    if Direction(direction) is Direction.DELIVER_RESULT:
        return State.REGISTERED
    return State.PICKED_UP if at_counter else State.REQUESTED


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
               max_attempts: int = 3, direction: Direction | str = Direction.DELIVER_RESULT) -> Outcome:
    """Return the transition for `action` from `state`, on a shipment travelling `direction`.

    `attempts` is the number of failed visits so far; a reattempt is refused
    once it reaches `max_attempts`, so the only way on is the return (or, for a
    pickup, the cancellation).
    Raises IllegalTransition for anything the table does not allow.
    """
    state, action = State(state), Action(action)
    move = TRANSITIONS[Direction(direction)].get(action)
    if move is None or state not in move[0]:
        raise IllegalTransition(state, action)
    if action is Action.REATTEMPT and attempts >= max_attempts:
        raise IllegalTransition(
            state, action, f"{attempts} attempts made, the limit is {max_attempts}: return it"
        )
    return Outcome(state, move[1], action)


def after_failure(attempts: int, max_attempts: int) -> Action:
    """Decide what follows a failed visit: another attempt, or the return."""
    return Action.REATTEMPT if attempts < max_attempts else Action.START_RETURN


def allowed_actions(state: State | str, attempts: int = 0, max_attempts: int = 3,
                    direction: Direction | str = Direction.DELIVER_RESULT) -> list[Action]:
    """List the actions allowed from `state`, in table order (for menus and the API)."""
    allowed = []
    for action in TRANSITIONS[Direction(direction)]:
        try:
            next_state(state, action, attempts, max_attempts, direction)
        except IllegalTransition:
            continue
        allowed.append(action)
    return allowed
