"""Query engine and storage: SQLite, Scale's filters and orderings, serialisers, commands."""
