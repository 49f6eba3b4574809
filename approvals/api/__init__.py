"""REST API v1: the review queue and decisions for moderators; appeal and withdrawal for artists.

One module per area: reviews (moderators), clips (the gate's actions on a clip), notifications; `common` holds
what they share. `approvals/api_urls.py` routes to them.
"""
