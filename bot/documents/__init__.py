"""Documents built from a practitioner's records: the export and the supervision pack.

`gather` collects what a reader may see (decrypted in memory only), `markdown` and `pdf`
render it. Nothing here writes a file: callers decide where the bytes go (a BytesIO sent
to Telegram, or the one path a terminal user named, created owner-only).
"""
