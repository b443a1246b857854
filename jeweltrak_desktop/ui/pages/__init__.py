"""The counter screens, one module or package per section (see ``ui.context``)."""
