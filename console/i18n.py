"""Languages: Simplified Chinese (the users' language) and English, switchable at run time.

Source strings are English, in the code, through ``self.tr()`` or
``QCoreApplication.translate()``. ``resources/i18n/grid_zh_CN.ts`` holds their Chinese,
``grid_zh_CN.qm`` is its compiled form (``scripts/update_translations.py`` runs PySide6's
``lupdate`` and ``lrelease``). Installing or removing a translator makes Qt send every
widget a ``QEvent.LanguageChange``; widgets answer it with their ``retranslate_ui()``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

CHINESE: Final = "zh_CN"
ENGLISH: Final = "en"
LANGUAGES: Final = (CHINESE, ENGLISH)
"""The languages the console speaks; the first is the users' own."""

NATIVE_NAMES: Final = {CHINESE: "简体中文", ENGLISH: "English"}
"""Each language's name in itself, shown next to the translated name in the Language menu,
so someone who switched by mistake can find their way back."""

CATALOGUE: Final = "grid"
"""Base name of the translation files: ``grid_zh_CN.ts`` / ``.qm``."""

# Installed translators, kept referenced (Qt does not own them) so they can be removed on the
# next switch; keyed by application id so a test that makes a new application starts clean.
_installed: dict[int, list[QTranslator]] = {}
_current: dict[int, str] = {}


def translations_dir() -> Path:
    """``resources/i18n``, where the .ts and .qm files live."""
    return Path(str(resources.files("resources") / "i18n"))


def qm_path(language: str) -> Path:
    """The compiled catalogue of ``language`` (English needs none: it is the source)."""
    return translations_dir() / f"{CATALOGUE}_{language}.qm"


def default_language(locale: QLocale | None = None) -> str:
    """Chinese when the system locale is Chinese (any script or region), else English."""
    loc = locale if locale is not None else QLocale.system()
    return CHINESE if loc.language() == QLocale.Language.Chinese else ENGLISH


def current_language(app: QCoreApplication) -> str:
    """The language last installed on ``app`` (English before any)."""
    return _current.get(id(app), ENGLISH)


def install_language(app: QCoreApplication, language: str) -> None:
    """Switches the whole application to ``language`` now.

    Loads the console's catalogue and Qt's own (standard buttons and dialogs), replacing
    whatever language was installed; every widget then gets a ``LanguageChange`` event.

    Raises:
        ValueError: If the language is not one of :data:`LANGUAGES`.
        FileNotFoundError: If the console's compiled catalogue is missing (a broken install:
            better to say so than to show a half-English console).
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {LANGUAGES}")
    key = id(app)
    for translator in _installed.pop(key, []):
        QCoreApplication.removeTranslator(translator)
    translators: list[QTranslator] = []
    if language != ENGLISH:
        own = QTranslator(app)
        path = qm_path(language)
        if not own.load(str(path)):
            raise FileNotFoundError(f"cannot load translations {path}")
        translators.append(own)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_own = QTranslator(app)
        # Qt's catalogue is optional: without it only the standard buttons stay English.
        if qt_own.load(f"qtbase_{language}", qt_dir) or qt_own.load(f"qt_{language}", qt_dir):
            translators.append(qt_own)
    for translator in translators:
        QCoreApplication.installTranslator(translator)
    _installed[key] = translators
    _current[key] = language
    # Qt posts LanguageChange to every window; deliver it now, so that the whole console
    # speaks the new language when this returns (and tests need not spin the event loop).
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    # Number and date formats follow the language too (e.g. 2024年5月1日 in Chinese).
    QLocale.setDefault(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China)
        if language == CHINESE
        else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    )
