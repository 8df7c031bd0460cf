"""`python -m authoring` runs the command-line interface."""
from authoring.cli import main

main()
