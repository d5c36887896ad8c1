"""The HTTP surface: Scale's v6 routes, DRF-like parameters and errors, /_stub/ controls."""
