"""The render worker's side (celery -Q render): imported only inside tasks and at a render worker's start.

run       one render: claim, render, encode, store, or fail with a readable message
progress  progress, cancel and time-limit checks every step; the heartbeat thread
engine    the RENDER_ENGINE class, one warm instance per process, per-preset options
copies    a clip decoded and encoded again, without metadata (contests' judging copies)
"""
