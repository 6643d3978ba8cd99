"""The urgent-case alert end to end: ``main.py``'s console over the embedded backend process.

The operator takes a 12345 call about a road collapse and reports it as urgent: the case
comes back as an event, the queue's banner and sound go off, and the operator acknowledges.
(The live simulator reports cases meanwhile, some urgent too: the test looks for its own.)
"""

from __future__ import annotations

import asyncio

import qasync
from pytestqt.qtbot import QtBot

from console.embedded import EmbeddedBackend
from console.store import RequestOutcome
from models.case import Source
from models.catalogue import Urgency
from models.work_lists import WorkList
from models.workflow import NewReport
from net.protocol import Ack
from tests.gui.console_harness import shown_console, until
from tests.gui.test_end_to_end import backend  # noqa: F401 (the fixture)
from views.case_queue_panel import CaseQueuePanel


def test_an_urgent_report_alerts_the_queue_until_acknowledged(
    backend: EmbeddedBackend,  # noqa: F811 (the imported fixture)
    loop: qasync.QEventLoop,
    qtbot: QtBot,
) -> None:
    url = backend.start()
    console = shown_console(qtbot, url)
    panel = console.window.panels["case_queue"]
    assert isinstance(panel, CaseQueuePanel)
    banner = panel.banner
    assert banner is not None
    store = console.store

    async def scenario() -> None:
        console.connection.start()
        await until(lambda: store.synced and bool(store.units), timeout=30)
        console.alert.set_enabled(True)
        panel.set_work_list(WorkList.TO_ACCEPT)
        unit = next(u for u in store.units.values() if u.lon is not None)
        assert unit.lon is not None
        assert unit.lat is not None
        report = NewReport(
            source=Source.HOTLINE,
            category="E0401",
            urgency=Urgency.URGENT,
            lon=unit.lon,
            lat=unit.lat,
            address="浦东南路 12 号",
            description="来电反映：路面塌陷，有车辆陷入",
            reporter_phone="13800000000",
        )
        done: asyncio.Future[RequestOutcome] = asyncio.get_running_loop().create_future()

        def answered(outcome: RequestOutcome) -> None:
            if not done.done():
                done.set_result(outcome)

        console.signals.request_succeeded.connect(answered)
        store.send_report(report)
        outcome = await asyncio.wait_for(done, 30)
        assert isinstance(outcome.answer, Ack)
        assert outcome.answer.result is not None
        case_id = int(outcome.answer.result["case_id"])

        await until(lambda: case_id in console.alert.pending, timeout=30)
        assert banner.isVisible()
        assert banner.blinking
        latest = store.cases[console.alert.pending[-1]]  # the simulator may report too
        assert latest.number in banner.text.text()
        assert console.alert.ringing, "the sound repeats"
        assert console.cases.row_of(case_id) is not None, "in the to-accept list"

        banner.acknowledge_button.click()
        assert not banner.isVisible()
        assert not console.alert.ringing
        assert not console.alert.pending
        await console.connection.close()

    loop.run_until_complete(asyncio.wait_for(scenario(), 240))
