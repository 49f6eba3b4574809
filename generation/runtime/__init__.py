"""Rendering runtime: plain Python, torch and diffusers. Nothing here imports Django.

Only `presets` may be imported by the web process; `engine`, `tiny` and `encode` import torch,
diffusers or PyAV and are imported by workers alone.
"""
