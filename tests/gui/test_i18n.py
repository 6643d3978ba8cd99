"""Languages: the Chinese catalogue is complete and current, and switching works at run time."""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget
from pytestqt.qtbot import QtBot

from console import i18n
from console.preferences import PreferencesStore
from console.workspace import Role
from views.main_window import MainWindow, PlaceholderPanel

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
"""Chinese ideographs, or Chinese (full-width) punctuation: "{name}（{count}）" is the
Chinese form of "{name} ({count})"."""
ENGLISH_MENUS = ["&File", "&View", "&Window", "&Language", "&Help"]
CHINESE_MENUS = ["文件(&F)", "视图(&V)", "窗口(&W)", "语言(&L)", "帮助(&H)"]


def _tools() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(ts: Path) -> set[tuple[str, str, str, str]]:
    found = set()
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found.add(
                (
                    context.findtext("name", ""),
                    message.findtext("source", ""),
                    # A %n message has one text per plural form (Chinese has one).
                    "".join(f.text or "" for f in translation.iter("numerusform"))
                    or translation.text
                    or "",
                    translation.get("type", ""),
                )
            )
    return found


def test_every_string_of_the_console_has_a_chinese_translation(tmp_path: Path) -> None:
    tools = _tools()
    committed = Path(tools.TS)
    fresh = tmp_path / committed.name
    shutil.copy(committed, fresh)
    tools.lupdate(fresh)  # what lupdate finds in console/, widgets/, views/ today

    assert tools.unfinished(fresh) == [], "run scripts/update_translations.py and translate"
    assert _messages(fresh) == _messages(committed), "the .ts is stale: run the script"
    assert len(_messages(committed)) >= 40
    for _context, source, translation, _type in _messages(committed):
        assert CJK.search(translation), (source, translation)
        # Placeholders survive translation, so .format() fills them in Chinese too.
        assert re.findall(r"\{\w+\}", source) == re.findall(r"\{\w+\}", translation), source


def test_the_committed_qm_is_compiled_from_the_committed_ts(tmp_path: Path) -> None:
    tools = _tools()
    compiled = tmp_path / "grid_zh_CN.qm"
    tools.lrelease(Path(tools.TS), compiled)
    assert compiled.read_bytes() == Path(tools.QM).read_bytes(), "run the script: .qm is stale"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_CN", "zh_CN"), ("zh_TW", "zh_CN"), ("zh_HK", "zh_CN"), ("en_GB", "en"), ("de_DE", "en")],
)
def test_chinese_is_the_default_on_a_chinese_system(locale: str, expected: str) -> None:
    assert i18n.default_language(QLocale(locale)) == expected


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, english: None) -> MainWindow:
    main = MainWindow(config_dir=tmp_path, role=Role.DISPATCHER, apply_preferences=False)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def _menu_titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_the_language_menu_switches_everything_to_chinese_and_back(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    assert _menu_titles(window) == ENGLISH_MENUS
    assert window.windowTitle() == "Grid Command Centre — Dispatcher"

    chinese = window.findChild(QAction, "action-language.zh_CN")
    assert chinese is not None
    assert chinese.text() == "Simplified Chinese (简体中文)"  # findable when lost
    with qtbot.waitSignal(window.language_switched):
        chinese.trigger()

    assert _menu_titles(window) == CHINESE_MENUS
    assert window.windowTitle() == "网格化城运指挥台 — 调度员"
    menu = window.menu("file")
    assert menu is not None
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == ["保存工作区", "退出"]
    assert window.docks["map"].windowTitle() == "地图"
    placeholder = window.panels["alerts"]
    assert isinstance(placeholder, PlaceholderPanel)
    assert placeholder.note.text() == "面板建设中：告警"
    assert chinese.isChecked()
    assert PreferencesStore(tmp_path).load().language == "zh_CN"

    window.registry.trigger("language.en")
    assert _menu_titles(window) == ENGLISH_MENUS
    assert window.docks["map"].windowTitle() == "Map"
    assert placeholder.note.text() == "Panel under construction: Alerts"


def test_every_action_has_a_chinese_text(window: MainWindow) -> None:
    window.set_language("zh_CN")
    for role in Role:  # every workspace's panel actions too
        window.switch_workspace(role)
        texts = {action.id: action.text() for action in window.registry}
        assert texts
        missing = {key: text for key, text in texts.items() if not CJK.search(text)}
        assert not missing, missing
    for dock in window.findChildren(QDockWidget):
        assert CJK.search(dock.windowTitle()), dock.objectName()


def test_the_chosen_language_is_used_at_the_next_start(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, english: None
) -> None:
    PreferencesStore(tmp_path).save(PreferencesStore(tmp_path).load())
    first = MainWindow(config_dir=tmp_path, apply_preferences=False)
    qtbot.addWidget(first)
    first.set_language("zh_CN")
    first.close()
    i18n.install_language(qapp, "en")

    second = MainWindow(config_dir=tmp_path)  # applies the remembered preferences
    qtbot.addWidget(second)
    assert i18n.current_language(qapp) == "zh_CN"
    assert _menu_titles(second) == CHINESE_MENUS


def test_an_unknown_language_is_refused(qapp: QApplication) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        i18n.install_language(qapp, "fr")
