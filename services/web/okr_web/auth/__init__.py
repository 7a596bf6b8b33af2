"""Sign-in: the identity provider's settings for the web app, and development sign-in."""
