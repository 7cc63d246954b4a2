"""One render function per page."""
