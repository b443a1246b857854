"""Printing screens: the PDF print preview and the printer settings."""
