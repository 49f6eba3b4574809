"""Operating the site: /metrics for Prometheus (computed from the database at scrape time) and readiness."""
