"""The city simulator: field units, reports and departments, over the real protocol.

``python -m backend simulate --url ws://… --speed 60 --seed 7`` (or ``serve --demo``, which
runs it in-process once the server listens) signs in as the demo users and makes the city
live: about 2,000 units patrolling their streets/towns on foot, by bicycle and by car and
changing status with the shifts, reports arriving with the daily rhythm and category mix
calibrated on real request data, departments signing for, sometimes returning and handling
their orders, and grid supervisors verifying. There is no back door into the store.

Modules, one job each:

* :mod:`~backend.simulator.calibration` — the report calibration (hourly, channels,
  categories) from ``resources/simulator/calibration.toml``.
* :mod:`~backend.simulator.clock` — simulated time at a speed factor.
* :mod:`~backend.simulator.plan` — the walking graph of the cells and the units' traits.
* :mod:`~backend.simulator.shifts` — rosters: day and night shifts, breaks.
* :mod:`~backend.simulator.movement` — vectorised movement of all units.
* :mod:`~backend.simulator.field` — statuses, tasks and positions of the field force.
* :mod:`~backend.simulator.reports` — the arrival process of reports.
* :mod:`~backend.simulator.actors` — what operators, departments and supervisors decide.
* :mod:`~backend.simulator.desk` — one signed-in actor (a ``GridClient``) and its agenda.
* :mod:`~backend.simulator.feed` — the position feed (fire-and-forget batches).
* :mod:`~backend.simulator.runner` — the whole run, the tick, ``serve --demo``.
* :mod:`~backend.simulator.command` — the ``simulate`` command and the ``serve --demo`` hook.

Everything up to ``actors`` is pure and seeded: the same seed gives the same plan.
"""
