"""A creator's template renders in its own process, with a deadline and a memory cap.

Liquid's limits count loops and output; they can't stop one slow step, and a
worker thread can't be interrupted. So a creator's template renders in a child
process: RLIMIT_AS caps its memory, and the parent kills it at the deadline.
The child writes where it is (part and character) into shared memory as it
renders, so a template that is stopped is reported with the line it was on.

Children come from a forkserver, never a plain fork: the server process has
threads (gunicorn's, SQLAlchemy's pool), and forking a threaded process can
copy a lock held by another thread. The forkserver is a clean single-threaded
process that imported this module once, so each render forks a warm copy.

A render's outcome depends on nothing but its inputs, so the last few are kept per process:
a pitch email viewed again (after a save, a preview, a reload) is not rendered again, and a
template that is wrong says so again without a process. Outcomes that depend on the machine
(over time, out of memory, a crash) are never kept.

Many renders at once (one creator posting previews in a loop, or a stored template
that stalls on every page view) must not take every thread and core either: a
worker runs at most `renders_at_once` of them (a render past that is refused at
once as busy, and a real email falls back to the built-in template), and the
children run at a lower CPU priority than the web threads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import resource
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from crm import config
from crm.emails import sandbox
from crm.emails.sandbox import PARTS, RenderedEmail, TemplateProblem

_CONTEXT = multiprocessing.get_context("forkserver")
# "__main__" too: otherwise every child re-imports the server's main script.
_CONTEXT.set_forkserver_preload(["__main__", __name__])
_MB = 1024 * 1024
log = logging.getLogger(__name__)
# How much lower the render child runs than the web threads (see nice(2)).
CHILD_NICENESS = 10
_slots: threading.BoundedSemaphore | None = None
_slots_size = 0
_slots_lock = threading.Lock()
# Outcomes kept per process, and the longest email kept (subject and body, characters): a
# pitch email is one or two KB, so 256 of them are under a megabyte; a longer output (up to
# OUTPUT_MAX a part) is rendered again rather than kept.
RENDERS_KEPT = 256
LONGEST_KEPT = 8_000
# A kept outcome: the email, or a template problem's message, line and part.
Kept = RenderedEmail | tuple[str, int | None, str | None]
_kept: OrderedDict[tuple[Any, ...], Kept] = OrderedDict()
_kept_lock = threading.Lock()


@dataclass(frozen=True)
class Bounds:
    """How long a render may take and how much memory it may add."""

    seconds: float
    memory_mb: int
    renders_at_once: int = config.DEFAULTS["EMAIL_TEMPLATE_RENDERS_AT_ONCE"]


def current_bounds() -> Bounds:
    """The app's settings, or the defaults outside an app (the CLI, a script)."""
    from flask import current_app, has_app_context

    settings = current_app.config if has_app_context() else config.DEFAULTS
    return Bounds(
        float(settings["EMAIL_TEMPLATE_TIMEOUT_SECONDS"]),
        int(settings["EMAIL_TEMPLATE_MEMORY_MB"]),
        int(settings["EMAIL_TEMPLATE_RENDERS_AT_ONCE"]),
    )


def _render_slots(size: int) -> threading.BoundedSemaphore:
    """This process's render slots (made again if the setting changed, as tests do)."""
    global _slots, _slots_size
    with _slots_lock:
        if _slots is None or _slots_size != size:
            _slots, _slots_size = threading.BoundedSemaphore(max(1, size)), size
        return _slots


def _address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _track(position: Any) -> None:
    """Record the character each node starts at before it renders (child only)."""
    from liquid.ast import Node

    plain = Node.render

    def render(self: Node, context: Any, buffer: Any) -> int:
        position[1] = self.token.start_index
        return plain(self, context, buffer)

    Node.render = render  # type: ignore[method-assign]


Renderer = Callable[[str, str, Mapping[str, Any], frozenset[str]], str]


def _child(
    sender: Connection,
    position: Any,
    sources: tuple[str, str],
    variables: Mapping[str, Any],
    known: frozenset[str],
    memory_mb: int,
    renderer: Renderer,
) -> None:
    os.nice(CHILD_NICENESS)  # the web threads first: pages stay fast while it renders
    limit = _address_space() + memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _track(position)
    rendered = []
    try:
        for index, (part, source) in enumerate(zip(PARTS, sources, strict=True)):
            position[0], position[1] = index, -1
            rendered.append(renderer(part, source, variables, known))
        sender.send(("ok", *rendered))
    except TemplateProblem as problem:
        sender.send(("problem", problem.message, problem.line, problem.part))
    except MemoryError:
        sender.send(("memory",))
    except Exception as error:  # a bug, not the template's fault: say so, don't blame memory
        sender.send(("crashed", f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def _stopped(position: Any, sources: tuple[str, str], why: str) -> TemplateProblem:
    part, index = PARTS[position[0]], position[1]
    line = sandbox.line_of(sources[position[0]], index) if index >= 0 else None
    return TemplateProblem(why, line, part)


def render_email_bounded(
    subject: str,
    body: str,
    variables: Mapping[str, Any],
    known: frozenset[str],
    bounds: Bounds | None = None,
    renderer: Renderer = sandbox.render_part,
) -> RenderedEmail:
    """Render in a child process; over time or memory is a TemplateProblem with its line.

    `renderer` renders one part (tests pass a stand-in that misbehaves on purpose).
    """
    bounds = bounds or current_bounds()
    key = _render_key(subject, body, variables, known, bounds, renderer)
    kept = _recall(key) if key is not None else None
    if isinstance(kept, RenderedEmail):
        return kept
    if kept is not None:
        raise TemplateProblem(*kept)
    slots = _render_slots(bounds.renders_at_once)
    if not slots.acquire(blocking=False):
        raise TemplateProblem(
            "Too many emails are being written from your templates right now. "
            "Try again in a moment."
        )
    try:
        rendered = _render_in_child(subject, body, variables, known, bounds, renderer)
    except _TemplateFault as problem:  # the template's own mistake: the same every time
        if key is not None:
            _keep(key, (problem.message, problem.line, problem.part))
        raise
    finally:
        slots.release()
    if key is not None and len(rendered.subject) + len(rendered.body) <= LONGEST_KEPT:
        _keep(key, rendered)
    return rendered


class _TemplateFault(TemplateProblem):
    """A problem in the template itself (not the machine's time or memory)."""


def _render_key(
    subject: str,
    body: str,
    variables: Mapping[str, Any],
    known: frozenset[str],
    bounds: Bounds,
    renderer: Renderer,
) -> tuple[Any, ...] | None:
    # Plain JSON only: a value JSON cannot write exactly (a date, a tuple, an object) could
    # write like another one, so such an email is rendered every time instead of kept.
    try:
        inputs = json.dumps([subject, body, variables, sorted(known)], sort_keys=True)
    except (TypeError, ValueError):
        return None
    return (renderer, bounds, hashlib.sha256(inputs.encode()).digest())


def _recall(key: tuple[Any, ...]) -> Kept | None:
    with _kept_lock:
        kept = _kept.get(key)
        if kept is not None:
            _kept.move_to_end(key)
        return kept


def _keep(key: tuple[Any, ...], outcome: Kept) -> None:
    with _kept_lock:
        _kept[key] = outcome
        _kept.move_to_end(key)
        while len(_kept) > RENDERS_KEPT:
            _kept.popitem(last=False)


def _render_in_child(
    subject: str,
    body: str,
    variables: Mapping[str, Any],
    known: frozenset[str],
    bounds: Bounds,
    renderer: Renderer,
) -> RenderedEmail:
    sources = (subject, body)
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    position = _CONTEXT.RawArray("i", [0, -1])
    child = _CONTEXT.Process(
        target=_child,
        args=(sender, position, sources, dict(variables), known, bounds.memory_mb, renderer),
        daemon=True,
    )
    child.start()
    sender.close()
    outcome: tuple[Any, ...] = ("timeout",)
    try:
        if receiver.poll(bounds.seconds):
            outcome = receiver.recv()
    except EOFError:
        outcome = ("died",)  # without a word: the memory cap, the OOM killer, or a crash
    finally:
        receiver.close()
        # Done or over time, the child has nothing left to do: killing it beats waiting
        # for its interpreter to shut down (about half the cost of a render).
        child.kill()
        child.join()
    if outcome[0] in ("crashed", "died"):
        log.error("Template render process failed (exit %s): %s", child.exitcode, outcome[1:])
    return _result(outcome, position, sources, bounds)


def _result(
    outcome: tuple[Any, ...], position: Any, sources: tuple[str, str], bounds: Bounds
) -> RenderedEmail:
    if outcome[0] == "ok":
        return sandbox.tidy(outcome[1], outcome[2])
    if outcome[0] == "problem":
        raise _TemplateFault(outcome[1], outcome[2], outcome[3])
    if outcome[0] == "timeout":
        why = f"This template takes too long to write an email (over {bounds.seconds:g} s)."
    elif outcome[0] == "crashed":
        why = "This template couldn't be written out on our side. Try again in a moment."
    else:
        why = f"This template needs too much memory (over {bounds.memory_mb} MB) to write an email."
    raise _stopped(position, sources, why)
