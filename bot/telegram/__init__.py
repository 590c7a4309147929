"""The Telegram channel: the service's flows on a phone, via python-telegram-bot.

`app.run(config, environ)` is the entry point `schtum run` calls; the rest are small
parts it wires together (rendering, callbacks, onboarding, message clean-up, handlers).
"""
