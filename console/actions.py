"""The central registry of the console's actions, and the command palette's providers.

Plain Python, no Qt. Every action the console offers (switch workspace, move a window,
change language, ...) is registered here once, with a stable id, a text getter, a shortcut
and a callback. The main window makes its menus' ``QAction``s from the registry and the
command palette (Ctrl+K) lists it, so nothing can be reachable from a menu and missing from
the palette, or the other way round.

The palette asks a list of :class:`CommandProvider`\\ s for what matches the text typed;
the registry is the first. A later part adds command-line verbs (``dispatch 123 CGZF``) as
another provider, without touching the palette.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the operator can do.

    Attributes:
        id: Stable, dotted identifier (``"workspace.dispatcher"``); also typed in the palette.
        text: Returns the action's text in the current language. A getter rather than a
            string because the language can change at run time: the caller translates
            (``lambda: self.tr("Quit")``), which also lets Qt's ``lupdate`` find the string.
        callback: Runs the action.
        shortcut: A portable key sequence (``"Ctrl+K"``, Qt's ``QKeySequence`` syntax), or
            ``""`` for none.
        checkable: A toggle (its state is shown in menus).
        checked: Returns whether a toggle is on; None for actions that are not toggles.
        enabled: Returns whether the action can run now (e.g. a case move legal for the
            selected case); None for actions that always can. A disabled action's menu
            item and shortcut are disabled and the palette leaves it out.
    """

    id: str
    text: Callable[[], str]
    callback: Callable[[], object]
    shortcut: str = ""
    checkable: bool = False
    checked: Callable[[], bool] | None = None
    enabled: Callable[[], bool] | None = None

    def is_enabled(self) -> bool:
        """Whether the action can run now."""
        return self.enabled is None or self.enabled()


@dataclass(frozen=True, slots=True)
class Command:
    """One line of the command palette.

    Attributes:
        key: Identifies the line (an action id, or a verb's canonical form).
        title: What the line says, in the current language.
        detail: Shown on the right: the shortcut of an action, a verb's hint.
        run: Carries it out.
    """

    key: str
    title: str
    detail: str
    run: Callable[[], object]


class CommandProvider(Protocol):
    """Something the command palette consults for lines matching what was typed."""

    def commands(self, query: str) -> list[Command]:
        """The lines matching ``query`` (all of them for an empty query), best first."""
        ...


def matches(query: str, *texts: str) -> bool:
    """Case-insensitive substring match of ``query`` in any of ``texts``; "" matches all."""
    needle = query.strip().casefold()
    return not needle or any(needle in text.casefold() for text in texts)


class ActionRegistry:
    """Every registered action, in registration order.

    Also a :class:`CommandProvider`: its commands are the actions whose text (in the
    current language) or id contains the query, with the shortcut as detail.

    Args:
        shortcut_text: Turns a portable shortcut into what the operator reads (Qt's native
            text, e.g. ``"Ctrl+K"``); the default shows the portable form unchanged.
    """

    def __init__(self, shortcut_text: Callable[[str], str] | None = None) -> None:
        self._actions: dict[str, Action] = {}
        self._listeners: list[Callable[[], None]] = []
        self._state_listeners: list[Callable[[], None]] = []
        self.shortcut_text: Callable[[str], str] = shortcut_text or (lambda s: s)

    def register(self, action: Action) -> Action:
        """Adds an action.

        Raises:
            ValueError: If an action with the same id is already registered, or another
                action already has the same shortcut (Qt would make both ambiguous, so
                neither would fire).
        """
        if action.id in self._actions:
            raise ValueError(f"action {action.id!r} is already registered")
        if action.shortcut:
            for other in self._actions.values():
                if other.shortcut and other.shortcut.casefold() == action.shortcut.casefold():
                    raise ValueError(
                        f"shortcut {action.shortcut} of {action.id!r} is taken by {other.id!r}"
                    )
        self._actions[action.id] = action
        self._notify()
        return action

    def add(
        self,
        action_id: str,
        text: Callable[[], str],
        callback: Callable[[], object],
        shortcut: str = "",
        *,
        checked: Callable[[], bool] | None = None,
        enabled: Callable[[], bool] | None = None,
    ) -> Action:
        """Registers an action from its parts (a toggle when ``checked`` is given)."""
        return self.register(
            Action(
                id=action_id,
                text=text,
                callback=callback,
                shortcut=shortcut,
                checkable=checked is not None,
                checked=checked,
                enabled=enabled,
            )
        )

    def unregister(self, action_id: str) -> None:
        """Removes an action; unknown ids are ignored (removal is idempotent)."""
        if self._actions.pop(action_id, None) is not None:
            self._notify()

    def unregister_prefix(self, prefix: str) -> None:
        """Removes every action whose id starts with ``prefix`` (e.g. per-screen actions)."""
        doomed = [action_id for action_id in self._actions if action_id.startswith(prefix)]
        for action_id in doomed:
            del self._actions[action_id]
        if doomed:
            self._notify()

    def get(self, action_id: str) -> Action:
        """The action with this id.

        Raises:
            KeyError: If there is none.
        """
        return self._actions[action_id]

    def __contains__(self, action_id: object) -> bool:
        return action_id in self._actions

    def __iter__(self) -> Iterator[Action]:
        return iter(list(self._actions.values()))

    def __len__(self) -> int:
        return len(self._actions)

    def trigger(self, action_id: str) -> object:
        """Runs an action by id and returns what its callback returned."""
        return self._actions[action_id].callback()

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Calls ``listener`` after every registration or removal (menus rebuild on it)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        """Stops calling ``listener``."""
        self._listeners.remove(listener)

    def add_state_listener(self, listener: Callable[[], None]) -> None:
        """Calls ``listener`` on :meth:`states_changed` (menus refresh enabled and checked)."""
        self._state_listeners.append(listener)

    def remove_state_listener(self, listener: Callable[[], None]) -> None:
        """Stops calling ``listener`` on :meth:`states_changed`."""
        self._state_listeners.remove(listener)

    def states_changed(self) -> None:
        """Says that actions' enabled or checked states may have changed (the selection or
        the selected case changed, say); cheaper than re-registering."""
        for listener in list(self._state_listeners):
            listener()

    def commands(self, query: str) -> list[Command]:
        """The enabled actions matching ``query`` in their current-language text or id."""
        found = []
        for action in self._actions.values():
            title = action.text()
            if matches(query, title, action.id) and action.is_enabled():
                found.append(
                    Command(
                        key=action.id,
                        title=title,
                        detail=self.shortcut_text(action.shortcut) if action.shortcut else "",
                        run=action.callback,
                    )
                )
        return found

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
