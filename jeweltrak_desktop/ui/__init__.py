"""The Qt widgets: they draw, react, and call services through ``tasks.run_op``."""
