"""The main window's shell: sign-in, global search and quick peek, status bar, banner."""
