"""Benchmarks and load scripts: each prints figures and asserts nothing. Run them as scripts from the
project root (`.venv/bin/python bench/loadtest.py --help`)."""
