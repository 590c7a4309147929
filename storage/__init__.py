"""Privacy and persistence: anonymiser, pseudonyms, envelope encryption, the SQLite store."""
