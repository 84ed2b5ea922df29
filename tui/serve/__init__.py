"""`blitz-tui serve`: the app in a browser through textual-serve, behind a token (see cli.py)."""
