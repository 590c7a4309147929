"""The conversation engine and the flows, as data. Knows nothing of Telegram or storage."""
