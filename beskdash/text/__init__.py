"""Plain-language Danish sentences, generated from the same numbers as the charts and tables."""
