"""Pure allocation engine: numpy and scipy/highspy only, nothing of the rest of the project."""
