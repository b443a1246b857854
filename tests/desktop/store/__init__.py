"""Tests of the local store: crash safety, migrations, the engine settings and the codec."""
