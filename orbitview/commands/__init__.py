"""One module per ``orbitview`` subcommand: ``add_arguments(parser)`` and ``run(args) -> int``."""
