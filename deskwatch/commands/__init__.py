"""One module per subcommand: add_parser(subparsers, common) and run(args) -> int."""
