"""Schtum terminal and Telegram channels, the application service and the command line."""
