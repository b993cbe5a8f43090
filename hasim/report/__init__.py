"""Reports of studies: text for the terminal (HTML design-review reports later)."""
