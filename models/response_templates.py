"""Response templates (预案, a CAD "run card"): the agencies a joint operation for a category
calls for.

The catalogue gives every category a default (:func:`models.joint.response_template`: its
responsible department and its joint departments, as far as they have field forces). The
district's supervisors may set another list for a category; the backend keeps it as a
server setting and tells every console, which pre-fills the convening form from it. Setting
an empty list puts the catalogue's default back.

Plain values and functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import msgspec

from models.catalogue import Catalogue
from models.errors import InvalidInput, NotPermitted
from models.joint import check_agencies, response_template
from models.org import Actor, Role

TEMPLATE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
"""Who sets templates: shift supervisors (值班长) and administrators of the district."""


class ResponseTemplate(msgspec.Struct, frozen=True, kw_only=True):
    """The agencies a supervisor set for a category.

    Attributes:
        category: The category code (``E0501``...).
        agencies: The departments, in the order the convening form lists them; empty means
            "the catalogue's default" (the template was reset).
        set_by: The supervisor's user id.
        set_at: When.
    """

    category: str
    agencies: tuple[str, ...] = ()
    set_by: str
    set_at: datetime


def set_template(
    category: str,
    agencies: Sequence[str],
    *,
    catalogue: Catalogue,
    actor: Actor,
    at: datetime,
) -> ResponseTemplate:
    """A checked template for ``category`` (``agencies`` empty: back to the default).

    Raises:
        NotPermitted: the actor is not a supervisor or administrator of the whole district
            (templates are the district's).
        UnknownId: an unknown category or department.
        InvalidInput: an agency named twice or without field forces (``agencies[i]``).
    """
    label = f"response template {category}"
    if actor.role not in TEMPLATE_ROLES:
        allowed = ", ".join(sorted(r.value for r in TEMPLATE_ROLES))
        raise NotPermitted(
            label, "-", "set_response_template", f"role '{actor.role}' may not; allowed: {allowed}"
        )
    if not actor.is_district_wide:
        raise NotPermitted(
            label,
            "-",
            "set_response_template",
            f"templates are the district's; scope {actor.scope} is one street",
        )
    if at.tzinfo is None:
        raise InvalidInput("at", "must carry a time zone")
    catalogue.category(category)
    checked = check_agencies(agencies, catalogue) if agencies else ()
    return ResponseTemplate(category=category, agencies=checked, set_by=actor.user_id, set_at=at)


def template_agencies(
    catalogue: Catalogue, category: str, templates: Mapping[str, ResponseTemplate]
) -> tuple[str, ...]:
    """The agencies a joint operation for ``category`` calls for now: the supervisors'
    template if one is set, else the catalogue's default.

    Raises:
        UnknownId: an unknown category (without a template).
    """
    template = templates.get(category)
    if template is not None and template.agencies:
        return template.agencies
    return response_template(catalogue, category)
