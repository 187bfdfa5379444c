"""Dashboard screens (one module per dashboard) and the help screen."""
