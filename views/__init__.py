"""Role workspaces and dialogs composed of widgets; the main window is the entry point."""

from views.main_window import MainWindow, PanelFactory, PlaceholderPanel

__all__ = ["MainWindow", "PanelFactory", "PlaceholderPanel"]
