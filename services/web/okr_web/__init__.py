"""The web server: the built web app and the platform's APIs under one origin."""
