"""`python -m app ...` is the same as the `newsroom` command."""

from app.cli import main

main()
