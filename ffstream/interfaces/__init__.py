"""What users run ffstream through besides the Python API: the command line and the demo."""
