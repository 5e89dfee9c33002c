"""One reader per source format, each producing the tidy frame the store takes."""
