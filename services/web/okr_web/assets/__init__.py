"""The built web app (`dist/`): its files, the SPA fallback to index.html and cache headers."""
