"""Data loading: the reference geography (open-data files, or a built-in synthetic one), the
project generator and the seed that writes both to the database through ``models``."""
