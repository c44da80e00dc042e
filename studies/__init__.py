"""Studies over many solves: sweeps of a scenario's parameters and Sobol sensitivity indices,
handed to a Dask cluster in batches (the engine, simulation/, knows nothing of them)."""
