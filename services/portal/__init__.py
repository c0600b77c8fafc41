"""The portal: web pages and identity (users, organisations, API keys); it holds no domain data."""
