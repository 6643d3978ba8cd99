"""The command palette (Ctrl+K) and the action registry it lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QInputMethodEvent, QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.actions import ActionRegistry, Command, matches
from console.workspace import Role
from views.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, english: None) -> Iterator[MainWindow]:
    main = MainWindow(config_dir=tmp_path, role=Role.DISPATCHER, apply_preferences=False)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    if main.preferences.large_font:
        main.set_large_font(False)


def _open(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.command_palette.isVisible)


def _type(qtbot: QtBot, window: MainWindow, text: str) -> list[str]:
    palette = window.command_palette
    palette.filter.clear()
    if text.isascii():
        qtbot.keyClicks(palette.filter, text)
    else:
        # Chinese arrives from an input method, as a committed string, not as key presses
        # (QTest cannot type it either).
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(palette.filter, event)
    return [c.key for c in palette.shown_commands()]


def test_ctrl_k_lists_every_action_with_its_shortcut(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    palette = window.command_palette
    shown = palette.shown_commands()
    assert [c.key for c in shown] == [a.id for a in window.registry]
    assert len(shown) == palette.list.topLevelItemCount()
    native = QKeySequence.SequenceFormat.NativeText
    for command, action in zip(shown, window.registry, strict=True):
        assert command.title == action.text()
        assert command.detail == QKeySequence(action.shortcut).toString(native)
    by_key = {c.key: c for c in shown}
    # Everything the brief asks for is there, shortcuts shown where there are any.
    assert by_key["palette.open"].detail == "Ctrl+K"
    assert by_key["workspace.dispatcher"].detail == "Ctrl+1"
    assert by_key["workspace.wall"].detail == "Ctrl+3"
    assert by_key["window.move_to_screen.3"].detail == "Ctrl+Alt+3"
    assert by_key["view.large_font"].detail == "Ctrl+Shift+L"
    assert by_key["app.quit"].detail == "Ctrl+Q"
    for key in (
        "wall.fullscreen.1",
        "language.zh_CN",
        "language.en",
        "workspace.supervisor",
        "panel.map",
    ):
        assert key in by_key
    # The menus hold the same actions, with the same shortcuts.
    qaction = window.findChild(QAction, "action-palette.open")
    assert qaction is not None
    assert qaction.shortcut() == QKeySequence("Ctrl+K")


def test_typing_filters_by_text_and_by_id_ignoring_case(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    assert _type(qtbot, window, "move WINDOW") == [
        "window.move_to_screen.1",
        "window.move_to_screen.2",
        "window.move_to_screen.3",
    ]
    assert _type(qtbot, window, "(right)") == ["window.move_to_screen.3", "wall.fullscreen.3"]
    assert _type(qtbot, window, "workspace.wall") == ["workspace.wall"]  # by id
    assert _type(qtbot, window, "QUIT") == ["app.quit"]
    assert _type(qtbot, window, "no such thing at all") == []
    assert window.command_palette.list.topLevelItemCount() == 1  # "No matching command"


def test_enter_runs_the_selected_action_and_closes(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    assert _type(qtbot, window, "large-font") == ["view.large_font"]
    with qtbot.waitSignals([window.large_font_toggled, window.command_palette.command_ran]):
        qtbot.keyClick(window.command_palette.filter, Qt.Key.Key_Return)
    assert window.preferences.large_font
    assert not window.command_palette.isVisible()


def test_arrow_keys_choose_among_the_matches(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    assert _type(qtbot, window, "workspace:") == [
        "workspace.dispatcher",
        "workspace.supervisor",
        "workspace.wall",
    ]
    qtbot.keyClick(window.command_palette.filter, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.workspace_switched) as switched:
        qtbot.keyClick(window.command_palette.filter, Qt.Key.Key_Enter)
    assert switched.args == ["supervisor"]


def test_escape_closes_without_running_anything(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window)
    _type(qtbot, window, "quit")
    with qtbot.assertNotEmitted(window.command_palette.command_ran):
        qtbot.keyClick(window.command_palette.filter, Qt.Key.Key_Escape)
    assert not window.command_palette.isVisible()
    assert window.isVisible()


def test_in_chinese_the_palette_finds_chinese_text(qtbot: QtBot, window: MainWindow) -> None:
    window.set_language("zh_CN")
    _open(qtbot, window)
    assert _type(qtbot, window, "退出") == ["app.quit"]
    assert _type(qtbot, window, "app.quit") == ["app.quit"]  # ids work in every language
    assert window.command_palette.filter.placeholderText() == "输入以搜索操作…"


def test_shortcuts_work_without_the_palette(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.workspace_switched) as switched:
        qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert switched.args == ["supervisor"]


def test_command_providers_add_lines_to_the_palette(qtbot: QtBot, window: MainWindow) -> None:
    ran: list[str] = []

    class Verbs:
        """Stands in for the command-line verbs a later part adds."""

        def commands(self, query: str) -> list[Command]:
            if not query.startswith("dispatch "):
                return []
            return [Command(query, f"Dispatch: {query[9:]}", "verb", lambda: ran.append(query))]

    window.command_palette.add_provider(Verbs())
    _open(qtbot, window)
    assert _type(qtbot, window, "dispatch 123 CGZF") == ["dispatch 123 CGZF"]
    qtbot.keyClick(window.command_palette.filter, Qt.Key.Key_Return)
    assert ran == ["dispatch 123 CGZF"]


def test_actions_registered_later_get_a_menu_and_a_palette_line(
    qtbot: QtBot, window: MainWindow
) -> None:
    done: list[bool] = []
    window.registry.add("case.new", lambda: "New case", lambda: done.append(True), "Ctrl+N")
    menu = window.menu("actions")
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["New case"]
    _open(qtbot, window)
    assert _type(qtbot, window, "new case") == ["case.new"]
    window.command_palette.close()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert done == [True]


def test_the_registry_refuses_duplicate_ids_and_shortcuts() -> None:
    registry = ActionRegistry()
    registry.add("a", lambda: "A", lambda: None, "Ctrl+K")
    with pytest.raises(ValueError, match="already registered"):
        registry.add("a", lambda: "A again", lambda: None)
    with pytest.raises(ValueError, match="taken by 'a'"):
        registry.add("b", lambda: "B", lambda: None, "ctrl+k")
    registry.unregister("a")
    registry.add("b", lambda: "B", lambda: None, "Ctrl+K")


@pytest.mark.parametrize(
    ("query", "texts", "expected"),
    [("", ("x",), True), ("  Map ", ("Wall map",), True), ("地图", ("大屏地图",), True)],
)
def test_matching_is_a_trimmed_case_insensitive_substring(
    query: str, texts: tuple[str, ...], expected: bool
) -> None:
    assert matches(query, *texts) is expected
