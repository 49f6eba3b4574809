"""REST API v1 for structured feedback: rate your renders, read the tag taxonomy and the model versions, play
blind pairwise rounds, read the results (the model team), and give or revoke your evaluation consent.

PUT /api/v1/clips/<id>/rating {"overall": 1-5, "tags": [slug], "note": "", "start_s": null, "end_s": null}
saves (or changes) your rating of one of your clips; GET reads it (404 when there is none).

A round's pair is given to an artist as two unlabelled sides, `left` and `right`, in that artist's order
(evaluation.services.a_shown_left); its videos are read by side, never by clip id, and a vote names a side.
Nothing an artist reads says which side is which version: only the model team reads the results.

One module per area: ratings (with tags and versions), rounds, results, consent. `evaluation/api_urls.py` routes
to them.
"""
