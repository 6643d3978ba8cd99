"""The workspace file: what is saved comes back, and a bad file does not stop the console."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from console.preferences import Preferences, PreferencesStore
from console.screens import Placement, Rect
from console.workspace import (
    ROLE_PANELS,
    PanelState,
    Role,
    WindowState,
    WorkspaceState,
    WorkspaceStore,
)


def _state() -> WorkspaceState:
    state = WorkspaceState.default(Role.SUPERVISOR)
    state.main = WindowState(
        Placement("centre", Rect(1920, 0, 1920, 1080), Rect(2000, 40, 1600, 900)),
        maximised=True,
    )
    state.panels[0] = PanelState(
        "shift_board",
        floating=True,
        placement=Placement("right", Rect(3840, 0, 1920, 1080), Rect(3900, 80, 640, 480)),
    )
    state.dock_layout = "AAAA/wAAAAD9"
    return state


def test_a_saved_workspace_reads_back_the_same(tmp_path: Path) -> None:
    store = WorkspaceStore(tmp_path)
    store.save(_state())
    assert store.load(Role.SUPERVISOR) == _state()
    assert store.path_for(Role.SUPERVISOR).name == "workspace-supervisor.json"


def test_each_role_has_its_panels() -> None:
    assert [p.panel_id for p in WorkspaceState.default(Role.DISPATCHER).panels] == [
        "map",
        "case_queue",
        "case_detail",
        "units",
        "teams",
        "alerts",
        "joint",
    ]
    assert {"shift_board", "handover", "case_queue", "map", "evaluation"} == {
        s.panel_id for s in ROLE_PANELS[Role.SUPERVISOR]
    }
    assert {"wall_map", "figures", "charts", "rankings", "ticker"} == {
        s.panel_id for s in ROLE_PANELS[Role.WALL]
    }


def test_a_file_from_an_older_release_gains_new_panels_and_loses_old_ones(tmp_path: Path) -> None:
    data = json.loads(_state().to_json())
    data["panels"] = [
        {"id": "retired_panel", "visible": True, "floating": False, "placement": None},
        data["panels"][0],
    ]
    state = WorkspaceState.from_json(json.dumps(data))
    assert [p.panel_id for p in state.panels] == [s.panel_id for s in ROLE_PANELS[Role.SUPERVISOR]]
    assert state.panel("shift_board").floating


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "not JSON"),
        ('{"version": 99, "role": "wall"}', "version"),
        ('{"version": 1, "role": "janitor"}', "unknown role"),
        (
            '{"version": 1, "role": "wall", "panels": [{"id": "ticker", "floating": "yes"}]}',
            "floating",
        ),
        (
            '{"version": 1, "role": "wall", "main": {"placement": '
            '{"screen": "x", "screen_geometry": [0, 0, 0, 10], "geometry": [0, 0, 5, 5]}}}',
            "positive size",
        ),
    ],
)
def test_a_damaged_file_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        WorkspaceState.from_json(text)


def test_a_damaged_file_means_the_default_layout_and_a_logged_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = WorkspaceStore(tmp_path)
    store.path_for(Role.WALL).write_text("{broken", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert store.load(Role.WALL) is None
    assert "damaged workspace" in caplog.text
    assert store.path_for(Role.WALL).exists()  # kept for whoever wants to look at it


def test_preferences_are_remembered(tmp_path: Path) -> None:
    store = PreferencesStore(tmp_path)
    assert store.load() == Preferences()
    store.save(Preferences(language="zh_CN", large_font=True, role="wall"))
    assert store.load() == Preferences(language="zh_CN", large_font=True, role="wall")
