"""chainopt serve: read-only web pages over the nightly archive (see optimizer/web/app.py)."""
