"""Small helpers shared by the site's apps; nothing here imports an app."""
