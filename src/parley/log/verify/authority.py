"""What a signed command may make, and who may author what (docs/log-format.md §4, "What a
command binds"): the verifier's side of the app's permission table, passed in as `Authority`
(the app builds it from its table in one place, parley.app.authz.AUTHORITY).

A v2 entry is bound to the command its actor signed. That proves the actor asked for
something; the authority says what: each command route (its method and path template) names
the event types it may produce, and each event type the roles that may author it. A command
made on one machine (`LOCAL_ROUTE`) lists its entries by type and payload commitment in its
body, so there the verifier compares them one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from parley.errors import N_, ParleyError, Word
from parley.log.entry import loads_canonical
from parley.log.events import Role

LOCAL_METHOD, LOCAL_PATH = "POST", "/local/entries"
LOCAL_ROUTE = f"{LOCAL_METHOD} {LOCAL_PATH}"

Listed = tuple[tuple[str, bytes], ...]  # a local command's entries: (type, payload commitment)
Said = tuple[str, ...]  # what an entry's payload says: its key, then any wider keys it falls under


@dataclass(frozen=True)
class Wants:
    """What a command's body asks for, as keys an entry's payload may say: each key of `each`
    exactly that many times (the use case makes all it is asked or nothing), each of `most` at
    most that many times (the use case may skip one, as an unchanged roster row), each of
    `open` any number of times (the body names a kind, as "every transfer both sides
    recorded", not the things)."""

    each: Mapping[str, int] = field(default_factory=dict)
    most: Mapping[str, int] = field(default_factory=dict)
    open: frozenset[str] = frozenset()
    # how this body reads what a payload says, instead of as it is (a roster merge: only the
    # columns it had); a module-level function (or a partial of one): it crosses processes
    reads: Callable[[Said], Said] | None = None

    def key(self, said: str | Said) -> str | None:
        """The key of this body an entry saying `said` answers (its first that is asked)."""
        said = (said,) if isinstance(said, str) else said
        for k in self.reads(said) if self.reads is not None else said:
            if k in self.each or k in self.most or k in self.open:
                return k
        return None

    def __contains__(self, said: object) -> bool:
        return isinstance(said, str | tuple) and self.key(said) is not None

    def limit(self, key: str) -> int | None:
        """How many entries may say `key` (None: any number)."""
        return self.each.get(key, self.most.get(key))

    def shown(self) -> list[str]:
        return sorted({*self.each, *self.most, *self.open})


def counted(keys: Iterable[str]) -> dict[str, int]:
    """Keys with how many times each is asked for."""
    out: dict[str, int] = {}
    for k in keys:
        out[k] = out.get(k, 0) + 1
    return out


# what a command's body (and path, split at "/") asks for (a bare set: any number of each;
# None: nothing bound, as a body today's rules no longer read)
Asks = Callable[[list[str], Any], "Wants | frozenset[str] | None"]
Says = Callable[[Any], "str | Said"]  # what an entry's payload says, as such keys


def route_key(method: str, template: str) -> str:
    return f"{method} {template}"


def _matches(template: list[str], path: list[str]) -> bool:
    return len(template) == len(path) and all(
        t == p or (t.startswith("{") and t.endswith("}") and p != "")
        for t, p in zip(template, path, strict=True)
    )


@dataclass(frozen=True)
class Authority:
    """`routes`: "METHOD /path/{field}/..." -> the event types a command there may produce
    (a field matches one path segment; `LOCAL_ROUTE` may produce any, its body lists them).
    `authors`: event type -> the roles whose parties may author it."""

    routes: Mapping[str, frozenset[str]]
    authors: Mapping[str, frozenset[Role]]
    # route -> what its body asks for; event type -> what its payload says (docs/log-format.md
    # §4: where both are at hand, each entry must say something its command asked for)
    asks: Mapping[str, Asks] = field(default_factory=dict)
    says: Mapping[str, Says] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # plain dicts of module-level functions: the authority crosses to worker processes
        for name in ("routes", "authors", "asks", "says"):
            object.__setattr__(self, name, dict(getattr(self, name)))

    def asked(self, method: str, path: str, body: bytes) -> Wants | None:
        """What the command's body (None if empty) and path ask for, if its route is bound (a
        malformed body: nothing; a body the server refused made no entry)."""
        route = self.route(method, path)
        asks = self.asks.get(route) if route is not None else None
        if asks is None:
            return None
        try:
            wants = asks(path.split("/"), loads_canonical(body) if body else None)
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            return Wants()
        if wants is None or isinstance(wants, Wants):
            return wants
        return Wants(open=frozenset(wants))

    def said(self, event_type: str, payload: bytes) -> Said | None:
        """What the entry's payload says, if its type is bound."""
        if event_type not in self.says:
            return None
        try:
            value = loads_canonical(payload)
        except (ValueError, UnicodeDecodeError):
            return ("?",)
        return self.said_value(event_type, value)

    def said_value(self, event_type: str, value: Any) -> Said | None:
        """`said` of a payload already read (canonical JSON's value)."""
        says = self.says.get(event_type)
        if says is None:
            return None
        try:
            said = says(value)
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            return ("?",)
        return (said,) if isinstance(said, str) else said

    def binds(self, event_type: str) -> bool:
        """Whether an entry of `event_type` says what it is for (authority.says)."""
        return event_type in self.says

    def route(self, method: str, path: str) -> str | None:
        """The template of `routes` that a signed command's method and path fall under."""
        if f"{method} {path}" in self.routes:
            return f"{method} {path}"
        parts = path.split("/")
        for key in self.routes:
            m, _, template = key.partition(" ")
            if m == method and _matches(template.split("/"), parts):
                return key
        return None

    def route_fault(self, route: str | None, command: str, event_type: str) -> ParleyError | None:
        """Why a command (`command`: its method and path, `route` its template) may not have
        made an entry of `event_type`, or None."""
        if route is None:
            return ParleyError(
                N_("bound to the command {command}, which is no command route of the app"),
                command=command,
            )
        if route == LOCAL_ROUTE:
            return None  # the body lists the entries (checked one by one)
        if event_type not in self.routes[route]:
            return ParleyError(
                N_("a {type} entry bound to the command {command}, which cannot make one"),
                type=event_type,
                command=command,
            )
        return None

    def author_fault(self, actor: str, role: Role | None, event_type: str) -> ParleyError | None:
        """Why `actor` (of `role`) may not author an entry of `event_type`, or None."""
        roles = self.authors.get(event_type, frozenset())
        if role is not None and role in roles:
            return None
        return ParleyError(
            N_("{actor} ({role}) authors a {type} entry, which only a {allowed} may"),
            actor=actor,
            role=Word(role.value) if role is not None else "?",
            type=event_type,
            allowed=Word(" or ".join(sorted(r.value for r in roles)) or "nobody"),
        )


def local_listing(body: bytes) -> Listed | None:
    """The entries a local command's body asks for, in order; None if the body is not one."""
    try:
        value = loads_canonical(body)
        entries = value["entries"]
        return tuple((str(e["type"]), bytes.fromhex(str(e["payload_commitment"]))) for e in entries)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
