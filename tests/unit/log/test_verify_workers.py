"""What a parallel verify's worker sends back crosses a process boundary: a fault found there
must arrive whole (a malformed payload used to break the pool instead of being named)."""

from __future__ import annotations

import pickle

from parley.log.events import MalformedPayload


def test_a_malformed_payload_crosses_to_the_parent_as_it_was() -> None:
    e = MalformedPayload("handover.advanced", "to", "is not a state")
    back = pickle.loads(pickle.dumps(e))
    assert (back.event_type, back.field, back.reason) == (
        "handover.advanced",
        "to",
        "is not a state",
    )
    assert str(back) == str(e)
