"""What the window and the command line both run: jobs on this machine's pool or a Dask cluster."""
