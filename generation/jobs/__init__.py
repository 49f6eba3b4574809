"""Render jobs: their state machine and everything that moves a job before a worker takes it.

states       the states and the transition table
submit       job_create: validation, prompt screening, admission, the new QUEUED row
admission    quotas and the queue horizon (quotas: the per-artist counts)
transitions  every other move, each one atomic conditional update
fairness     the fair order across artists, used by dispatch and by the estimates
estimates    queue position and ETA
dispatch     QUEUED -> DISPATCHED into free slots, and the task sent by name
"""
