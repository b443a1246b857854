"""Owner signup, sign-in, staff, permission groups and stores."""
