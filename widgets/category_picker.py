"""Category search: type a code, a Chinese or English name, or pinyin initials ("bllj")."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from console import i18n
from models.catalogue import Catalogue, Category
from widgets.search_picker import Choice, SearchPicker

SEARCH_LIMIT = 20
"""Most categories listed at once."""


def chinese() -> bool:
    """Whether the console speaks Chinese now (names are shown in the language spoken)."""
    app = QCoreApplication.instance()
    return app is not None and i18n.current_language(app) == i18n.CHINESE


class CategoryPicker(SearchPicker):
    """A :class:`SearchPicker` over the catalogue, searched with ``Catalogue.search``.

    Each line shows the code and the name in the console's language; its tooltip gives the
    other language's name and the responsible department.

    Args:
        catalogue: The category catalogue.
        parent: Owning widget.
    """

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        self.catalogue = catalogue
        super().__init__(self._search_categories, parent=parent)

    def _search_categories(self, text: str) -> list[Choice]:
        zh = chinese()
        return [self._choice(c, zh) for c in self.catalogue.search(text, SEARCH_LIMIT)]

    def _choice(self, category: Category, zh: bool) -> Choice:
        name, other = (
            (category.name_zh, category.name_en) if zh else (category.name_en, category.name_zh)
        )
        department = self.catalogue.department(category.department)
        handler = department.name_zh if zh else department.name_en
        return Choice(category.code, f"{category.code}  {name}", f"{other} · {handler}")

    def category(self) -> Category | None:
        """The selected category, or None."""
        key = self.current_key()
        return self.catalogue.categories[key] if key is not None else None
