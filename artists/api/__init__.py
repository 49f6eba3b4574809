"""REST API v1: an artist's feedback, ledger, consent, exports and public profile; moderators' feedback triage
and changelog.

The same services as the pages (artists.feedback, artists.ledger, artists.consent, artists.exports,
artists.accounts): a view validates shape with its `InputSerializer`, calls the service, and answers with its
`OutputSerializer`. Scopes: reads need `clips:read`, an artist's writes `clips:write`, moderators' writes
`review`; the roles are those of the pages (403 with the page's reason otherwise).

One module per area (feedback, ledger, consent, exports, profile, and the company's desk); `common` holds what
they share. `artists/api_urls.py` routes to them.
"""
